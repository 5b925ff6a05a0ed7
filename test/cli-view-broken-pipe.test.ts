// `markers view DIR | head` ends quietly with success once the reader of
// the pipe is gone, like any Unix filter.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeTrace } from './helpers/trace-writer.js';

test('view into a closed pipe exits 0 without an error line', async () => {
  const events = Array.from({ length: 20_000 }, (_, i) => ({
    name: 'app:tick',
    ts: BigInt(i + 1),
    values: [i, 'x'.repeat(40)],
  }));
  const { dir } = writeTrace({
    streams: [
      {
        threadId: 0,
        threadName: 'main',
        markers: [{ name: 'app:tick', format: 'n %d pad %s' }],
        packets: [{ events }],
      },
    ],
  });
  const bin = fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', bin, 'view', dir], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  await once(child.stdout, 'data');
  child.stdout.destroy(); // like `head -1` exiting
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /ERR_/);
});
