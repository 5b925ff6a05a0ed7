// A corrupt or truncated trace fails with a stable code naming the file and
// byte offset, after every readable event has been yielded. babeltrace2 is
// the judge that the same bytes are corrupt (it does not check uuids).
import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { PacketContext, PacketHeader } from '../src/abi/trace-layout.js';
import { isMarkersError } from '../src/errors/markers-error.js';
import { babeltrace2, eventsOf, readAll } from './helpers/judges.js';
import { SAMPLE_EVENTS, SAMPLE_TRACE } from './helpers/sample-trace.js';
import { type WrittenTrace, writeTrace } from './helpers/trace-writer.js';

interface Case {
  readonly name: string;
  /** Damages the trace; returns the byte offset the error must name. */
  readonly damage: (trace: WrittenTrace) => number;
  readonly code: string;
  /** Stream whose file must be named. */
  readonly stream: number;
  /** Events (by index in SAMPLE_EVENTS) that must still be delivered. */
  readonly readable: readonly number[];
  readonly babeltrace2Rejects: boolean;
}

function patch(path: string, offset: number, bytes: Buffer): void {
  const data = readFileSync(path);
  bytes.copy(data, offset);
  writeFileSync(path, data);
}
const u16 = (n: number): Buffer => Buffer.from([n & 0xff, n >> 8]);
const u64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};
// Stream 0 (main) holds sample events 0,2,3 | 4,5,7 | ...; stream 1 (worker) 1 | 6 | 11,12,13.
const WORKER = [1, 6, 11, 12, 13];

const CASES: Case[] = [
  {
    name: 'wrong magic in the second packet',
    damage: (t) => {
      const at = t.files[0]?.packetOffsets[1] as number;
      patch(
        t.files[0]?.path as string,
        at + PacketHeader.MAGIC,
        Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      );
      return at;
    },
    code: 'ERR_TRACE_CORRUPT',
    stream: 0,
    readable: [0, 2, ...WORKER],
    babeltrace2Rejects: true,
  },
  {
    name: 'a file truncated inside its last packet',
    damage: (t) => {
      const file = t.files[0]?.path as string;
      // Last packet of main: request_start (18 bytes) whole, parse_begin cut after 3 bytes.
      const size = (t.files[0]?.packetOffsets[2] as number) + PacketContext.END + 18 + 3;
      truncateSync(file, size);
      return size;
    },
    code: 'ERR_TRACE_CORRUPT',
    stream: 0,
    readable: [0, 2, 3, 4, 5, 7, ...WORKER], // 7 is whole before the cut
    babeltrace2Rejects: true,
  },
  {
    name: 'an unknown event id',
    damage: (t) => {
      // First packet of main: app:boot (10 bytes, no fields) then app:values at 86.
      const at = PacketContext.END + 10;
      patch(t.files[0]?.path as string, at, u16(999));
      return at;
    },
    code: 'ERR_TRACE_CORRUPT',
    stream: 0,
    readable: [0, ...WORKER],
    babeltrace2Rejects: true,
  },
  {
    name: 'a packet uuid that is not the metadata uuid',
    damage: (t) => {
      const at = (t.files[1]?.packetOffsets[1] as number) + PacketHeader.UUID;
      patch(t.files[1]?.path as string, at, Buffer.alloc(16, 0xab));
      return at;
    },
    code: 'ERR_TRACE_UUID_MISMATCH',
    stream: 1,
    readable: [0, 1, 2, 3, 4, 5, 7, 8, 9, 10],
    babeltrace2Rejects: false,
  },
  {
    name: 'content_size larger than packet_size',
    damage: (t) => {
      const at = (t.files[1]?.packetOffsets[2] as number) + PacketContext.CONTENT_SIZE;
      patch(t.files[1]?.path as string, at, u64(1n << 40n));
      return at;
    },
    code: 'ERR_TRACE_CORRUPT',
    stream: 1,
    readable: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    babeltrace2Rejects: true,
  },
  {
    name: 'a timestamp going backwards within a stream',
    damage: (t) => {
      // Second packet of worker: one event, db:query_end, right after the packet headers.
      const packet = t.files[1]?.packetOffsets[1] as number;
      patch(t.files[1]?.path as string, packet + PacketContext.TIMESTAMP_BEGIN, u64(1n));
      patch(t.files[1]?.path as string, packet + PacketContext.END + 2, u64(1n));
      return packet + PacketContext.END;
    },
    code: 'ERR_TRACE_CORRUPT',
    stream: 1,
    readable: [0, 1, 2, 3, 4, 5, 7, 8, 9, 10],
    babeltrace2Rejects: true,
  },
];

for (const c of CASES) {
  test(`corrupt trace: ${c.name}`, async () => {
    const trace = writeTrace(SAMPLE_TRACE);
    const offset = c.damage(trace);
    const { records, error } = await readAll(trace.dir);
    assert.ok(isMarkersError(error, c.code), `expected ${c.code}, got ${String(error)}`);
    assert.equal(error.details.file, trace.files[c.stream]?.path);
    assert.equal(error.details.offset, offset);
    const names = eventsOf(records).map((e) => `${e.name}@${e.timestamp}`);
    const expected = [...c.readable]
      .sort((a, b) => a - b)
      .map((i) => `${SAMPLE_EVENTS[i]?.name}@${SAMPLE_EVENTS[i]?.timestamp}`);
    assert.deepEqual(names, expected);
    const judge = babeltrace2(trace.dir);
    assert.equal(judge.status !== 0, c.babeltrace2Rejects, judge.stderr.slice(0, 2000));
  });
}

test('a string running past the packet content is corrupt', async () => {
  const trace = writeTrace({
    streams: [
      {
        threadId: 0,
        threadName: 'main',
        markers: [{ name: 'a:s', format: 'msg %s' }],
        packets: [
          {
            events: [
              { name: 'a:s', ts: 5n, values: ['ok'] },
              { name: 'a:s', ts: 6n, values: ['abcdef'] },
            ],
          },
        ],
      },
    ],
  });
  const path = trace.files[0]?.path as string;
  const data = readFileSync(path);
  data[data.length - 1] = 0x41; // the final NUL becomes 'A'
  writeFileSync(path, data);
  const { records, error } = await readAll(trace.dir);
  assert.ok(isMarkersError(error, 'ERR_TRACE_CORRUPT'));
  assert.equal(error.details.offset, PacketContext.END + 10 + 3 + 10);
  assert.deepEqual(
    eventsOf(records).map((e) => e.fields.msg),
    ['ok'],
  );
  // babeltrace2 2.0.4 logs this one as an error but still exits 0.
  assert.match(babeltrace2(trace.dir).stderr, / E PLUGIN\/CTF/);
});
