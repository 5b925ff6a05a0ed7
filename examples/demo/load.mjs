// Generates steady HTTP load against the demo service: a few concurrent
// clients in a loop, a mix of fast and slow paths, for a given time.
// Usage: node load.mjs URL SECONDS
import { request } from 'node:http';

const [base = 'http://127.0.0.1:8080', seconds = '10'] = process.argv.slice(2);
const PATHS = ['/', '/hash', '/primes', '/hash', '/', '/missing'];
const CLIENTS = 4;
const end = Date.now() + Number(seconds) * 1000;
let sent = 0;
let failed = 0;

function get(path) {
  return new Promise((resolve) => {
    const req = request(new URL(path, base), { agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => {
      failed++;
      resolve();
    });
    req.end();
  });
}

async function client(offset) {
  let i = offset;
  while (Date.now() < end) {
    await get(PATHS[i++ % PATHS.length]);
    sent++;
  }
}

await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
console.log(JSON.stringify({ sent, failed }));
