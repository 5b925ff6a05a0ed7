// Overlapping operations on one thread (as in Node, where requests
// interleave): each x_end closes its own x_start — by `key`/`id`, or by its
// `ms` for channel markers — and overlapping slices go on separate async
// lanes under the thread's track. Decoded by protoc against Perfetto's own
// trace schema, so our reading of the field numbers is checked too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { convertToBuffer } from './helpers/convert-conformance.js';
import { writeTrace } from './helpers/trace-writer.js';

const PROTO_DIR = '/work/shared/reference';

interface Slice {
  name: string;
  track: string;
  begin: bigint;
  end: bigint;
  args: string[];
}

/** protoc --decode of the Perfetto bytes, folded into slices per track. */
function slices(bytes: Uint8Array): { slices: Slice[]; tracks: Map<string, string>; text: string } {
  const r = spawnSync(
    'protoc',
    [`--proto_path=${PROTO_DIR}`, '--decode=perfetto.protos.Trace', 'perfetto_trace.proto'],
    { input: bytes, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout;
  const tracks = new Map<string, string>(); // lane uuid -> parent uuid
  const out: Slice[] = [];
  const open = new Map<string, Slice[]>();
  for (const packet of text.split(/^packet \{$/m).slice(1)) {
    const descriptor = /track_descriptor \{([\s\S]*?)\n {2}\}/.exec(packet)?.[1];
    if (descriptor !== undefined) {
      const uuid = /uuid: (\d+)/.exec(descriptor)?.[1] as string;
      const parent = /parent_uuid: (\d+)/.exec(descriptor)?.[1];
      if (parent !== undefined) tracks.set(uuid, parent);
      continue;
    }
    const ts = BigInt(/timestamp: (\d+)/.exec(packet)?.[1] ?? '0');
    const type = /type: (\w+)/.exec(packet)?.[1];
    const track = /track_uuid: (\d+)/.exec(packet)?.[1] as string;
    const name =
      /\bname: "([^"]*)"\n {4}(?:debug|categories|$)/.exec(packet)?.[1] ??
      /^ {4}name: "([^"]*)"/m.exec(packet)?.[1] ??
      '';
    const args = [...packet.matchAll(/(?:string|int|double)_value: ("[^"]*"|[-\d.e+]+)/g)].map(
      (m) => m[1] as string,
    );
    if (type === 'TYPE_SLICE_BEGIN') {
      const slice = { name, track, begin: ts, end: -1n, args };
      out.push(slice);
      open.set(track, [...(open.get(track) ?? []), slice]);
    } else if (type === 'TYPE_SLICE_END') {
      const stack = open.get(track) ?? [];
      const slice = stack.pop();
      assert.ok(slice !== undefined, `an end on track ${track} with nothing open`);
      slice.end = ts;
      slice.args.push(...args);
    }
  }
  return { slices: out, tracks, text };
}

test('perfetto: overlapping operations end in any order and each closes its own slice', async () => {
  const { dir } = writeTrace({
    streams: [
      {
        threadId: 0,
        threadName: 'main',
        markers: [
          { name: 'cache:load_start', format: 'key %s' },
          { name: 'cache:load_end', format: 'key %s hit %b' },
          { name: 'node:http.server_start', format: 'method %s url %s' },
          { name: 'node:http.server_end', format: 'method %s url %s status %d ms %f error %s' },
        ],
        packets: [
          {
            events: [
              { name: 'cache:load_start', ts: 1_000n, values: ['user:309'] },
              { name: 'cache:load_start', ts: 2_000n, values: ['user:723'] },
              // The first to start ends first: "innermost open" would pair it with user:723.
              { name: 'cache:load_end', ts: 3_000n, values: ['user:309', true] },
              { name: 'cache:load_end', ts: 9_000n, values: ['user:723', false] },
              // Two requests for the same URL: only `ms` tells them apart.
              { name: 'node:http.server_start', ts: 10_000_000n, values: ['GET', '/a'] },
              { name: 'node:http.server_start', ts: 11_000_000n, values: ['GET', '/a'] },
              {
                name: 'node:http.server_end',
                ts: 13_000_000n,
                values: ['GET', '/a', 200n, 3.0, ''],
              },
              {
                name: 'node:http.server_end',
                ts: 14_000_000n,
                values: ['GET', '/a', 500n, 3.0, 'boom'],
              },
            ],
          },
        ],
      },
    ],
  });
  const { slices: decoded, tracks } = slices((await convertToBuffer(dir, 'perfetto')).bytes);
  // Timestamps carry the clock's offset to the epoch: compare them relative to the first.
  const t0 = decoded[0]?.begin ?? 0n;
  const found = decoded.map((s) => ({
    ...s,
    begin: s.begin - t0 + 1_000n,
    end: s.end - t0 + 1_000n,
  }));
  const cache = found.filter((s) => s.name === 'cache:load');
  assert.deepEqual(
    cache.map((s) => [s.args[0], s.begin, s.end]),
    [
      ['"user:309"', 1_000n, 3_000n],
      ['"user:723"', 2_000n, 9_000n],
    ],
  );
  const http = found.filter((s) => s.name === 'node:http.server');
  assert.deepEqual(
    http.map((s) => [s.begin, s.end, s.args.at(-1)]),
    [
      [10_000_000n, 13_000_000n, '""'],
      [11_000_000n, 14_000_000n, '"boom"'],
    ],
  );
  // Overlapping slices are on different lanes, each an async child of the thread track.
  assert.notEqual(cache[0]?.track, cache[1]?.track);
  assert.notEqual(http[0]?.track, http[1]?.track);
  for (const s of found) assert.ok(tracks.has(s.track), `slice on a lane: ${s.name}`);
  // A lane is reused once free: two sequential pairs of lanes serve all four slices.
  assert.equal(new Set(found.map((s) => s.track)).size, 4);
});
