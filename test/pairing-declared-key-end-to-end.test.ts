// A user marker pair that declares its pairing key (`{ key: 'reqId' }`, a
// field named neither `id` nor `key`), end to end in a real child process
// whose requests overlap on one thread and end first-in first-out, with
// starts that never end and ends that never started:
// - `markers list` shows the key;
// - `markers record` (the CLI) writes a trace that babeltrace2 reads, whose
//   env carries the key;
// - its Perfetto conversion, decoded by protoc against Perfetto's schema,
//   has one slice per completed request whose begin and end carry the same
//   reqId, the stray ends as instants, the abandoned starts open;
// - `markers latency` on the same process counts exactly the completed
//   pairs, by status, with the abandoned starts pending and the stray ends
//   unmatched. Nesting would have paired every one of them wrongly.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AggregateResult } from '../src/index.js';
import { ABANDONED, COMPLETED, STRAY } from './fixtures/pairing-counts.js';
import { ask } from './helpers/channels.js';
import { cli, lastJson, makeSocketDir, ROOT, startApp, waitUntil } from './helpers/control.js';
import { babeltrace2 } from './helpers/judges.js';
import { slices } from './helpers/perfetto-slices.js';

const APP = join(ROOT, 'test/fixtures/pairing-app.ts');

async function waitState(app: Awaited<ReturnType<typeof startApp>>, expected: string) {
  await waitUntil(async () => {
    const answer = await ask(app, 'state', 'state ');
    return answer === `state ${expected}` ? true : undefined;
  }, `markers ${expected}`);
}

test('a declared key pairs overlapping requests: list, record, babeltrace2, Perfetto slices and markers latency agree', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], { script: APP });
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const listed = await cli(sockets.dir, ['list', '-p', String(app.pid), '--json', 'app:*']);
    assert.equal(listed.code, 0, listed.stderr);
    const { markers } = lastJson<{ markers: { name: string; key?: string }[] }>(listed);
    assert.deepEqual(
      markers.map((m) => [m.name, m.key]),
      [
        ['app:req_end', 'reqId'],
        ['app:req_start', 'reqId'],
      ],
    );
    const table = await cli(sockets.dir, ['list', '-p', String(app.pid), 'app:req_start']);
    assert.match(table.stdout, /"reqId %d path %s" key reqId/);

    // Recorded from the CLI.
    const record = cli(sockets.dir, [
      'record',
      '-p',
      String(app.pid),
      'app:*',
      '-o',
      dir,
      '--json',
    ]);
    await waitState(app, 'true true');
    assert.equal(await ask(app, 'go', 'done'), `done ${COMPLETED} ${ABANDONED} ${STRAY}`);
    record.child.kill('SIGINT');
    const recorded = await record;
    assert.equal(recorded.code, 0, recorded.stderr);
    assert.equal(lastJson<{ lost: number }>(recorded).lost, 0);
    await waitState(app, 'false false');

    const text = babeltrace2(dir);
    assert.equal(text.status, 0, text.stderr);
    assert.equal(text.stderr, '');
    assert.equal(text.stdout.match(/app:req_start:/g)?.length, COMPLETED + ABANDONED);
    assert.equal(text.stdout.match(/app:req_end:/g)?.length, COMPLETED + STRAY);
    assert.match(readFileSync(join(dir, 'metadata'), 'utf8'), /stream_0_event_\d+_key = "reqId";/);

    const out = join(sockets.dir, '..', 'trace.perfetto-trace');
    const converted = await cli(sockets.dir, ['convert', dir, '--to', 'perfetto', '-o', out]);
    assert.equal(converted.code, 0, converted.stderr);
    const decoded = slices(readFileSync(out));
    const requests = decoded.slices.filter((s) => s.name === 'app:req');
    const closed = requests.filter((s) => s.end >= 0n);
    assert.equal(closed.length, COMPLETED);
    for (const s of closed) {
      // Begin args: reqId, path; end args: reqId, status. The same request on both.
      const [beginId, path, endId, status] = s.args;
      assert.equal(endId, beginId, `slice ${path} closed by reqId ${endId}`);
      const i = Number(/\/item\/(\d+)/.exec(path ?? '')?.[1]);
      assert.equal(Number(status), 200 + (i % 3));
    }
    assert.deepEqual(
      requests
        .filter((s) => s.end < 0n)
        .map((s) => s.args[1])
        .sort(),
      Array.from({ length: ABANDONED }, (_, i) => `"/abandoned/${i}"`),
    );
    const strays = decoded.instants.filter((e) => e.name === 'app:req_end');
    assert.equal(strays.length, STRAY);
    assert.ok(strays.every((e) => e.args[1] === '599'));

    // markers latency on the same process, the same rule, live.
    let seen = '';
    const latency = cli(
      sockets.dir,
      [
        'latency',
        '-p',
        String(app.pid),
        'app:req_start',
        '--by',
        'status',
        '--json',
        '-i',
        '100ms',
      ],
      {
        onStdout: (t) => {
          seen = t;
        },
      },
    );
    await waitState(app, 'true true');
    await waitUntil(() => (seen.includes('"time"') ? true : undefined), 'the first interval');
    assert.equal(await ask(app, 'go', 'done'), `done ${COMPLETED} ${ABANDONED} ${STRAY}`);
    await waitUntil(
      () => (seen.includes(`"unmatchedEnds":${STRAY}`) ? true : undefined),
      'the stray ends counted',
    );
    latency.child.kill('SIGINT');
    const paired = await latency;
    assert.equal(paired.code, 0, paired.stderr);
    const final = lastJson<AggregateResult>(paired);
    const byStatus = new Map<number, number>();
    for (let i = 0; i < COMPLETED; i++)
      byStatus.set(200 + (i % 3), (byStatus.get(200 + (i % 3)) ?? 0) + 1);
    assert.deepEqual(final.groups.map((g) => [g.key.status, g.count]).sort(), [...byStatus].sort());
    // Every request waited at least its 20 ms timer.
    for (const g of final.groups) assert.ok((g.min ?? 0) >= 19, `min ${g.min}`);
    assert.deepEqual(final.latency, { pending: ABANDONED, evicted: 0, unmatchedEnds: STRAY });
  } finally {
    await app.stop();
    sockets.remove();
  }
});
