/**
 * src/abi's one policy for two copies of markers that disagree on a shared
 * structure: a MarkersError ERR_REGISTRY_VERSION naming the structure and
 * both versions, never a crash or a silent misuse.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { claimOnce, Globals, keyOf, readGlobal, sharedGlobal } from '../src/abi/globals.js';
import { RING_LAYOUT_VERSION, W } from '../src/abi/ring.js';
import { ErrorCode, isMarkersError } from '../src/errors/markers-error.js';
import { RingReader } from '../src/record/consumer/ring-reader.js';
import { RingWriter } from '../src/record/producer/ring-writer.js';

function ringOptions() {
  return {
    mode: 'discard' as const,
    subBufferSize: 4096,
    subBuffers: 2,
    streamId: 0,
    uuid: new Uint8Array(16),
    metaBytes: 4096,
    baseNs: 0,
    flushNs: 0,
  };
}

test('every globalThis key is a distinct Symbol.for name with a positive version', () => {
  const slots = Object.values(Globals);
  assert.equal(new Set(slots.map((s) => s.name)).size, slots.length);
  for (const slot of slots) {
    assert.ok(slot.name.startsWith('markers.'), slot.name);
    assert.ok(Number.isInteger(slot.version) && slot.version >= 1, slot.name);
  }
});

test('a shared object of another version is refused with ERR_REGISTRY_VERSION naming both versions', () => {
  const slot = { name: 'markers.test.abi-mismatch', version: 2, field: 'version' } as const;
  Object.defineProperty(globalThis, keyOf(slot), {
    value: { version: 7, markers: '9.9.9' },
    configurable: true,
  });
  try {
    assert.throws(
      () => sharedGlobal(slot, () => ({ version: 2 })),
      (error: unknown) => {
        assert.ok(isMarkersError(error));
        assert.equal(error.code, ErrorCode.REGISTRY_VERSION);
        assert.match(
          error.message,
          /version 2 of globalThis\[Symbol\.for\('markers\.test\.abi-mismatch'\)\]/,
        );
        assert.match(error.message, /markers 9\.9\.9 at version 7/);
        assert.equal(error.details.abi, 2);
        assert.equal(error.details.foundAbi, 7);
        return true;
      },
    );
  } finally {
    delete (globalThis as Record<symbol, unknown>)[keyOf(slot)];
  }
});

test('a slot holding null or a number is refused with ERR_REGISTRY_VERSION, not a TypeError', () => {
  const slot = { name: 'markers.test.abi-null', version: 1, field: 'version' } as const;
  for (const held of [null, 5]) {
    (globalThis as Record<symbol, unknown>)[keyOf(slot)] = held;
    try {
      assert.throws(
        () => readGlobal(slot),
        (error: unknown) =>
          isMarkersError(error) &&
          error.code === ErrorCode.REGISTRY_VERSION &&
          error.details.foundAbi === 'undefined',
      );
    } finally {
      delete (globalThis as Record<symbol, unknown>)[keyOf(slot)];
    }
  }
});

test("an install guard is claimed once per thread, and an older copy's `true` counts as version 1", () => {
  const slot = { name: 'markers.test.abi-guard', version: 1, field: 'version' } as const;
  assert.equal(claimOnce(slot), true);
  assert.equal(claimOnce(slot), false);
  const legacy = { name: 'markers.test.abi-legacy', version: 1, field: 'version' } as const;
  (globalThis as Record<symbol, unknown>)[keyOf(legacy)] = true;
  assert.equal(readGlobal(legacy), true);
  assert.equal(claimOnce(legacy), false);
});

test('a thread whose threads holder speaks another protocol imports markers, and refuses commands with ERR_REGISTRY_VERSION', async () => {
  const url = new URL('../src/index.ts', import.meta.url).href;
  const coordinator = new URL('../src/threads/coordinator.ts', import.meta.url).href;
  const source = `
    const { parentPort } = require('node:worker_threads');
    globalThis[Symbol.for('markers.threads')] = { protocol: 99, membership: undefined, coordinator: undefined };
    import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })
      .then(() => import(${JSON.stringify(coordinator)}))
      .then((c) => { try { c.getCoordinator(); parentPort.postMessage('used'); } catch (e) { parentPort.postMessage(e.code + ' ' + e.message); } })
      .catch((e) => parentPort.postMessage('import failed ' + e));
  `;
  const worker = new Worker(source, { eval: true });
  const message = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.match(message, /^ERR_REGISTRY_VERSION /);
  assert.ok(
    message.includes(
      `version ${Globals.THREADS.version} of globalThis[Symbol.for('markers.threads')]`,
    ),
    message,
  );
  assert.match(message, /version 99/);
});

test('a ring buffer of another layout version is refused by the consumer with ERR_REGISTRY_VERSION', () => {
  const ring = RingWriter.create(ringOptions());
  assert.equal(ring.ctl[W.VERSION], RING_LAYOUT_VERSION);
  assert.equal(RingReader.attach(ring.sab, ring.metaSab).subBuffers, 2);
  ring.ctl[W.VERSION] = RING_LAYOUT_VERSION + 1;
  assert.throws(
    () => RingReader.attach(ring.sab, ring.metaSab),
    (error: unknown) =>
      isMarkersError(error) &&
      error.code === ErrorCode.REGISTRY_VERSION &&
      error.message.includes(`version ${RING_LAYOUT_VERSION} of the ring buffer layout`) &&
      error.message.includes(`version ${RING_LAYOUT_VERSION + 1}`),
  );
});
