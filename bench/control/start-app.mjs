// The start-up target of bench/control/control.ts: prints its RSS (and CPU time) on its
// first line (after any --import has run), then one more RSS line per line
// read on stdin, and exits when stdin closes. `worker` starts one idle worker
// thread of the application's own before the first line (a process with
// workers: the control worker then starts with it, src/control/listen.ts).
import { Worker } from 'node:worker_threads';

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
