import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, marker } from '../src/index.js';

test('probes run in the order they were connected, by pattern or by marker', async () => {
  const order: string[] = [];
  const p1 = connect('order:*', () => {
    order.push('pattern before');
  });
  const m = marker('order:event', 'n %d');
  const p2 = connect(m, () => {
    order.push('marker');
  });
  const p3 = connect('*', () => {
    order.push('star');
  });
  m.fire?.(1);
  assert.deepEqual(order, ['pattern before', 'marker', 'star']);
  await Promise.all([p1.disconnect(), p2.disconnect(), p3.disconnect()]);
});

test('probes receive the marker that fired, then its arguments', async () => {
  const m = marker('order:args', 'a %d b %s');
  let got: unknown[] = [];
  const probe = connect(m, (mk, a, b) => {
    got = [mk, a, b];
  });
  m.fire?.(7, 'x');
  assert.deepEqual(got, [m, 7, 'x']);
  await probe.disconnect();
});

test('a pattern connected earlier still runs first on a marker declared later', async () => {
  const order: string[] = [];
  const early = connect('order:later', () => {
    order.push('early');
  });
  const star = connect('order:l*', () => {
    order.push('star');
  });
  const m = marker('order:later', 'n %d');
  m.fire?.(1);
  assert.deepEqual(order, ['early', 'star']);
  await Promise.all([early.disconnect(), star.disconnect()]);
});

test('order holds for many probes too (past the unrolled dispatchers), with errors contained', async () => {
  const m = marker('order:many', 'n %d');
  const order: number[] = [];
  const probes = Array.from({ length: 20 }, (_, i) =>
    connect(m, (_m, n) => {
      order.push(i);
      if (i === 3) throw new Error(`probe ${i} fails on ${n}`);
    }),
  );
  const originalEmit = process.emitWarning;
  process.emitWarning = () => {};
  try {
    m.fire?.(1);
  } finally {
    process.emitWarning = originalEmit;
  }
  assert.deepEqual(
    order,
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.equal(probes[3]?.errors, 1);
  await Promise.all(probes.map((p) => p.disconnect()));
  assert.equal(m.fire, undefined);
});
