/**
 * `node --import markers/register` from the package as users install it: the
 * built files, with Node applying --import to worker threads too. Only the
 * main thread may start a server, and the control worker must not count as an
 * application thread.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, ROOT, startApp } from './helpers/control.js';

test('the installed package starts one control server per process, workers included', async () => {
  const work = mkdtempSync(join(tmpdir(), 'markers-register-'));
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz')) as string;
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, tarball)], {
      cwd: app,
      stdio: 'pipe',
    });
    writeFileSync(
      join(app, 'main.js'),
      `import { Worker } from 'node:worker_threads';
       import { marker } from 'markers';
       marker('app:main', '');
       const w = new Worker("import('markers').then((m) => { m.marker('app:worker', ''); require('node:worker_threads').parentPort.postMessage('up'); setInterval(() => {}, 1000); })", { eval: true });
       w.once('message', () => { w.unref(); console.log('ready'); });
       process.stdin.on('end', () => process.exit(0));
       process.stdin.resume();`,
    );
    const sockets = join(work, 'sockets');
    const target = await startApp(sockets, [], {
      script: join(app, 'main.js'),
      nodeArgs: ['--import', 'markers/register'],
      cwd: app,
    });
    try {
      assert.deepEqual(readdirSync(sockets), [`${target.pid}.sock`]);
      const ps = lastJson<{ processes: { info: { threads: { name: string }[] } }[] }>(
        await cli(sockets, ['ps', '--json']),
      );
      assert.equal(ps.processes.length, 1);
      assert.equal(ps.processes[0]?.info.threads.length, 2);
      const list = lastJson<{ markers: { name: string; locations: string[] }[] }>(
        await cli(sockets, ['list', '--json']),
      );
      assert.deepEqual(
        list.markers
          .filter((m) => !m.locations[0]?.startsWith('diagnostics_channel:'))
          .map((m) => m.name),
        ['app:main', 'app:worker'],
      );
      assert.ok(list.markers.some((m) => m.name === 'node:http.server_start'));
    } finally {
      assert.equal(await target.stop(), 0);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
