/**
 * JSON lines output, one object per record:
 *
 *   {"ts":"1700000000123456789","thread":"main","tid":0,"marker":"http:request_done","fields":{...}}
 *
 * - `ts` is nanoseconds since the Unix epoch as a decimal string: exact, and
 *   it sorts as text (`.ts|tonumber` gives a double, good to ~256 ns today).
 * - 64-bit integers within ±2^53 are JSON numbers; larger ones are decimal
 *   strings, so jq never rounds them. `%x` fields are "0x..." strings, `%j`
 *   fields their JSON value.
 * - Lost events are a line too, with `discarded` instead of `marker`:
 *   {"ts":"...","thread":"w","tid":1,"discarded":{"events":5,"packets":0,"since":"..."}}
 */
import type { TraceEntry } from '../reader/reader.js';
import type { Formatter } from './formatter.js';
import { jsonValue } from './values.js';

export class JsonLinesFormatter implements Formatter {
  entry(record: TraceEntry): string {
    const base = {
      ts: record.timestamp.toString(),
      thread: record.threadName,
      tid: record.threadId,
    };
    if (record.type === 'discarded') {
      const discarded = {
        events: record.events,
        packets: record.packets,
        since: record.since.toString(),
      };
      return `${JSON.stringify({ ...base, discarded })}\n`;
    }
    const fields: Record<string, unknown> = {};
    for (const f of record.event.fields) fields[f.name] = jsonValue(f, record.fields[f.name]);
    return `${JSON.stringify({ ...base, marker: record.name, fields })}\n`;
  }
}
