/**
 * Text output, one line per record in the style of babeltrace2's pretty
 * printer:
 *
 *   [HH:MM:SS.nnnnnnnnn] (+S.nnnnnnnnn) THREAD/TID provider:event: { field = value, ... }
 *
 * Times are UTC wall-clock; the delta is from the previous line (any
 * thread). Strings are JSON-quoted, `%x` fields hex, `%j` fields JSON text.
 * Lost events get a line of their own, in place:
 *
 *   [HH:MM:SS.nnnnnnnnn] (+S.nnnnnnnnn) THREAD/TID WARNING: N events discarded since HH:MM:SS.nnnnnnnnn
 */
import type { TraceEntry } from '../reader/reader.js';
import type { Formatter } from './formatter.js';
import { textValue } from './values.js';

const NS_PER_S = 1_000_000_000n;

/** `HH:MM:SS.nnnnnnnnn` of a Unix-epoch ns timestamp, in UTC. */
export function clockTime(ns: bigint): string {
  const seconds = ns / NS_PER_S;
  const day = Number(seconds % 86_400n);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const frac = String(ns % NS_PER_S).padStart(9, '0');
  return `${pad(Math.floor(day / 3600))}:${pad(Math.floor(day / 60) % 60)}:${pad(day % 60)}.${frac}`;
}

function delta(ns: bigint): string {
  const sign = ns < 0n ? '-' : '+';
  const abs = ns < 0n ? -ns : ns;
  return `${sign}${abs / NS_PER_S}.${String(abs % NS_PER_S).padStart(9, '0')}`;
}

export class TextFormatter implements Formatter {
  private previous: bigint | undefined;

  entry(record: TraceEntry): string {
    const d =
      this.previous === undefined ? '+?.?????????' : delta(record.timestamp - this.previous);
    this.previous = record.timestamp;
    const prefix = `[${clockTime(record.timestamp)}] (${d}) ${record.threadName}/${record.threadId}`;
    if (record.type === 'discarded') {
      const what = [
        record.events > 0 ? `${record.events} events` : '',
        record.packets > 0 ? `${record.packets} packets` : '',
      ].filter((s) => s !== '');
      return `${prefix} WARNING: ${what.join(' and ')} discarded since ${clockTime(record.since)}\n`;
    }
    const items = record.event.fields.map(
      (f) => `${f.name} = ${textValue(f, record.fields[f.name])}`,
    );
    const body = items.length === 0 ? '{ }' : `{ ${items.join(', ')} }`;
    return `${prefix} ${record.name}: ${body}\n`;
  }
}
