/**
 * The independent judges of our CTF: the babeltrace2 CLI and its Python
 * bindings (bt2), plus helpers that bring their output and our reader's
 * into one comparable shape (64-bit ints as bigint, bools as booleans,
 * json fields parsed).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TraceEntry, TraceEvent } from '../../src/trace/reader/reader.js';
import { openTrace } from '../../src/trace/reader/reader.js';

const BT2_DUMP = fileURLToPath(new URL('./bt2-dump.py', import.meta.url));

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function babeltrace2(...args: string[]): Run {
  const r = spawnSync('babeltrace2', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Bt2Event {
  readonly type: 'event';
  readonly ts: string;
  readonly name: string;
  readonly stream_id: number;
  readonly thread_id: string | null;
  readonly fields: Record<string, Record<string, unknown>>;
}
export interface Bt2Discarded {
  readonly type: 'discarded';
  readonly stream_id: number;
  readonly count: number | null;
}
export interface Bt2Stream {
  readonly type: 'stream';
  readonly stream_id: number;
  readonly env: Record<string, string | number>;
}
export type Bt2Message = Bt2Event | Bt2Discarded | Bt2Stream;

/** Every message bt2 yields before it stops; `status` is non-zero when it stopped on an error. */
export function bt2Read(dir: string): {
  messages: Bt2Message[];
  status: number | null;
  stderr: string;
} {
  const r = spawnSync('/usr/bin/python3', [BT2_DUMP, dir], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const messages = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Bt2Message);
  return { messages, status: r.status, stderr: r.stderr };
}

/** A comparable event: {ts, name, threadId, fields} with ints as bigint. */
export interface Canonical {
  readonly ts: bigint;
  readonly name: string;
  readonly threadId: number;
  readonly fields: Record<string, unknown>;
}

function bt2Value(field: Record<string, unknown>, name: string): unknown {
  if ('enum' in field) return (field.enum as string[])[0] === 'true';
  if ('int' in field) return BigInt(field.int as string);
  if ('float' in field) return Number(field.float);
  if ('string' in field) return name === 'j' ? JSON.parse(field.string as string) : field.string;
  return field;
}

/**
 * bt2's event in canonical form. It cannot tell a json field from a string,
 * so fields named `j` (the sample trace's json field) are parsed.
 */
export function canonicalBt2(event: Bt2Event): Canonical {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event.fields)) fields[k] = bt2Value(v, k);
  return { ts: BigInt(event.ts), name: event.name, threadId: Number(event.thread_id), fields };
}

/** Our reader's event in canonical form. */
export function canonicalOurs(event: TraceEvent): Canonical {
  const fields: Record<string, unknown> = {};
  for (const f of event.event.fields) {
    const v = event.fields[f.name];
    fields[f.name] =
      (f.type === 'int64' || f.type === 'uint64') && typeof v === 'number' ? BigInt(v) : v;
  }
  return { ts: event.timestamp, name: event.name, threadId: event.threadId, fields };
}

/** Reads a whole trace with our reader: the records before any error, and the error. */
export async function readAll(dir: string): Promise<{ records: TraceEntry[]; error: unknown }> {
  const records: TraceEntry[] = [];
  try {
    const trace = await openTrace(dir);
    for await (const r of trace.records()) records.push(r);
    return { records, error: undefined };
  } catch (error) {
    return { records, error };
  }
}

export function eventsOf(records: readonly TraceEntry[]): TraceEvent[] {
  return records.filter((r): r is TraceEvent => r.type === 'event');
}

/**
 * Reads `dir` with bt2 and with our reader, both of which must succeed;
 * returns both event lists in canonical form, and our events as read.
 */
export async function readWithBoth(
  dir: string,
): Promise<{ theirs: Canonical[]; ours: Canonical[]; events: TraceEvent[] }> {
  const bt2 = bt2Read(dir);
  if (bt2.status !== 0) throw new Error(`bt2 failed on ${dir}: ${bt2.stderr}`);
  const theirs = bt2.messages.filter((m): m is Bt2Event => m.type === 'event').map(canonicalBt2);
  const { records, error } = await readAll(dir);
  if (error !== undefined) throw error;
  const events = eventsOf(records);
  return { theirs, ours: events.map(canonicalOurs), events };
}
