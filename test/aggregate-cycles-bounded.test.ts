import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { aggregate, listMarkers, marker } from '../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface ThreadState {
  running: Map<string, unknown>;
  dead: Set<string>;
}

test('thousands of aggregate/stop cycles leave nothing attached and memory flat', async () => {
  const m = marker('cycle:req', 'status %d ms %f');
  const cycle = async (): Promise<void> => {
    const a = await aggregate({
      markers: 'cycle:req',
      by: ['status'],
      hist: 'ms',
      where: 'ms > 1',
    });
    for (let i = 0; i < 20; i++) m.fire?.(200 + (i % 3), i);
    const r = await a.stop();
    assert.equal(
      r.groups.reduce((n, g) => n + g.count, 0),
      18,
    );
  };
  for (let i = 0; i < 300; i++) await cycle();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 2000; i++) await cycle();
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  const state = (globalThis as Record<symbol, unknown>)[
    Symbol.for('markers.aggregate.thread')
  ] as ThreadState;
  assert.equal(state.running.size, 0);
  assert.ok(state.dead.size <= 1024, `dead ids ${state.dead.size}`);
  assert.equal(m.fire, undefined);
  assert.equal(listMarkers('cycle:req')[0]?.mode, 'off');
  assert.ok(grown < 4 * 1024 * 1024, `heap grew ${grown} bytes over 2000 cycles`);
});
