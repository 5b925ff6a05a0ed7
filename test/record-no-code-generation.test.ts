/**
 * Where code generation from strings is forbidden (here Node's
 * --disallow-code-generation-from-strings; elsewhere a CSP or an edge
 * worker), dispatchers and encoders are closures: probes and recording give
 * the same results, as bt2 reads them, only slower.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bt2Read } from './helpers/judges.js';
import { type PackageCopy, packageCopy } from './helpers/package-copy.js';

const SCRIPT = `
import { connect, marker, record } from 'markers';
let evalBlocked = false;
try { new Function('return 1'); } catch { evalBlocked = true; }
const m = marker('nogen:all', 'i %d u %u x %x f %f s %s b %b j %j');
const seen = [];
const probe = connect(m, (_m, ...args) => { seen.push(args.length); });
const recording = await record({ markers: 'nogen:*', output: process.argv[2] });
m.fire?.(-5, 7n, 255, 1.5, 'héllo', true, { a: 1 });
m.fire?.(2 ** 40, 3, 0, -0.25, 'plain', false, [1, 2]);
const stats = await recording.stop();
await probe.disconnect();
console.log(JSON.stringify({ evalBlocked, seen, recorded: stats.recorded, coerced: stats.threads[0].coerced }));
`;

let copy: PackageCopy;
before(async () => {
  copy = await packageCopy();
  copy.write('nogen.js', SCRIPT);
});
after(() => copy.remove());

test('with code generation forbidden, probes and recording work on closures', async () => {
  const trace = join(copy.dir, 'trace');
  const output = await copy.runJson('nogen.js', {
    nodeFlags: ['--disallow-code-generation-from-strings'],
    args: [trace],
    timeoutMs: 60_000,
  });
  assert.deepEqual(output, {
    evalBlocked: true,
    seen: [7, 7],
    recorded: 2,
    coerced: 0,
  });
  const read = bt2Read(trace);
  assert.equal(read.status, 0, read.stderr);
  const events = read.messages.flatMap((m) => (m.type === 'event' ? [m.fields] : []));
  assert.deepEqual(events, [
    {
      i: { int: '-5' },
      u: { int: '7' },
      x: { int: '255' },
      f: { float: '1.5' },
      s: { string: 'héllo' },
      b: { enum: ['true'], int: '1' },
      j: { string: '{"a":1}' },
    },
    {
      i: { int: String(2 ** 40) },
      u: { int: '3' },
      x: { int: '0' },
      f: { float: '-0.25' },
      s: { string: 'plain' },
      b: { enum: ['false'], int: '0' },
      j: { string: '[1,2]' },
    },
  ]);
});
