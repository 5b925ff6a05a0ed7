/**
 * `markers report NAME --merged`: one report for the process, buckets and
 * counts added over the threads, what cannot be merged exactly named.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, ROOT, startApp } from './helpers/control.js';

const COUNTER = join(ROOT, 'test/fixtures/control-probe.mjs');

interface Merged {
  threads: number;
  merged: {
    ticks: number;
    jobs: number;
    thread?: number;
    buckets: { le: number; count: number }[];
  };
  unmerged: string[];
}

test('report --merged adds the threads together and names what it left out', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=2', 'fire']);
  try {
    const loaded = await cli(sockets.dir, ['load', COUNTER]);
    assert.equal(loaded.code, 0, loaded.stderr);
    const r = await cli(sockets.dir, ['report', 'counter', '--merged', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const merged = lastJson<Merged>(r);
    assert.equal(merged.threads, 3);
    // Each thread's ticks and its le=2 bucket are the same number: so are their sums.
    assert.equal(merged.merged.buckets.find((b) => b.le === 2)?.count, merged.merged.ticks);
    assert.equal(merged.merged.buckets.find((b) => b.le === 1)?.count, merged.merged.jobs);
    assert.equal(merged.merged.thread, undefined, 'thread ids must not be added up');
    assert.deepEqual(merged.unmerged, ['thread']);

    const human = await cli(sockets.dir, ['report', 'counter', '--merged']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^counter, 3 thread\(s\) merged:$/m);
    assert.match(human.stdout, /<= 2 │/);
    assert.match(human.stdout, /not merged exactly: thread;/);
    assert.doesNotMatch(human.stdout, /in thread main/);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
