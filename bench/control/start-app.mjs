// The start-up target of bench/control/control.ts: prints its RSS (and CPU time) on its
// first line (after any --import has run), then one more RSS line per line
// read on stdin, and exits when stdin closes. `http` listens on HTTP first
// (below). `worker` starts one idle worker
// thread of the application's own before the first line (a process with
// workers: the control worker then starts with it, src/control/listen.ts).
import { Worker } from 'node:worker_threads';

// `http`: an HTTP server listening on 127.0.0.1 before the first line, as a
// service has. Its first listen() loads what the doorbell's does too (net,
// and cluster, which every listen() loads): what markers adds to a service.
if (process.argv.includes('http')) {
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
}

if (process.argv.includes('worker')) {
  const worker = new Worker("require('node:worker_threads').parentPort.on('message', () => {})", {
    eval: true,
  });
  await new Promise((resolve) => worker.once('online', resolve));
  worker.unref();
}
// CPU time of every thread so far: a start-up cost a loaded machine's scheduling does not inflate.
const rss = () => {
  const { user, system } = process.cpuUsage();
  return `${JSON.stringify({ rss: process.memoryUsage.rss(), cpuMs: (user + system) / 1000 })}\n`;
};
process.stdout.write(rss());
process.stdin.on('data', () => process.stdout.write(rss()));
process.stdin.on('end', () => process.exit(0));
