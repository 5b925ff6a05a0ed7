// Our TSDL parser is a parser, not a match on renderMetadata's text: a
// hand-written trace in the style of the CTF reference notes (u32 event ids,
// no thread_id, other spacing and aliases, comments) reads the same as bt2
// reads it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readWithBoth } from './helpers/judges.js';
import { tempDir } from './helpers/trace-writer.js';

const METADATA = `/* CTF 1.8 */
// written by hand
typealias integer { size = 8;  align = 8; signed = false; } := uint8_t;
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
typealias integer { size = 64; align = 8; signed = false; } := uint64_t;
typealias integer { size = 64; align = 8; signed = true;  } := int64_t;
typealias integer { size = 64; align = 8; signed = false; base = hex; } := hex_t;
typealias floating_point { exp_dig = 11; mant_dig = 53; align = 8; byte_order = le; } := double;
trace {
    major = 1; minor = 8;
    uuid = "733cba5b-8998-408b-967f-018dba5a335a";
    byte_order = le;
    packet.header := struct { uint32_t magic; uint8_t uuid[16]; uint32_t stream_id; };
};
env { hostname = "box"; tracer_name = "by-hand"; tracer_major = 0; };
clock {
    name = mono; uuid = "2b23f1c8-b996-4eed-bbb2-abff45651122";
    freq = 1000000000; precision = 1; offset_s = 1700000000; offset = 0x10; absolute = true;
};
typealias integer { size = 64; align = 8; signed = false; map = clock.mono.value; } := uint64_clock_t;
stream {
    id = 0;
    packet.context := struct {
        uint64_clock_t timestamp_begin; uint64_clock_t timestamp_end;
        uint64_t content_size; uint64_t packet_size;
        uint64_t packet_seq_num; uint64_t events_discarded;
    };
    event.header := struct { uint32_t id; uint64_clock_t timestamp; };
};
event { name = "app:hello"; id = 7; stream_id = 0; fields := struct { int64_t n; string msg; double ratio; hex_t addr; }; };
event { name = "app:bye"; id = 8; stream_id = 0; fields := struct { }; };
`;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
}
function f64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
}

test('a hand-written CTF trace reads the same with our reader and bt2', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'metadata'), METADATA);
  const events = Buffer.concat([
    u32(7),
    u64(100n),
    u64(0xffffffffffffffffn),
    Buffer.from('héllo\0'),
    f64(0.25),
    u64(0xcafen),
    u32(8),
    u64(150n),
    u32(7),
    u64(200n),
    u64(5n),
    Buffer.from('\0'),
    f64(-3),
    u64(1n),
  ]);
  const headerBytes = 4 + 16 + 4 + 6 * 8;
  const size = BigInt((headerBytes + events.length) * 8);
  const packet = Buffer.concat([
    u32(0xc1fc1fc1),
    Buffer.from('733cba5b8998408b967f018dba5a335a', 'hex'),
    u32(0),
    u64(100n),
    u64(200n),
    u64(size),
    u64(size),
    u64(0n),
    u64(0n),
    events,
  ]);
  writeFileSync(join(dir, 'chan_0'), packet);
  // A hidden file is not a stream file (babeltrace2 ignores it too).
  writeFileSync(join(dir, '.index'), 'not a stream');

  const { ours: canonical, theirs, events: ours } = await readWithBoth(dir);
  // bt2 has no packet thread_id here: compare the rest, and check our fallback thread.
  assert.deepEqual(
    canonical.map((e) => ({ ...e, threadId: 0 })),
    theirs.map((e) => ({ ...e, threadId: 0 })),
  );
  assert.equal(ours.length, 3);
  assert.equal(ours[0]?.timestamp, 1_700_000_000_000_000_016n + 100n);
  assert.equal(ours[0]?.fields.n, -1);
  assert.equal(ours[0]?.fields.addr, 0xcafe);
  assert.equal(ours[0]?.event.fields[3]?.spec, 'x');
  assert.equal(ours[0]?.threadName, 'thread-0');
});
