// The output directory: an existing non-empty one is refused (nobody's trace
// is overwritten), one that cannot be created is refused, and a device that
// fails during the recording (a full disk) is reported while the application
// keeps running, with what could not be written counted as lost.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { marker, record } from '../src/index.js';
import { RecordingConsumer } from '../src/record/consumer/consumer.js';
import { createTraceDirectory } from '../src/trace/writer.js';
import { freshDir } from './helpers/record.js';
import { captureWarnings } from './helpers/warnings.js';

const m = marker('outdir:event', 'i %d');

test('an existing non-empty directory is refused with ERR_TRACE_DIR_NOT_EMPTY', async () => {
  const { out } = freshDir();
  mkdirSync(out);
  writeFileSync(join(out, 'metadata'), 'someone else’s trace');
  await assert.rejects(record({ markers: 'outdir:*', output: out }).ready, {
    code: 'ERR_TRACE_DIR_NOT_EMPTY',
  });
  assert.throws(() => createTraceDirectory(out), { code: 'ERR_TRACE_DIR_NOT_EMPTY' });
});

test('a directory that cannot be created is refused with ERR_TRACE_WRITE', async () => {
  const { root } = freshDir();
  writeFileSync(join(root, 'file'), '');
  await assert.rejects(record({ markers: 'outdir:*', output: join(root, 'file', 'trace') }).ready, {
    code: 'ERR_TRACE_WRITE',
  });
});

test('a full disk during recording is reported, counted as lost, and the application goes on', async () => {
  const { out } = freshDir();
  const sink = createTraceDirectory(out);
  // The main thread's stream file is /dev/full: every write fails with ENOSPC.
  symlinkSync('/dev/full', join(out, 'main-0'));
  let stats: Awaited<ReturnType<RecordingConsumer['stop']>> | undefined;
  const warnings = await captureWarnings(async () => {
    const consumer = await RecordingConsumer.start({ markers: 'outdir:*' }, sink);
    for (let i = 0; i < 1000; i++) m.fire?.(i);
    stats = await consumer.stop();
  });
  assert.equal(stats?.recorded, 1000);
  assert.equal(stats?.lost, 1000);
  assert.ok(stats?.errors.some((e) => e.code === 'ERR_TRACE_WRITE'));
  assert.equal(sink.error?.code, 'ERR_TRACE_WRITE');
  assert.equal(sink.error?.details.errno, 'ENOSPC');
  assert.ok(warnings.some((w) => (w as { code?: string }).code === 'ERR_TRACE_WRITE'));
});
