/**
 * The serial operation queue (src/serial/serial-queue.ts) runs operations one
 * at a time, in the order queued: none starts before the one ahead of it has
 * settled, however long that one takes and whatever the later ones would do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { SerialQueue } from '../src/serial/serial-queue.js';

test('operations run one at a time, in the order they were queued', async () => {
  const queue = new SerialQueue();
  const log: string[] = [];
  let running = 0;
  const op = (name: string, turns: number) => async () => {
    running++;
    assert.equal(running, 1, `${name} started while another operation ran`);
    log.push(`start ${name}`);
    for (let i = 0; i < turns; i++) await turn();
    log.push(`end ${name}`);
    running--;
    return name;
  };
  // The first takes longest: a queue that only ordered starts would interleave.
  const results = await Promise.all([
    queue.run(op('a', 5)),
    queue.run(op('b', 0)),
    queue.run(() => {
      log.push('sync c');
      return 'c';
    }),
    queue.run(op('d', 2)),
  ]);
  assert.deepEqual(results, ['a', 'b', 'c', 'd']);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'sync c', 'start d', 'end d']);
});

test('an operation queued from inside another runs after it, not during it', async () => {
  const queue = new SerialQueue();
  const log: string[] = [];
  let inner: Promise<void> | undefined;
  await queue.run(async () => {
    inner = queue.run(() => {
      log.push('inner');
    });
    await turn();
    log.push('outer done');
  });
  await inner;
  assert.deepEqual(log, ['outer done', 'inner']);
});

test('settled() waits for everything queued so far', async () => {
  const queue = new SerialQueue();
  const done: number[] = [];
  for (let i = 0; i < 3; i++) {
    void queue.run(async () => {
      await turn();
      done.push(i);
    });
  }
  await queue.settled();
  assert.deepEqual(done, [0, 1, 2]);
});
