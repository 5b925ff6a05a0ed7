import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOLD_MS, TimeOrderedQueue } from '../src/cli/time-order.js';
import type { TraceEntry } from '../src/trace/reader/reader.js';

function event(timestamp: number, thread: string): TraceEntry {
  return {
    type: 'discarded',
    timestamp: BigInt(timestamp),
    since: BigInt(timestamp),
    streamId: 0,
    threadId: 0,
    threadName: thread,
    events: 1,
    packets: 0,
  };
}

test('records of several threads leave in timestamp order once held, whatever order they arrived in', () => {
  let now = 1000;
  const out: string[] = [];
  const queue = new TimeOrderedQueue(
    (r) => out.push(`${r.threadName}@${r.timestamp}`),
    () => now,
  );
  // Thread a's packet arrives first, thread b's (with earlier events) 100 ms later.
  queue.push(event(10, 'a'));
  queue.push(event(30, 'a'));
  now += 100;
  queue.push(event(5, 'b'));
  queue.push(event(20, 'b'));
  queue.release();
  assert.deepEqual(out, [], 'nothing leaves before it was held');
  now += HOLD_MS - 100;
  queue.release();
  // b@5 arrived only 50 ms ago and is the oldest: it holds everything back.
  assert.deepEqual(out, []);
  now += 100;
  queue.release();
  assert.deepEqual(out, ['b@5', 'a@10', 'b@20', 'a@30']);
  queue.close();
});

test('a record later than the hold is printed at once, not dropped; flush empties the queue in order', () => {
  let now = 0;
  const out: string[] = [];
  const queue = new TimeOrderedQueue(
    (r) => out.push(`${r.threadName}@${r.timestamp}`),
    () => now,
  );
  queue.push(event(50, 'a'));
  now += HOLD_MS;
  queue.release();
  queue.push(event(40, 'b')); // arrives after a@50 left
  queue.push(event(60, 'a'));
  queue.flush();
  assert.deepEqual(out, ['a@50', 'b@40', 'a@60']);
});
