/**
 * DESIGN, "The core's footprint": `import 'markers'` loads declaration and
 * registry code only, joins the thread with one BroadcastChannel, and leaves
 * no handle (timer, socket, file request, worker, child process) behind. A
 * resolve hook (module.register) lists every module the import loads.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type PackageCopy, packageCopy } from './helpers/package-copy.js';

const FIXTURE = fileURLToPath(
  new URL('./fixtures/footprint/import-footprint.mjs', import.meta.url),
);
const SRC = new URL('../src/', import.meta.url).href;

// Everything the import may load: the core, the join, the lazy API's wrappers.
const ALLOWED = new Set([
  'index.ts',
  'core.ts',
  'lazy.ts',
  'version.ts',
  // The globalThis keys and the threads protocol the join and the registry share.
  'abi/globals.ts',
  'abi/threads.ts',
  'connect/connect.ts',
  'connect/connected-probe.ts',
  'connect/refusal.ts',
  'errors/core-codes.ts',
  'errors/markers-error.ts',
  'errors/shown.ts',
  'errors/warn.ts',
  'marker/format.ts',
  'marker/location.ts',
  'marker/marker.ts',
  'marker/name.ts',
  'marker/site.ts',
  'registry/api.ts',
  'registry/dispatch.ts',
  'registry/global.ts',
  'registry/link.ts',
  'registry/node-registry.ts',
  'registry/pattern.ts',
  'registry/registry.ts',
  'record/pending.ts',
  'aggregate/pending.ts',
  // channelMarker() and tracingChannelMarker() are declarations, like marker():
  // they return markers at once, so their code loads with the root.
  'channels/bind.ts',
  'channels/channel-marker.ts',
  'channels/kit.ts',
  'channels/pair.ts',
  'channels/source.ts',
  'channels/tracing.ts',
  'probe/manager-on-demand.ts',
  'threads/join.ts',
]);
const BUILTINS = new Set(['node:path', 'node:worker_threads', 'node:diagnostics_channel']);

interface Footprint {
  readonly urls: string[];
  readonly before: string[];
  readonly after: string[];
  readonly channels: number;
  /** setTimeout/setInterval/setImmediate calls during the import. */
  readonly timers: number;
}

function importInChild(target: string): Promise<Footprint> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', FIXTURE, target],
      { timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

test("import 'markers' loads only the core's modules and Node built-ins it names", async () => {
  const { urls } = await importInChild(new URL('index.ts', SRC).href);
  const ours = [...new Set(urls.filter((u) => u.startsWith(SRC)).map((u) => u.slice(SRC.length)))];
  assert.ok(ours.includes('index.ts'), String(urls));
  assert.deepEqual(
    ours.filter((u) => !ALLOWED.has(u)),
    [],
    'tracer modules loaded at import',
  );
  const builtins = [...new Set(urls.filter((u) => u.startsWith('node:')))];
  assert.deepEqual(
    builtins.filter((u) => !BUILTINS.has(u)),
    [],
    'more Node built-ins than the core needs',
  );
});

test("import 'markers' joins with one BroadcastChannel, sets no timer and leaves no handle", async () => {
  const { before, after, channels, timers } = await importInChild(new URL('index.ts', SRC).href);
  assert.equal(channels, 1);
  assert.equal(timers, 0, 'a timer was set at import (unref or not)');
  assert.deepEqual([...after].sort(), [...before].sort());
});

// The package as users install it (scripts/build.mjs): the root's eager graph
// is one chunk, so the import reads few files, and that chunk holds the same
// modules as above, no more.
let copy: PackageCopy;
before(async () => {
  copy = await packageCopy();
});
after(() => copy?.remove());

test("the built package's root reads three files of ours: index.js, core.js and one chunk of the core's modules", async () => {
  const dist = pathToFileURL(join(copy.pkg, 'dist/')).href;
  const {
    urls,
    before: handlesBefore,
    after: handlesAfter,
    channels,
    timers,
  } = await importInChild(new URL('index.js', dist).href);
  const ours = [
    ...new Set(urls.filter((u) => u.startsWith(dist)).map((u) => u.slice(dist.length))),
  ];
  const chunks = ours.filter((u) => /^chunk-[\w-]+\.js$/.test(u));
  assert.deepEqual(
    [...ours].sort(),
    ['core.js', 'index.js', ...chunks].sort(),
    'files other than the entries and chunks',
  );
  assert.equal(chunks.length, 1, `the eager graph is split over ${chunks.length} chunks`);
  const inChunk = copy.bundledSources(chunks[0] as string);
  assert.ok(inChunk.includes('registry/registry.ts'), String(inChunk));
  assert.deepEqual(
    inChunk.filter((u) => !ALLOWED.has(u)),
    [],
    'tracer modules in the eager chunk',
  );
  assert.equal(channels, 1);
  assert.equal(timers, 0);
  assert.deepEqual([...handlesAfter].sort(), [...handlesBefore].sort());
});

// A main thread without workers joins when its first worker is created, so
// the import loads none of worker_threads; a worker's in-process aggregate()
// then reaches this thread's markers. Plain node on the built package: tsx's
// hooks run in a loader worker, which loads worker_threads in every process.
const LAZY_JOIN = `
const early = process.argv[2] === 'worker-first';
let first;
if (early) {
  const { Worker } = await import('node:worker_threads');
  first = new Worker('setTimeout(() => {}, 50)', { eval: true });
}
const before = new Set(process.moduleLoadList);
const { marker } = await import('markers');
const loaded = process.moduleLoadList.filter((m) => !before.has(m));
const { Worker } = await import('node:worker_threads');
const joinedAtImport = globalThis[Symbol.for('markers.threads')] !== undefined;
const m = marker('lazyjoin:main', 'n %d');
const w = new Worker(new URL('./lazy-join-worker.mjs', import.meta.url));
const joinedAfterWorker = globalThis[Symbol.for('markers.threads')] !== undefined;
const counts = await new Promise((resolve, reject) => {
  w.on('error', reject);
  w.on('message', (message) => {
    if (message !== 'ready') return resolve(message);
    for (let i = 0; i < 7; i++) m.fire?.(i);
    w.postMessage('read');
  });
});
await w.terminate();
await first?.terminate();
process.stdout.write(JSON.stringify({ loaded, joinedAtImport, joinedAfterWorker, counts }));
`;

const LAZY_JOIN_WORKER = `
import { parentPort } from 'node:worker_threads';
import { aggregate } from 'markers';
// The listener first, and kept: it keeps this worker alive while the
// aggregation starts and stops (the threads' channel is unref'd).
parentPort.on('message', async () => {
  const r = await a.stop();
  parentPort.postMessage(r.groups.map((g) => g.count));
});
const a = aggregate({ markers: 'lazyjoin:*' });
await a;
parentPort.postMessage('ready');
`;

test('a main thread with no worker joins at its first new Worker: the import loads no worker_threads module', async () => {
  const script = copy.write('lazy-join.mjs', LAZY_JOIN);
  copy.write('lazy-join-worker.mjs', LAZY_JOIN_WORKER);
  const run = (order: string) =>
    copy.runJson<{
      loaded: string[];
      joinedAtImport: boolean;
      joinedAfterWorker: boolean;
      counts: number[];
    }>(script, { args: [order] });
  const lazy = await run('import-first');
  // diagnostics_channel is the core's own (channel markers, the join); Node 22
  // and later load it at start-up, Node 20 when something first imports it.
  assert.deepEqual(
    lazy.loaded.filter((m) => m !== 'NativeModule diagnostics_channel'),
    [],
    "Node's modules loaded by the import",
  );
  assert.equal(lazy.joinedAtImport, false);
  assert.equal(lazy.joinedAfterWorker, true, 'joined in new Worker()');
  assert.deepEqual(lazy.counts, [7], "the worker's aggregation saw the main thread's events");
  // A worker that exists before the import: the join is free, and made at once.
  const eager = await run('worker-first');
  assert.equal(eager.joinedAtImport, true);
  assert.deepEqual(eager.counts, [7]);
});
