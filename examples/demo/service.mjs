// The demo service: an HTTP server whose slow requests go to a pool of
// worker threads. It is instrumented with markers the way a library author
// would do it: declared once at module scope, fired with ?. on the hot path.
// It costs nothing until someone switches the markers on from outside.
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { marker } from 'markers';

const requestReceived = marker('http:request_received', 'id %u method %s path %s');
const requestDone = marker('http:request_done', 'id %u method %s path %s status %d ms %f');
const taskQueued = marker('pool:task_queued', 'task %u kind %s queue %u');

const POOL_SIZE = Math.max(2, Math.min(4, availableParallelism()));
const workers = [];
const idle = [];
const queue = [];
const pending = new Map();
let nextTask = 1;
let nextRequest = 1;

for (let i = 0; i < POOL_SIZE; i++) {
  const worker = new Worker(new URL('./pool-worker.mjs', import.meta.url));
  worker.on('message', ({ task, result }) => {
    pending.get(task)?.(result);
    pending.delete(task);
    idle.push(worker);
    drain();
  });
  worker.unref();
  workers.push(worker);
  idle.push(worker);
}

function drain() {
  while (idle.length > 0 && queue.length > 0) {
    const worker = idle.pop();
    worker.postMessage(queue.shift());
  }
}

function runTask(kind, n) {
  const task = nextTask++;
  return new Promise((resolve) => {
    pending.set(task, resolve);
    queue.push({ task, kind, n });
    taskQueued.fire?.(task, kind, queue.length);
    drain();
  });
}

const server = createServer(async (req, res) => {
  const id = nextRequest++;
  const start = performance.now();
  const path = req.url ?? '/';
  requestReceived.fire?.(id, req.method ?? 'GET', path);
  let status = 200;
  let body;
  if (path.startsWith('/hash')) {
    body = await runTask('hash', 2000 + (id % 7) * 1500);
  } else if (path.startsWith('/primes')) {
    body = await runTask('primes', 20000 + (id % 5) * 20000);
  } else if (path === '/') {
    body = 'markers demo\n';
  } else {
    status = 404;
    body = 'not found\n';
  }
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(String(body));
  requestDone.fire?.(id, req.method ?? 'GET', path, status, performance.now() - start);
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  // The demo driver reads this line to find the service.
  console.log(
    `demo service listening on http://127.0.0.1:${port} (pid ${process.pid}, ${POOL_SIZE} workers)`,
  );
});

process.on('SIGTERM', () => {
  server.close();
  for (const worker of workers) void worker.terminate();
});
