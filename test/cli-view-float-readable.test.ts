/**
 * `%f` values read as babeltrace2 prints them (six significant digits) in
 * the text output of view, and stay exact in --json.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { marker, record } from '../src/index.js';
import { markers } from './helpers/cli.js';

test('view prints %f readably, and --json keeps every digit', async () => {
  const base = mkdtempSync(join(tmpdir(), 'markers-float-'));
  try {
    const dir = join(base, 'trace');
    const m = marker('float:value', 'ms %f');
    const recording = await record({ markers: 'float:*', output: dir });
    for (const v of [0.5313079999978072, 1234.56789, 12345678.123456, 3]) m.fire?.(v);
    await recording.stop();

    const text = markers('view', dir);
    assert.equal(text.status, 0, text.stderr);
    const shown = [...text.stdout.matchAll(/ms = ([^ ]+) \}/g)].map((x) => x[1]);
    assert.deepEqual(shown, ['0.531308', '1234.57', '12345678.123', '3']);

    const json = markers('view', dir, '--json');
    const values = json.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { fields: { ms: number } }).fields.ms);
    assert.deepEqual(values, [0.5313079999978072, 1234.56789, 12345678.123456, 3]);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
