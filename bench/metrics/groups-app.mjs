// A target of bench/metrics/scrape.ts, on the built package (dist/): it
// declares bench:req (route %d ms %f), fires it once for each of GROUPS routes
// with a spread of values so every group's histogram has buckets, prints
// "ready", and then stays idle, so what it spends afterwards is the scrapes.
import { marker } from '../../dist/index.js';

const GROUPS = Number(process.argv[2] ?? 100);
const req = marker('bench:req', 'route %d ms %f');
process.stdout.write('ready\n');
process.stdin.on('data', () => {
  for (let i = 0; i < 10; i++) {
    for (let route = 0; route < GROUPS; route++) req.fire?.(route, (route + 1) * (i + 1) * 0.37);
  }
  process.stdout.write('fired\n');
});
process.stdin.on('end', () => process.exit(0));
