/**
 * DESIGN, "The core's footprint": `import 'markers'` loads declaration and
 * registry code only, joins the thread with one BroadcastChannel, and leaves
 * no handle (timer, socket, file request, worker, child process) behind. A
 * resolve hook (module.register) lists every module the import loads.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

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
  'record/producer/clock.ts',
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
