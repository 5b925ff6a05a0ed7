// No fixed limit a real application hits: thousands of markers with long
// names and five fields are all recorded (main recorded 202 of 2,000, its
// 64 KiB description area full). Past the u16 event id, a marker is counted:
// its events are discarded and show in the trace, the stats and the summary.
import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PacketContext } from '../src/abi/trace-layout.js';
import { marker, record } from '../src/index.js';
import { openTrace } from '../src/trace/reader/reader.js';
import { cli, lastJson, makeSocketDir, ROOT, startApp } from './helpers/control.js';
import { bt2Read } from './helpers/judges.js';
import { freshDir } from './helpers/record.js';

const MARKERS = 3000;

test(`record '*' of ${MARKERS} markers with long names and five fields records every one`, async () => {
  const sockets = makeSocketDir();
  const dir = join(sockets.dir, '..', 'trace');
  const app = await startApp(sockets.dir, [String(MARKERS), '100'], {
    script: join(ROOT, 'test/fixtures/many-markers.ts'),
  });
  try {
    const recording = cli(sockets.dir, ['record', '-p', String(app.pid), '*', '-o', dir, '--json']);
    // Mid-recording, `markers stats` shows that no marker was skipped.
    const stats = await (async () => {
      for (;;) {
        const r = await cli(sockets.dir, ['stats', '-p', String(app.pid), '--json']);
        const parsed = lastJson<{
          recordings: {
            streaming: { stats: { recorded: number; skippedMarkers: number; discarded: number } }[];
          };
        }>(r);
        const s = parsed.recordings.streaming[0]?.stats;
        if (s !== undefined && s.recorded >= 2 * MARKERS) return s;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    assert.equal(stats.skippedMarkers, 0);
    recording.child.kill('SIGINT');
    const result = await recording;
    assert.equal(result.code, 0, result.stderr);
    const summary = lastJson<{ events: number; lost: number; loss: { skippedMarkers: number } }>(
      result,
    );
    assert.equal(summary.loss.skippedMarkers, 0);
    assert.doesNotMatch(app.output(), /ERR_RECORD_SKIPPED/);

    const bt2 = bt2Read(dir);
    assert.equal(bt2.status, 0, bt2.stderr);
    const names = new Set(bt2.messages.flatMap((m) => (m.type === 'event' ? [m.name] : [])));
    assert.equal(names.size, MARKERS);
    const ours = new Set<string>();
    for await (const r of (await openTrace(dir)).records())
      if (r.type === 'event') ours.add(r.name);
    assert.equal(ours.size, MARKERS);
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test('markers past the last event id are counted: stats, and the trace events_discarded', async () => {
  const ids = 65_536;
  const extra = 5;
  const all = Array.from({ length: ids + extra }, (_, i) => marker(`ids:m${i}`, ''));
  const { root, out } = freshDir();
  try {
    const recording = await record({ markers: 'ids:*', output: out, timeoutMs: 60_000 });
    const skipped = all.slice(ids);
    for (const m of skipped) for (let k = 0; k < 3; k++) m.fire?.();
    all[0]?.fire?.();
    const stats = await recording.stop();
    assert.equal(stats.skippedMarkers, extra);
    assert.equal(stats.threads[0]?.skippedEvents, 3 * extra);
    assert.equal(stats.discarded, 3 * extra);
    assert.equal(stats.recorded, 1);
    // The dropped events came before the recorded one: its packet carries them
    // (events_discarded; metadata this size is slow to parse, so it is read raw).
    const file = readdirSync(out).find((f) => f !== 'metadata') as string;
    const fd = openSync(join(out, file), 'r');
    const head = Buffer.alloc(PacketContext.END);
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    assert.equal(head.readBigUInt64LE(PacketContext.EVENTS_DISCARDED), BigInt(3 * extra));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
