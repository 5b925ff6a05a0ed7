/**
 * One suite, run on Bun and on Deno (the binaries of scripts/runtimes.sh),
 * against the package as users install it (node_modules/markers):
 *   - the core API, an in-process recording, a flight-recorder snapshot and
 *     the crash-time flight recorder, judged by babeltrace2's bt2;
 *   - the runtime's start-up hook (`bun --preload markers/register`,
 *     `deno run --preload npm:markers/register`), the target then listed and
 *     recorded by the Node CLI;
 *   - listen() called by the app, with a worker thread, the target then
 *     listed and given a probe module by the Node CLI.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, hasStreamData, lastJson, makeSocketDir, waitUntil } from './helpers/control.js';
import { bt2Read } from './helpers/judges.js';
import { type PackageCopy, packageCopy } from './helpers/package-copy.js';
import { RUNTIMES, startRuntimeApp } from './helpers/runtimes.js';

interface ListResult {
  readonly markers: readonly { readonly name: string }[];
}

const CORE = `
import { connect, listMarkers, marker, record } from 'markers';
const m = marker('rt:core', 'n %d s %s');
const off = m.fire === undefined;
const seen = [];
const probe = connect('rt:*', (mk, n, s) => { seen.push([mk.name, n, s]); });
m.fire?.(1, 'one');
await probe.disconnect();
const offAgain = m.fire === undefined;
const listed = listMarkers('rt:*').map((i) => [i.name, i.hits, i.mode]);
const recording = await record({ markers: 'rt:*', output: process.argv[2] });
const mode = listMarkers('rt:core')[0].mode;
m.fire?.(2, 'two');
m.fire?.(3, 'three');
const stats = await recording.stop();
const flight = await record({ markers: 'rt:*', output: process.argv[3], mode: 'overwrite' });
m.fire?.(4, 'four');
await flight.snapshot(process.argv[4]);
await flight.stop();
console.log(JSON.stringify({ off, seen, offAgain, listed, mode, recorded: stats.recorded }));
`;

// An uncaught exception during an overwrite recording writes the flight recorder.
const CRASH = `
import { marker, record } from 'markers';
const m = marker('rt:crash', 'n %d');
await record({ markers: 'rt:*', output: process.argv[2], mode: 'overwrite', crashDir: process.argv[3] });
m.fire?.(7);
setTimeout(() => { throw new Error('boom'); }, 10);
`;

const APP = `
import { Worker } from 'node:worker_threads';
import { listen, marker } from 'markers';
const tick = marker('rt:tick', 'n %d where %s');
if (process.argv.includes('listen')) {
  await listen();
  const worker = new Worker(new URL('./worker.js', import.meta.url));
  await new Promise((resolve) => worker.once('message', resolve));
  worker.unref();
}
let n = 0;
const timer = setInterval(() => { n++; tick.fire?.(n, 'main'); }, 5);
console.log('ready');
process.stdin.on('data', () => {});
process.stdin.on('end', () => { clearInterval(timer); process.exit(0); });
`;

const WORKER = `
import { parentPort } from 'node:worker_threads';
import { marker } from 'markers';
const job = marker('rt:worker_job', 'id %d');
setInterval(() => job.fire?.(1), 5);
parentPort.postMessage('ready');
`;

const PROBE = `
let hits = 0;
export default {
  name: 'rt-count',
  probes: { 'rt:tick': () => { hits++; } },
  report() { return { hits }; },
};
`;

for (const runtime of RUNTIMES) {
  describe(`on ${runtime.name}`, () => {
    let copy: PackageCopy;
    before(async () => {
      copy = await packageCopy();
      copy.write('core.js', CORE);
      copy.write('crash.js', CRASH);
      copy.write('app.js', APP);
      copy.write('worker.js', WORKER);
      copy.write('probe.js', PROBE);
    });
    after(() => copy.remove());

    test('the core API works, and a recording and a flight-recorder snapshot read in bt2', async () => {
      const trace = join(copy.dir, 'trace-core');
      const snapshot = join(copy.dir, 'trace-snapshot');
      const app = startRuntimeApp(runtime, copy.dir, 'core.js', {
        args: [trace, join(copy.dir, 'trace-flight'), snapshot],
      });
      app.child.stdin?.end();
      assert.equal(await app.exited, 0, app.output());
      const result = JSON.parse(app.output().trim().split('\n').at(-1) as string);
      assert.deepEqual(result, {
        off: true,
        seen: [['rt:core', 1, 'one']],
        offAgain: true,
        listed: [['rt:core', 1, 'off']],
        mode: 'record',
        recorded: 2,
      });
      const read = bt2Read(trace);
      assert.equal(read.status, 0, read.stderr);
      const events = read.messages.flatMap((m) =>
        m.type === 'event' ? [[m.name, m.fields.n, m.fields.s]] : [],
      );
      assert.deepEqual(events, [
        ['rt:core', { int: '2' }, { string: 'two' }],
        ['rt:core', { int: '3' }, { string: 'three' }],
      ]);
      const snap = bt2Read(snapshot);
      assert.equal(snap.status, 0, snap.stderr);
      assert.deepEqual(
        snap.messages.flatMap((m) => (m.type === 'event' ? [m.fields.n] : [])),
        [{ int: '4' }],
      );
    });

    test('an uncaught exception writes the flight recorder, which reads in bt2', async () => {
      const crashDir = join(copy.dir, 'trace-crash');
      const app = startRuntimeApp(runtime, copy.dir, 'crash.js', {
        args: [join(copy.dir, 'trace-crash-output'), crashDir],
      });
      app.child.stdin?.end();
      assert.notEqual(await app.exited, 0, 'the uncaught exception must still end the process');
      assert.match(app.output(), /markers: flight recorder written to /);
      const read = bt2Read(crashDir);
      assert.equal(read.status, 0, read.stderr);
      assert.deepEqual(
        read.messages.flatMap((m) => (m.type === 'event' ? [[m.name, m.fields.n]] : [])),
        [['rt:crash', { int: '7' }]],
      );
    });

    test(`the start-up hook makes a ${runtime.name} target the Node CLI lists and records`, async () => {
      const sockets = makeSocketDir();
      const env = { MARKERS_SOCKET_DIR: sockets.dir };
      const app = startRuntimeApp(runtime, copy.dir, 'app.js', { preload: true, env });
      try {
        await app.waitFor('ready');
        const listed = await waitUntil(async () => {
          const r = await cli(sockets.dir, ['list', '-p', String(app.pid), '--json']);
          return r.code === 0 ? lastJson<ListResult>(r).markers : undefined;
        }, `markers list of the ${runtime.name} target`);
        assert.ok(
          listed.some((m) => m.name === 'rt:tick'),
          JSON.stringify(listed),
        );
        const trace = join(copy.dir, `trace-hook`);
        const recorded = await cli(sockets.dir, [
          'record',
          '-p',
          String(app.pid),
          'rt:*',
          '-o',
          trace,
          '--duration',
          '1s',
        ]);
        assert.equal(recorded.code, 0, recorded.stderr);
        assert.equal(hasStreamData(trace), true);
        const read = bt2Read(trace);
        assert.equal(read.status, 0, read.stderr);
        const ticks = read.messages.filter((m) => m.type === 'event' && m.name === 'rt:tick');
        assert.ok(ticks.length > 0, 'no rt:tick event in the trace');
      } finally {
        await app.stop();
        sockets.remove();
      }
    });

    test(`listen() makes a ${runtime.name} target, worker included, the CLI lists and probes`, async () => {
      const sockets = makeSocketDir();
      const env = { MARKERS_SOCKET_DIR: sockets.dir };
      const app = startRuntimeApp(runtime, copy.dir, 'app.js', { env, args: ['listen'] });
      const pid = String(app.pid);
      try {
        await app.waitFor('ready');
        const names = await waitUntil(async () => {
          const r = await cli(sockets.dir, ['list', '-p', pid, '--json']);
          if (r.code !== 0) return undefined;
          const found = lastJson<ListResult>(r).markers.map((m) => m.name);
          return found.includes('rt:worker_job') ? found : undefined;
        }, `the worker's marker in markers list of the ${runtime.name} target`);
        assert.ok(names.includes('rt:tick'), JSON.stringify(names));
        const loaded = await cli(sockets.dir, ['load', '-p', pid, join(copy.dir, 'probe.js')]);
        assert.equal(loaded.code, 0, loaded.stderr);
        const hits = await waitUntil(async () => {
          const r = await cli(sockets.dir, ['report', '-p', pid, 'rt-count', '--json']);
          assert.equal(r.code, 0, r.stderr);
          const { threads } = lastJson<{ threads: { report: { hits: number } | null }[] }>(r);
          const total = threads.reduce((sum, t) => sum + (t.report?.hits ?? 0), 0);
          return total > 0 ? total : undefined;
        }, 'probe hits in the report');
        assert.ok(hits > 0);
        const unloaded = await cli(sockets.dir, ['unload', '-p', pid, 'rt-count']);
        assert.equal(unloaded.code, 0, unloaded.stderr);
      } finally {
        await app.stop();
        sockets.remove();
      }
    });
  });
}
