// The control server must never keep the application alive: not while it
// only waits for a first contact, not once a CLI has talked to it (the
// control worker is running then), and not once the application's own
// worker thread has started it. An application that ends by running out of
// work still ends.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, ROOT, startApp } from './helpers/control.js';

const APP = join(ROOT, 'test/fixtures/exit-on-its-own.ts');

const cases: { name: string; args: string[]; contact: boolean }[] = [
  { name: 'never contacted', args: [], contact: false },
  { name: 'after markers list started the control worker', args: [], contact: true },
  {
    name: 'after its own worker thread started the control worker',
    args: ['worker'],
    contact: false,
  },
  { name: 'with a worker thread, after markers list', args: ['worker'], contact: true },
];

for (const { name, args, contact } of cases) {
  test(`an application with the control server exits on its own: ${name}`, async () => {
    const sockets = makeSocketDir();
    const app = await startApp(sockets.dir, args, { script: APP });
    try {
      await app.waitFor('ready');
      if (contact) {
        const listed = await cli(sockets.dir, ['list', '-p', String(app.pid)]);
        assert.equal(listed.code, 0, listed.stderr);
        assert.match(listed.stdout, /app:tick/);
      }
      app.child.kill('SIGUSR2');
      await app.waitFor('released');
      // Nothing is left to do: the process must end by itself, with status 0.
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        app.exited,
        new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('still running after 30 s'), 30_000);
        }),
      ]);
      clearTimeout(timer);
      assert.equal(code, 0, app.output());
    } finally {
      await app.stop();
      sockets.remove();
    }
  });
}
