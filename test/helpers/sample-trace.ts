/**
 * The shared sample trace of the trace tests: every field type with values at
 * their extremes, unicode, TSDL keywords as field names, a marker without
 * fields, two threads, slices (`_start`/`_end`, `_begin`/`_end`, nested, one
 * unmatched end) and discarded events. `expectedEvents` is what any reader
 * must find in it, in timestamp order.
 */
import type { TestTrace } from './trace-writer.js';
import { TEST_OFFSET_NS } from './trace-writer.js';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;

export interface ExpectedEvent {
  /** ns since the Unix epoch */
  readonly timestamp: bigint;
  readonly threadId: number;
  readonly threadName: string;
  readonly name: string;
  readonly fields: Record<string, unknown>;
}

const MAIN = { threadId: 0, threadName: 'main' };
const WORKER = { threadId: 3, threadName: 'wörker ✓' };

/** Each event as [thread, clock value, name, fields in format order]. */
const EVENTS: [typeof MAIN, bigint, string, Record<string, unknown>][] = [
  [MAIN, 1_000n, 'app:boot', {}],
  [WORKER, 1_500n, 'db:query_begin', { sql: 'SELECT 1' }],
  [
    MAIN,
    2_000n,
    'app:values',
    {
      i: INT64_MIN,
      u: UINT64_MAX,
      x: 0xdeadbeefn,
      f: -1.5,
      s: 'héllo 🌍 世界 "q" \\',
      b: true,
      j: { a: [1, 2], b: 'x', c: null },
    },
  ],
  [
    MAIN,
    3_000n,
    'app:values',
    { i: INT64_MAX, u: 0n, x: UINT64_MAX, f: 1e300, s: '', b: false, j: 'just a string' },
  ],
  [
    MAIN,
    3_500n,
    'app:values',
    { i: -42n, u: 42n, x: 255n, f: 0.1, s: 'tab\tnew\nline', b: true, j: [] },
  ],
  [MAIN, 4_000n, 'app:keywords', { align: 7n, string: 'kw', _under: 9n, event: true }],
  [WORKER, 4_500n, 'db:query_end', { rows: 3n }],
  [MAIN, 5_000n, 'app:request_start', { id: 1n }],
  [MAIN, 6_000n, 'app:parse_begin', {}],
  [MAIN, 7_000n, 'app:parse_end', {}],
  [MAIN, 8_000n, 'app:request_end', { id: 1n, status: 200n }],
  [WORKER, 9_000n, 'db:orphan_end', { code: -1n }],
  [WORKER, 10_000n, 'db:query_begin', { sql: 'INSERT INTO t VALUES (1)' }],
  [WORKER, 11_000n, 'db:query_end', { rows: 1n }],
];

const MAIN_MARKERS = [
  { name: 'app:boot', format: 'booted' },
  { name: 'app:values', format: 'i %d u %u x %x f %f s %s b %b j %j' },
  { name: 'app:keywords', format: 'align %d string %s _under %u event %b' },
  { name: 'app:request_start', format: 'id %d' },
  { name: 'app:parse_begin', format: '' },
  { name: 'app:parse_end', format: '' },
  { name: 'app:request_end', format: 'id %d status %d' },
];
const WORKER_MARKERS = [
  { name: 'db:query_begin', format: 'sql %s' },
  { name: 'db:query_end', format: 'rows %u' },
  { name: 'db:orphan_end', format: 'code %d' },
];

function packetsOf(thread: typeof MAIN, split: number[]) {
  const mine = EVENTS.filter(([t]) => t === thread).map(([, ts, name, fields]) => ({
    name,
    ts,
    values: Object.values(fields),
  }));
  const packets = [];
  let from = 0;
  for (const to of [...split, mine.length]) {
    packets.push(mine.slice(from, to));
    from = to;
  }
  return packets;
}

/** Main: 3 packets (one padded); worker: 3 packets, 5 events discarded before the third. */
export const SAMPLE_TRACE: TestTrace = {
  streams: [
    {
      ...MAIN,
      markers: MAIN_MARKERS,
      packets: packetsOf(MAIN, [2, 5]).map((events, i) => ({ events, pad: i === 0 ? 13 : 0 })),
    },
    {
      ...WORKER,
      markers: WORKER_MARKERS,
      packets: packetsOf(WORKER, [1, 2]).map((events, i) => ({
        events,
        discarded: i === 2 ? 5 : 0,
      })),
    },
  ],
};

export const SAMPLE_DISCARDED = { threadName: WORKER.threadName, events: 5 };

/** Expected events: 64-bit ints given as bigint here; compare with `sameValue`. */
export const SAMPLE_EVENTS: readonly ExpectedEvent[] = EVENTS.map(([thread, ts, name, fields]) => ({
  timestamp: TEST_OFFSET_NS + ts,
  threadId: thread.threadId,
  threadName: thread.threadName,
  name,
  fields,
}));

/** Fields of an event whose marker declares hex (`%x`) output. */
export const HEX_FIELDS: Record<string, readonly string[]> = { 'app:values': ['x'] };
