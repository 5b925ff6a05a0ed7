// The service of bench/record-cost/record-cost.ts: a node:http server on the
// built package (dist/), so no TypeScript loader thread muddies the figures.
// Each request fires two markers of its own (and, while `*` is recorded, Node's
// own http channels as markers), and STEPS more (env MARKERS_BENCH_STEPS,
// default 0: `app:step`, one per step of a handler that marks its stages), so
// a run can put enough events in each request for a recording's cost per
// event to stand out of the window-to-window drift of the HTTP work.
// Commands on stdin, one per line:
//   cpu   -> one JSON line: this process's CPU time (all threads) and requests served
//   rss   -> one JSON line: RSS now
// stdin closed: exit.
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { marker } from '../../dist/index.js';

const request = marker('app:request', 'method %s url %s');
const response = marker('app:response', 'status %d bytes %d');
const step = marker('app:step', 'step %d of %d');
const STEPS = Number(process.env.MARKERS_BENCH_STEPS ?? 0);
const body = Buffer.from('{"ok":true,"items":[1,2,3]}');
let served = 0;

const server = createServer((req, res) => {
  request.fire?.(req.method, req.url);
  for (let i = 0; i < STEPS; i++) step.fire?.(i, STEPS);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
  response.fire?.(200, body.length);
  served++;
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.stdout.write(
      `${JSON.stringify({ cpuUs: user + system, served, t: performance.now() })}\n`,
    );
  } else if (line === 'rss') {
    process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage.rss() })}\n`);
  }
});
process.stdin.on('end', () => process.exit(0));
