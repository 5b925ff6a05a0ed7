import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { marker, record } from '../src/index.js';
import { bt2Read } from './helpers/judges.js';
import { captureWarnings } from './helpers/warnings.js';

test('record() returns a Recording at once: stop() works without awaiting the start', async () => {
  const m = marker('sync:event', 'n %d');
  const out = join(mkdtempSync(join(tmpdir(), 'markers-sync-')), 'trace');
  const recording = record({ markers: 'sync:*', output: out });
  assert.equal(recording.output, out);
  // Awaiting the recording itself waits until every thread records.
  const started = await recording;
  m.fire?.(1);
  const stats = await recording.stop();
  assert.equal(stats.recorded, 1);
  assert.equal(await started.stop(), stats, 'stop() is idempotent, through either object');
  const read = bt2Read(out);
  assert.equal(read.status, 0, read.stderr);
  assert.equal(read.messages.filter((msg) => msg.type === 'event').length, 1);
});

test('a recording that fails to start and is never awaited is a warning, not an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const warnings = await captureWarnings(async () => {
      record({ markers: 'bad pattern', output: join(tmpdir(), 'never') });
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    assert.ok(warnings.some((w) => (w as { code?: string }).code === 'ERR_INVALID_PATTERN'));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});
