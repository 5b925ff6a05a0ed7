// What the disk and signals do to a recording: a trace stays readable up to
// its last packet, with the cut counted in the trace and the summary, and a
// storage failure is a coded error, never "0 lost" and exit 0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cli,
  hasStreamData,
  lastJson,
  makeSocketDir,
  ROOT,
  startApp,
  waitUntil,
} from './helpers/control.js';
import { bt2Counts, ourCounts } from './helpers/loss-count.js';

const FLOOD = join(ROOT, 'test/fixtures/flood.ts');

interface Summary {
  events: number;
  lost: number;
  lostExact: boolean;
  loss: { unwritten: number };
}

function metadataSize(dir: string): number {
  try {
    return statSync(join(dir, 'metadata')).size;
  } catch {
    return 0;
  }
}

// About 100,000 events a second: enough to fill packets, few enough for bt2 to count.
const STEADY = ['500', '5'];

async function withFlood(
  fn: (sockets: string, pid: number, dir: string) => Promise<void>,
  args: readonly string[] = STEADY,
): Promise<void> {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, args, { script: FLOOD });
  try {
    await fn(sockets.dir, app.pid, join(sockets.dir, '..', 'trace'));
  } finally {
    await app.stop();
    sockets.remove();
  }
}

test('markers record killed by SIGKILL leaves a trace both readers read', async () => {
  await withFlood(async (sockets, pid, dir) => {
    const recording = cli(sockets, ['record', '-p', String(pid), 'flood:*', '-o', dir]);
    // Events on disk, not just bytes: the first packet of a stream may be an empty one.
    await waitUntil(
      async () => ((await ourCounts(dir)).events > 0 ? true : undefined),
      'the first events on disk',
    );
    recording.child.kill('SIGKILL');
    await recording;
    assert.ok(metadataSize(dir) > 0, 'no metadata');
    const theirs = bt2Counts(dir);
    assert.equal(theirs.failed, false, theirs.error);
    assert.ok(theirs.events > 0);
    const ours = await ourCounts(dir);
    assert.equal(ours.failed, false, ours.error);
    assert.equal(ours.events, theirs.events);
  });
});

test('SIGHUP ends markers record as Ctrl-C does: summary, metadata, exit 0', async () => {
  await withFlood(async (sockets, pid, dir) => {
    const recording = cli(sockets, ['record', '-p', String(pid), 'flood:*', '-o', dir, '--json']);
    await waitUntil(() => hasStreamData(dir), 'the first packets on disk');
    recording.child.kill('SIGHUP');
    const result = await recording;
    assert.equal(result.code, 0, result.stderr);
    const summary = lastJson<Summary>(result);
    assert.equal(summary.lostExact, true);
    const theirs = bt2Counts(dir);
    assert.equal(theirs.failed, false, theirs.error);
    assert.equal(theirs.events, summary.events);
    assert.equal(theirs.discarded, summary.lost);
  });
});

test('a trace directory deleted and recreated mid-record is ERR_TRACE_DIR_GONE, exit 1', async () => {
  await withFlood(async (sockets, pid, dir) => {
    const recording = cli(sockets, ['record', '-p', String(pid), 'flood:*', '-o', dir]);
    await waitUntil(() => hasStreamData(dir), 'the first packets on disk');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    // Let some packets arrive for the directory that is gone.
    await new Promise((resolve) => setTimeout(resolve, 500));
    recording.child.kill('SIGINT');
    const result = await recording;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^markers: ERR_TRACE_DIR_GONE: .*deleted/m);
    assert.doesNotMatch(result.stdout, /, 0 lost\)/);
    // Nothing is written into the new directory as if it were the trace.
    assert.deepEqual(readdirSync(dir), []);
  });
});

test('the target killed mid-record: the loss is reported as a lower bound, never as "0 lost"', async () => {
  await withFlood(async (sockets, pid, dir) => {
    const recording = cli(sockets, ['record', '-p', String(pid), 'flood:*', '-o', dir]);
    await waitUntil(() => hasStreamData(dir), 'the first packets on disk');
    // After a progress report (every 500 ms), so the CLI has a last known figure.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    process.kill(pid, 'SIGKILL');
    const result = await recording;
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^markers: ERR_TARGET_EXITED: /m);
    assert.match(result.stderr, /died during the recording; .* lower bound/);
    const summary = /^recorded (\d+) events \([^,]+, at least (\d+) lost/m.exec(result.stdout);
    assert.ok(summary, result.stdout);
    const theirs = bt2Counts(dir);
    assert.equal(theirs.failed, false, theirs.error);
    assert.equal(theirs.events, Number(summary[1]));
    // The cut is in the trace: the packet being filled when it died is reported missing.
    assert.ok(theirs.discardedPackets >= 1);
    const ours = await ourCounts(dir);
    assert.equal(ours.failed, false, ours.error);
    assert.equal(ours.events, theirs.events);
    assert.ok(ours.discardedPackets >= 1);
    assert.ok(ours.discarded <= Number(summary[2]));
  });
});

const root = process.getuid?.() === 0;

test('a full disk: metadata first, whole packets, the cut in the trace and the summary, ERR_TRACE_WRITE', {
  skip: root ? false : 'needs root to mount a small tmpfs',
}, async (t) => {
  await withFlood(async (sockets, pid, dir) => {
    const mount = join(dir, '..', 'small');
    mkdirSync(mount);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount]);
    if (mounted.status !== 0) {
      // Root in a container without CAP_SYS_ADMIN: say why, rather than pass.
      t.skip(`cannot mount a tmpfs here: ${String(mounted.stderr).trim()}`);
      return;
    }
    try {
      const trace = join(mount, 'trace');
      const result = await cli(sockets, [
        'record',
        '-p',
        String(pid),
        'flood:*',
        '-o',
        trace,
        '--duration',
        '1500ms',
        '--json',
      ]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /^markers: ERR_TRACE_WRITE: .*(ENOSPC|no space)/im);
      const summary = JSON.parse(
        result.stdout.split('\n').find((l) => l.startsWith('{"dir"')) as string,
      ) as Summary;
      assert.ok(summary.loss.unwritten > 0, result.stdout);
      assert.ok(metadataSize(trace) > 0, 'no metadata');

      const theirs = bt2Counts(trace);
      assert.equal(theirs.failed, false, theirs.error);
      assert.equal(theirs.events, summary.events);
      // The events that could not be written are reported by the trace itself.
      assert.ok(theirs.discarded >= summary.loss.unwritten, `${theirs.discarded}`);
      const ours = await ourCounts(trace);
      assert.equal(ours.failed, false, ours.error);
      assert.equal(ours.events, theirs.events);
      assert.equal(ours.discarded, theirs.discarded);
    } finally {
      spawnSync('umount', [mount]);
    }
  });
});
