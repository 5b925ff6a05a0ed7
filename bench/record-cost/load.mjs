// The load generator of bench/record-cost/record-cost.ts: RATE requests per
// second to 127.0.0.1:PORT over keep-alive connections, in 1 ms ticks (a
// fixed rate, not "as fast as the service answers", so the service does the
// same work in every window). Prints one JSON line per second: { sent, done, errors, skipped }.
import { Agent, request } from 'node:http';

const [port, rate] = process.argv.slice(2).map(Number);
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
let sent = 0;
let done = 0;
let errors = 0;
let skipped = 0;
const start = performance.now();

function one() {
  sent++;
  const req = request({ host: '127.0.0.1', port, path: '/items?x=1', agent }, (res) => {
    res.resume();
    res.on('end', () => done++);
  });
  req.on('error', () => errors++);
  req.end();
}

setInterval(() => {
  const due = Math.floor(((performance.now() - start) * rate) / 1000);
  // More than 50 ms behind (a stalled machine): skip, counted, rather than burst.
  if (due - sent > rate / 20) {
    skipped += due - sent;
    sent = due;
  }
  while (sent < due) one();
}, 1);
setInterval(
  () => process.stdout.write(`${JSON.stringify({ sent, done, errors, skipped })}\n`),
  1000,
);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
