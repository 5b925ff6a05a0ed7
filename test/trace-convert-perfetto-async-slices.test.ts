// Overlapping operations on one thread (as in Node, where requests
// interleave): each x_end closes its own x_start — by `key`/`id`, or by its
// `ms` for channel markers — and overlapping slices go on separate async
// lanes under the thread's track. Decoded by protoc against Perfetto's own
// trace schema, so our reading of the field numbers is checked too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertToBuffer } from './helpers/convert-conformance.js';
import { slices } from './helpers/perfetto-slices.js';
import { writeTrace } from './helpers/trace-writer.js';

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
