// A pool worker of the demo service. Its markers live in this thread's own
// registry; the markers CLI reaches them like the main thread's.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { marker } from 'markers';

const taskStart = marker('pool:task_start', 'task %u kind %s n %u');
const taskEnd = marker('pool:task_end', 'task %u kind %s ms %f');

function hash(n) {
  let digest = 'seed';
  for (let i = 0; i < n; i++) digest = createHash('sha256').update(digest).digest('hex');
  return digest.slice(0, 16);
}

function primes(limit) {
  let count = 0;
  for (let i = 2; i < limit; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

parentPort.on('message', ({ task, kind, n }) => {
  const start = performance.now();
  taskStart.fire?.(task, kind, n);
  const result = kind === 'hash' ? hash(n) : primes(n);
  taskEnd.fire?.(task, kind, performance.now() - start);
  parentPort.postMessage({ task, result });
});
