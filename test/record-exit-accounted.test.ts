// Events fired just before process.exit() are in the trace or counted as
// lost, exactly: the main thread's exit waits until the control server has
// sent the last packets and the final counters (thread-handlers.ts). A small
// buffer makes every run drop events, so both halves of the sum are tested.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, ROOT } from './helpers/control.js';
import { bt2Counts, ourCounts } from './helpers/loss-count.js';

const FIXTURE = join(ROOT, 'test/fixtures/exit-burst.ts');
const N = 200_000;
const RUNS = 4;

interface Summary {
  events: number;
  lost: number;
  lostExact: boolean;
  loss: { discarded: number };
}

test('markers run --record: recorded + lost == fired, exactly, when the app calls process.exit()', async () => {
  for (let run = 0; run < RUNS; run++) {
    const sockets = makeSocketDir();
    const dir = join(sockets.dir, '..', 'trace');
    try {
      const result = await cli(sockets.dir, [
        'run',
        '--json',
        '--record',
        // The app's own marker: with the control server on, '*' also matches the channel catalogue.
        'exit:*',
        '--buffer-size',
        String(256 * 1024),
        '-o',
        dir,
        '--',
        process.execPath,
        '--import',
        'tsx',
        FIXTURE,
        String(N),
      ]);
      assert.equal(result.code, 0, result.stderr);
      // `run` prints its summary on stderr (stdout is the application's).
      const line = result.stderr.split('\n').find((l) => l.startsWith('{"dir"'));
      assert.ok(line, result.stderr);
      const summary = JSON.parse(line) as Summary;
      assert.equal(summary.lostExact, true, result.stderr);
      assert.equal(summary.events + summary.lost, N, line);

      const theirs = bt2Counts(dir);
      assert.equal(theirs.failed, false, theirs.error);
      const ours = await ourCounts(dir);
      assert.equal(ours.failed, false, ours.error);
      // The trace itself carries the count: every event is in it or reported discarded.
      assert.equal(theirs.events, summary.events);
      assert.equal(theirs.events + theirs.discarded, N);
      assert.equal(ours.events + ours.discarded, N);
    } finally {
      sockets.remove();
    }
  }
});
