import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeSocketDir, ROOT, startApp, WAIT_MS } from './helpers/control.js';

const APP = join(ROOT, 'test/fixtures/aggregate-app.ts');
const BIN = join(ROOT, 'src/cli/bin.ts');
const REDRAW = '\x1b[H\x1b[2J';

/** Runs the CLI on a real pseudo-terminal, through util-linux's script(1). */
function onTty(socketDir: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const quoted = [process.execPath, '--import', 'tsx', BIN, ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, MARKERS_SOCKET_DIR: socketDir, NO_COLOR: '1', COLUMNS: '120' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test('on a TTY, markers hist redraws like top every interval, with totals, rates and bars', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], { script: APP });
  try {
    const run = onTty(sockets.dir, [
      'hist',
      'agg:value',
      'v',
      '--by',
      'w',
      '-i',
      '300ms',
      '-d',
      '4s',
    ]);
    // Fire while it runs: every redraw after the first sees more events.
    const firing = setInterval(() => app.send('fire 50\n'), 200);
    const { code, out } = await run;
    clearInterval(firing);
    assert.equal(code, 0, out);
    const frames = out.split(REDRAW).slice(1);
    assert.ok(frames.length >= 3, `${frames.length} redraws:\n${out}`);
    const last = frames[frames.length - 1] as string;
    assert.match(last, /hist agg:value v {2}\d+\.\ds {2}total \d+ {2}[\d.]+\/s {2}\(v\)/);
    assert.match(last, /GROUP\s+COUNT\s+RATE\/S\s+MIN\s+P50\s+P90\s+P99\s+MAX/);
    assert.match(last, /^w=0\s+\d+/m);
    assert.match(last, /\|█+ *\| \d+/);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
