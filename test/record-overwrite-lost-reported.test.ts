// Overwrite mode never hides its losses: what was overwritten is carried by
// the trace (events_discarded, read by bt2 and our reader) and printed in
// the CLI's summary, whether the recording is stopped or the app exits.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, ROOT, startApp } from './helpers/control.js';
import { bt2Counts, ourCounts } from './helpers/loss-count.js';

interface Summary {
  events: number;
  lost: number;
  lostExact: boolean;
  loss: { overwritten: number; discarded: number };
}

test('record --mode overwrite, stopped: the overwritten events are in the trace and the summary', async () => {
  const sockets = makeSocketDir();
  const dir = join(sockets.dir, '..', 'trace');
  // About 500,000 events a second: a 256 KiB buffer overflows many times over in 1 s.
  const app = await startApp(sockets.dir, ['1000', '2'], {
    script: join(ROOT, 'test/fixtures/flood.ts'),
  });
  try {
    const result = await cli(sockets.dir, [
      'record',
      '-p',
      String(app.pid),
      'flood:*',
      '--mode',
      'overwrite',
      '--buffer-size',
      String(256 * 1024),
      '--duration',
      '1s',
      '-o',
      dir,
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const summary = lastJson<Summary>(result);
    assert.equal(summary.lostExact, true);
    assert.ok(summary.loss.overwritten > 0, `nothing overwritten: ${result.stdout}`);
    assert.equal(summary.lost, summary.loss.overwritten + summary.loss.discarded);

    const theirs = bt2Counts(dir);
    assert.equal(theirs.failed, false, theirs.error);
    assert.equal(theirs.events, summary.events);
    assert.equal(theirs.discarded, summary.lost);
    const ours = await ourCounts(dir);
    assert.equal(ours.failed, false, ours.error);
    assert.equal(ours.events, summary.events);
    assert.equal(ours.discarded, summary.lost);

    const human = await cli(sockets.dir, [
      'record',
      '-p',
      String(app.pid),
      'flood:*',
      '--mode',
      'overwrite',
      '--buffer-size',
      String(256 * 1024),
      '--duration',
      '500ms',
      '-o',
      join(sockets.dir, '..', 'human'),
    ]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /, [1-9]\d* lost: (\d+ discarded, )?[1-9]\d* overwritten\)/);
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test('run --record --mode overwrite: at process.exit() the newest events arrive and the rest are counted', async () => {
  const sockets = makeSocketDir();
  const dir = join(sockets.dir, '..', 'trace');
  const n = 200_000;
  try {
    const result = await cli(sockets.dir, [
      'run',
      '--json',
      '--record',
      // The app's own marker: with the control server on, '*' also matches the channel catalogue.
      'exit:*',
      '--mode',
      'overwrite',
      '--buffer-size',
      String(256 * 1024),
      '-o',
      dir,
      '--',
      process.execPath,
      '--import',
      'tsx',
      join(ROOT, 'test/fixtures/exit-burst.ts'),
      String(n),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const line = result.stderr.split('\n').find((l) => l.startsWith('{"dir"'));
    assert.ok(line, result.stderr);
    const summary = JSON.parse(line) as Summary;
    assert.equal(summary.lostExact, true, line);
    assert.ok(summary.events > 0 && summary.loss.overwritten > 0, line);
    assert.equal(summary.events + summary.lost, n, line);

    const theirs = bt2Counts(dir);
    assert.equal(theirs.failed, false, theirs.error);
    assert.equal(theirs.events + theirs.discarded, n);
    const ours = await ourCounts(dir);
    assert.equal(ours.failed, false, ours.error);
    assert.equal(ours.events + ours.discarded, n);
  } finally {
    sockets.remove();
  }
});
