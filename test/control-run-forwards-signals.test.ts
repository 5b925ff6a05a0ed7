/**
 * `markers run` as a supervisor's child: SIGTERM, SIGINT and SIGHUP sent to
 * it reach the application, it exits when the application does and with its
 * status (the exit code, or 128 + the signal number), a second signal never
 * ends it first, and under --record the recording ends after the application
 * has handled the signal and exited.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, ROOT, WAIT_MS, waitUntil } from './helpers/control.js';
import { bt2Read } from './helpers/judges.js';

const APP = join(ROOT, 'test/fixtures/run-signals-app.mjs');
const BIN = join(ROOT, 'src/cli/bin.ts');
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startRun(socketDir: string, args: readonly string[]) {
  const waiters: { text: string; resolve: () => void }[] = [];
  let out = '';
  const run = cli(socketDir, ['run', ...args], {
    onStdout: (stdout) => {
      out = stdout;
      for (const w of [...waiters]) {
        if (out.includes(w.text)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    },
  });
  const waitFor = (text: string): Promise<void> =>
    out.includes(text)
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`never printed "${text}"; stdout:\n${out}`)),
            WAIT_MS,
          );
          waiters.push({
            text,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
  const appPid = async (): Promise<number> => {
    await waitFor('ready ');
    return Number(/ready (\d+)/.exec(out)?.[1]);
  };
  return { run, waitFor, appPid };
}

for (const [signal, number] of Object.entries(SIGNALS)) {
  test(`${signal} reaches the application; markers run exits with its exit code, or ${128 + number} when it kills it`, async () => {
    const sockets = makeSocketDir();
    try {
      const handled = startRun(sockets.dir, ['--', process.execPath, APP, 'exit']);
      await handled.appPid();
      handled.run.child.kill(signal as NodeJS.Signals);
      await handled.waitFor(`got ${signal}`);
      const exited = await handled.run;
      assert.equal(exited.code, { SIGTERM: 41, SIGINT: 42, SIGHUP: 43 }[signal], exited.stderr);

      const killed = startRun(sockets.dir, ['--', process.execPath, APP, 'die']);
      const pid = await killed.appPid();
      killed.run.child.kill(signal as NodeJS.Signals);
      const result = await killed.run;
      assert.equal(result.code, 128 + number, result.stderr);
      assert.match(result.stdout, new RegExp(`got ${signal}`));
      assert.equal(alive(pid), false);
    } finally {
      sockets.remove();
    }
  });
}

test('a second and third signal are passed on too, and never end markers run before the application', async () => {
  const sockets = makeSocketDir();
  const release = join(sockets.dir, '..', 'release');
  try {
    const run = startRun(sockets.dir, ['--', process.execPath, APP, 'stubborn', release]);
    const pid = await run.appPid();
    run.run.child.kill('SIGINT');
    await run.waitFor('got SIGINT 1');
    run.run.child.kill('SIGINT');
    await run.waitFor('got SIGINT 2');
    run.run.child.kill('SIGTERM');
    await run.waitFor('got SIGTERM 3');
    // Both still run: markers run has not exited and left the application behind.
    assert.equal(run.run.child.exitCode, null);
    assert.equal(alive(pid), true);
    writeFileSync(release, '');
    const result = await run.run;
    assert.equal(result.code, 7, result.stderr);
  } finally {
    sockets.remove();
  }
});

test('run --record: SIGTERM reaches the application first, and the recording ends when it exits, with its last event', async () => {
  const sockets = makeSocketDir();
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const app = join(ROOT, 'test/fixtures/run-signals-record-app.ts');
    const run = startRun(sockets.dir, [
      '--record',
      'sig:*',
      '-o',
      dir,
      '--',
      process.execPath,
      '--import',
      'tsx',
      app,
    ]);
    // After its first tick: a signal before it would leave nothing to check.
    await run.waitFor('ticking');
    run.run.child.kill('SIGTERM');
    const result = await run.run;
    assert.equal(result.code, 0, result.stderr);
    const ticks = Number(/terminated after (\d+)/.exec(result.stdout)?.[1]);
    assert.ok(ticks > 0, result.stdout);
    assert.match(result.stderr, /recorded \d+ events/);
    const read = bt2Read(dir);
    assert.equal(read.status, 0, read.stderr);
    const events = read.messages.flatMap((m) => (m.type === 'event' ? [m] : []));
    assert.equal(events.filter((e) => e.name === 'sig:tick').length, ticks);
    assert.equal(events.at(-1)?.name, 'sig:term');
  } finally {
    sockets.remove();
  }
});

test('in its terminal, markers run leaves SIGINT to the terminal: Ctrl-C reaches the application once, from there', async () => {
  const sockets = makeSocketDir();
  const release = join(sockets.dir, '..', 'release');
  try {
    // script(1) runs markers run on a pseudo-terminal, in its foreground process
    // group; a \x03 written to the terminal is Ctrl-C typed there.
    const command = [process.execPath, '--import', 'tsx', BIN, 'run', '--', process.execPath]
      .concat([APP, 'stubborn', release])
      .map((arg) => `'${arg}'`)
      .join(' ');
    // exec: the shell script(1) starts must not stay between the terminal and
    // markers run, or Ctrl-C ends that shell (a non-interactive sh dies of
    // SIGINT) and script reports 130 while markers run goes on.
    const terminal = spawn('script', ['-qfec', `exec ${command}`, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, SHELL: '/bin/sh', MARKERS_SOCKET_DIR: sockets.dir, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    terminal.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => terminal.once('exit', resolve));
    const seen = (text: string) => waitUntil(() => (out.includes(text) ? true : undefined), text);
    await seen('ready ');
    const markersPid = Number(/ready \d+ parent (\d+)/.exec(out)?.[1]);
    // A SIGINT to markers run while it is in the terminal's foreground is the
    // terminal's Ctrl-C, which the application got too: it is not passed on. The
    // SIGTERM after it is, and is the first signal the application sees.
    process.kill(markersPid, 'SIGINT');
    process.kill(markersPid, 'SIGTERM');
    await seen('got SIGTERM');
    terminal.stdin.write('\x03');
    await seen('got SIGINT');
    writeFileSync(release, '');
    assert.equal(await exited, 7, out);
    assert.deepEqual(out.match(/got SIG[A-Z]+ \d+/g), ['got SIGTERM 1', 'got SIGINT 2']);
  } finally {
    sockets.remove();
  }
});
