// The target of bench/control/control.ts, on the built package (dist/), so no
// TypeScript loader thread muddies the figures. `idle`: nothing but stdin open;
// `fire`: a marker fired every millisecond.
import { marker } from '../../dist/index.js';

const ping = marker('bench:ping', 'n %d');
let n = 0;
if (process.argv.includes('fire')) setInterval(() => ping.fire?.(++n), 1);
process.stdout.write('ready\n');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
