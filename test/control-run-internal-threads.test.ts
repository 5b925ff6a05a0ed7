/**
 * Under `markers run` (the installed package: NODE_OPTIONS carries
 * `--import markers/register`, which Node also applies to workers), markers'
 * own workers (the control server's, record()'s consumer) are no application threads: `ps`, `list` and `stats` show
 * the application's threads only, and probe modules never run in the control
 * server, so one that exits or blocks an application thread cannot take the
 * server down.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cli, lastJson, WAIT_MS, waitUntil } from './helpers/control.js';
import { type InstalledApp, installPackage } from './helpers/installed-package.js';

let installed: InstalledApp;

before(() => {
  installed = installPackage();
  writeFileSync(
    join(installed.app, 'main.mjs'),
    `import { Worker } from 'node:worker_threads';
     import { marker, record } from 'markers';
     marker('app:main', '');
     // record() starts markers' consumer worker: internal too.
     await record({ markers: 'app:*', output: \`./self-trace-\${process.pid}\` });
     const w = new Worker(new URL('./worker.mjs', import.meta.url));
     w.once('message', () => { w.unref(); console.log('ready'); });
     setInterval(() => {}, 1000);`,
  );
  writeFileSync(
    join(installed.app, 'worker.mjs'),
    `import { parentPort } from 'node:worker_threads';
     import { marker } from 'markers';
     marker('app:worker', '');
     parentPort.postMessage('up');
     setInterval(() => {}, 1000);`,
  );
  // init runs in every thread it is loaded into: these two misbehave in workers only.
  writeFileSync(
    join(installed.app, 'exit-probe.mjs'),
    `export default { name: 'exiter', probes: { 'app:*': () => {} },
       init(ctx) { if (ctx.thread.id !== 0) process.exit(0); } };`,
  );
  writeFileSync(
    join(installed.app, 'block-probe.mjs'),
    `export default { name: 'blocker', probes: { 'app:*': () => {} },
       init(ctx) { if (ctx.thread.id !== 0) for (;;); } };`,
  );
});

after(() => installed.remove());

interface Run {
  readonly child: ChildProcess;
  readonly sockets: string;
  stop(): Promise<void>;
}

/** `markers run -- node main.mjs` with the installed CLI; resolves once the app printed ready. */
async function markersRun(name: string): Promise<Run> {
  const sockets = join(installed.work, `sockets-${name}`);
  const child = spawn(
    process.execPath,
    [installed.bin, 'run', '--', process.execPath, 'main.mjs'],
    {
      cwd: installed.app,
      env: { ...process.env, MARKERS_SOCKET_DIR: sockets, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntil(() => (out.includes('ready') ? true : undefined), `ready; output: ${out}`);
  return {
    child,
    sockets,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface PsResult {
  processes: { info: { threads: { id: number; name: string; internal: boolean }[] } }[];
}

test('ps, list and stats show the application threads only: main and its worker', async () => {
  const run = await markersRun('list');
  try {
    const ps = lastJson<PsResult>(await cli(run.sockets, ['ps', '--json']));
    const threads = ps.processes[0]?.info.threads ?? [];
    assert.deepEqual(
      threads.map((t) => t.name),
      ['main', `worker-${threads[1]?.id}`],
    );
    const list = await cli(run.sockets, ['list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const listed = lastJson<{
      markers: { name: string; threads: number[]; locations: string[] }[];
      threads: unknown[];
    }>(list);
    // The catalogue (Node's own channels as markers) is listed too; this test is about the app's.
    assert.deepEqual(
      listed.markers
        .filter((m) => !m.locations[0]?.startsWith('diagnostics_channel:'))
        .map((m) => [m.name, m.threads.length]),
      [
        ['app:main', 1],
        ['app:worker', 1],
      ],
    );
    assert.equal(listed.threads.length, 2);
    const stats = await cli(run.sockets, ['stats', '--json']);
    assert.equal(stats.code, 0, stats.stderr);
    assert.doesNotMatch(stats.stdout, /markers-control|markers-consumer/);
    assert.equal(lastJson<{ threads: unknown[] }>(stats).threads.length, 2);
  } finally {
    await run.stop();
  }
});

test('a probe module whose init exits a worker leaves the control server up', async () => {
  const run = await markersRun('exit');
  try {
    const load = await cli(run.sockets, ['load', join(installed.app, 'exit-probe.mjs')]);
    // The worker that exited during the load does not fail it: main has the module.
    assert.equal(load.code, 0, load.stderr);
    const probes = await cli(run.sockets, ['probes', '--json']);
    assert.equal(probes.code, 0, probes.stderr);
    const modules = lastJson<{
      modules: { name: string; threads: { thread: { id: number } }[] }[];
    }>(probes).modules;
    assert.deepEqual(
      modules.map((m) => [m.name, m.threads.map((t) => t.thread.id)]),
      [['exiter', [0]]],
    );
    const ps = lastJson<PsResult>(await cli(run.sockets, ['ps', '--json']));
    assert.deepEqual(
      ps.processes[0]?.info.threads.map((t) => t.name),
      ['main'],
    );
  } finally {
    await run.stop();
  }
});

test('a probe module whose init blocks a worker times out there; the control server still answers', async () => {
  const run = await markersRun('block');
  try {
    const load = await cli(run.sockets, [
      'load',
      '--timeout',
      '2000',
      join(installed.app, 'block-probe.mjs'),
    ]);
    assert.equal(load.code, 1);
    assert.match(load.stderr, /^markers: ERR_THREAD_TIMEOUT: .*thread worker-\d+/m);
    const list = await cli(run.sockets, ['list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      lastJson<{ markers: { name: string; locations: string[] }[] }>(list)
        .markers.filter((m) => !m.locations[0]?.startsWith('diagnostics_channel:'))
        .map((m) => m.name),
      ['app:main'],
    );
    const ps = await cli(run.sockets, ['ps']);
    assert.equal(ps.code, 0, ps.stderr);
  } finally {
    await run.stop();
  }
});
