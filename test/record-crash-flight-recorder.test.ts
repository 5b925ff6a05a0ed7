// When a process dies of an uncaught exception while an overwrite recording is
// active, its buffers are written as a trace before it exits, newest events included.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bt2Read } from './helpers/judges.js';
import { bt2Events, bt2Value, freshDir } from './helpers/record.js';

const CHILD = fileURLToPath(new URL('./fixtures/record-crash.ts', import.meta.url));

test('an uncaught exception writes the flight recorder before the process exits', async () => {
  const { root } = freshDir();
  const crashDir = join(root, 'crash');
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', CHILD, crashDir],
      { timeout: 60_000 },
      (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
    );
  });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /the application failed/);
  assert.match(result.stderr, /flight recorder written to/);

  const { messages, status, stderr } = bt2Read(crashDir);
  assert.equal(status, 0, stderr);
  const held = bt2Events(messages).map((e) => bt2Value(e.fields.i) as bigint);
  assert.ok(held.length > 100, `only ${held.length} events`);
  assert.equal(held.at(-1), 19_999n);
  assert.deepEqual(
    held,
    held.map((_, k) => 19_999n - BigInt(held.length - 1 - k)),
  );
});
