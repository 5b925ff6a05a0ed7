import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { REGISTRY_SLOT } from '../src/abi/globals.js';

test('two copies of the package in one thread share one registry', async () => {
  // A second copy of the sources elsewhere on disk is a second, independent
  // instance of every module, as a library's nested copy in node_modules is.
  const dir = mkdtempSync(join(tmpdir(), 'markers-copy-'));
  cpSync(new URL('../src', import.meta.url), join(dir, 'src'), { recursive: true });
  const a = await import('../src/index.js');
  const b = (await import(pathToFileURL(join(dir, 'src', 'index.ts')).href)) as typeof a;
  rmSync(dir, { recursive: true, force: true });
  assert.notEqual(a.marker, b.marker);
  const m = b.marker('copies:event', 'n %d');
  let seen = 0;
  const probe = a.connect('copies:*', () => {
    seen++;
  });
  m.fire?.(1);
  assert.equal(seen, 1);
  assert.equal(a.listMarkers('copies:event')[0]?.probes, 1);
  await probe.disconnect();
});

test('a copy whose registry abi differs refuses to load with ERR_REGISTRY_VERSION', async () => {
  // A fresh thread, where an incompatible registry was installed first.
  const url = new URL('../src/index.ts', import.meta.url).href;
  const source = `
    const { parentPort } = require('node:worker_threads');
    globalThis[Symbol.for('markers.registry')] = { abi: 999, version: '9.9.9' };
    import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })
      .then((m) => { try { m.marker('x:y'); parentPort.postMessage('loaded'); } catch (e) { parentPort.postMessage(e.code + ' ' + e.message); } })
      .catch((e) => parentPort.postMessage('import failed ' + e));
  `;
  const worker = new Worker(source, { eval: true });
  const message = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.match(message, /^ERR_REGISTRY_VERSION /);
  assert.match(
    message,
    new RegExp(
      `version ${REGISTRY_SLOT.version} of globalThis\\[Symbol\\.for\\('markers\\.registry'\\)\\]`,
    ),
  );
  assert.match(message, /markers 9\.9\.9 at version 999/);
});
