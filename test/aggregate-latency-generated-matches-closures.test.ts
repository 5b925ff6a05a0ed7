/**
 * Latency aggregations run as generated functions on both markers of a pair
 * (src/aggregate/thread/fused-latency.ts for the start, fused.ts for the
 * end) where code generation is allowed, and on closures where it is not.
 * A clock that counts makes every latency exact, so the same events give
 * the same groups and the same pending, evicted and unmatched counts both
 * ways: nesting past the cap, keys started twice, keys reused after their
 * end, ends without a start, odd key values from JavaScript callers,
 * thousands of pending starts, a where on the end, a timed end.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type PackageCopy, packageCopy } from './helpers/package-copy.js';

const SCRIPT = `
const real = globalThis.Function;
const sources = [];
globalThis.Function = new Proxy(real, {
  construct(target, args) { const f = Reflect.construct(target, args); sources.push(String(args[args.length - 1])); return f; },
  apply(target, self, args) { const f = Reflect.apply(target, self, args); sources.push(String(args[args.length - 1])); return f; },
});
const { aggregate, marker } = await import('markers');
let generation = true;
try { real('return 1'); } catch { generation = false; }

let clock = 0;
performance.now = () => (clock += 1.25);

const nestStart = marker('lg:nest_start', 'n %d');
const nestEnd = marker('lg:nest_end', 'n %d status %d');
const idStart = marker('lg:id_start', 'id %d');
const idEnd = marker('lg:id_end', 'id %d status %d');
const strStart = marker('lg:str_start', 'req %s');
const strEnd = marker('lg:str_end', 'req %s ok %b');
const timedStart = marker('lg:timed_start', 'op %s');
const timedEnd = marker('lg:timed_end', 'op %s ms %f error %s');

let seed = 4242;
// The high bits: an LCG's low bits repeat with a short period.
const next = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 12) % n; };
const ids = [0, 1, 2, 3, 4, 5, 6, 7, 7n, 2n ** 70n, Number.NaN, -0, '3', 3.5, null];
const reqs = ['a', 'b', 'c', 'd', 5, undefined, 'e'];

const scenarios = [
  { name: 'nesting past the cap', spec: { markers: 'lg:nest_start', latency: { maxPending: 4 } },
    run() { for (let i = 0; i < 3000; i++) { if (next(3) < 2) nestStart.fire?.(i); else nestEnd.fire?.(i, next(2) ? 200 : 500); } } },
  { name: 'nesting by status with a where', spec: { markers: 'lg:nest_start', by: ['status'], where: 'status >= 500 || n < 100', latency: {} },
    run() { for (let i = 0; i < 3000; i++) { if (next(2)) nestStart.fire?.(i); else nestEnd.fire?.(i, next(2) ? 200 : 503); } } },
  { name: 'thousands pending, bounded', spec: { markers: 'lg:nest_start', latency: { maxPending: 1000 } },
    run() { for (let i = 0; i < 5000; i++) nestStart.fire?.(i); for (let i = 0; i < 1500; i++) nestEnd.fire?.(i, 200); } },
  { name: 'an id field: duplicates, reuse, strays, odd values', spec: { markers: 'lg:id_start', by: ['status'], latency: { maxPending: 5 } },
    run() { for (let i = 0; i < 4000; i++) { const id = ids[next(ids.length)]; if (next(2)) idStart.fire?.(id); else idEnd.fire?.(id, next(3) ? 200 : 404); } } },
  { name: 'thousands of keys pending', spec: { markers: 'lg:id_start', latency: { maxPending: 2000 } },
    run() { for (let i = 0; i < 6000; i++) idStart.fire?.(i); for (let i = 0; i < 6000; i += 3) idEnd.fire?.(i, 200); } },
  { name: '--key on strings, by a bool, with a where', spec: { markers: 'lg:str_start', by: ['ok'], where: 'req != "b"', latency: { key: 'req', maxPending: 3 } },
    run() { for (let i = 0; i < 3000; i++) { const r = reqs[next(reqs.length)]; if (next(2)) strStart.fire?.(r); else strEnd.fire?.(r, next(2) === 1); } } },
  { name: 'a timed end', spec: { markers: 'lg:timed_start', by: ['error'], latency: {} },
    run() { for (let i = 0; i < 2000; i++) { if (next(2)) timedStart.fire?.('q'); else timedEnd.fire?.('q', next(50) / 4, next(5) ? '' : 'ETIMEDOUT'); } } },
  { name: 'an explicit end pairing by nesting', spec: { markers: 'lg:nest_start', latency: { end: 'lg:nest_end', maxPending: 2 } },
    run() { for (let i = 0; i < 2000; i++) { if (next(2)) nestStart.fire?.(i); else nestEnd.fire?.(i, 200); } } },
  { name: 'a keyless start never pairs with a keyed end', spec: { markers: 'lg:nest_start', latency: { end: 'lg:id_end', maxPending: 2 } },
    run() { for (let i = 0; i < 2000; i++) { if (next(2)) nestStart.fire?.(i); else idEnd.fire?.(i, 200); } } },
];
const results = [];
for (const s of scenarios) {
  const a = await aggregate(s.spec);
  s.run();
  const r = await a.stop();
  results.push({ name: s.name, groups: r.groups, latency: r.latency, dropped: r.dropped, errors: r.errors });
}
const generated = sources.filter((t) => t.includes('clock'));
console.log(JSON.stringify({ generation, generated, results }));
`;

interface Result {
  name: string;
  groups: { key: Record<string, unknown>; count: number; sum: number; min: number }[];
  latency: { pending: number; evicted: number; unmatchedEnds: number };
}

interface Output {
  generation: boolean;
  generated: string[];
  results: Result[];
}

let copy: PackageCopy;
before(async () => {
  copy = await packageCopy();
  copy.write('lat.js', SCRIPT);
});
after(() => copy.remove());

function run(flags: string[]): Promise<Output> {
  return copy.runJson<Output>('lat.js', { nodeFlags: flags });
}

test('generated latency sinks and the closure fallback pair the same events the same way', async () => {
  const [generated, closures] = await Promise.all([
    run([]),
    run(['--disallow-code-generation-from-strings']),
  ]);
  assert.equal(generated.generation, true);
  assert.equal(closures.generation, false);
  assert.equal(closures.generated.length, 0);
  // Both sides of a pair were generated: starts by nesting and by key, ends of each kind.
  const text = generated.generated.join('\n');
  for (const fragment of [
    'function latencyStart',
    'p.evictBottom()',
    'p.startKey(',
    'byKey.get(',
    'p.timedEnds++',
    'p.ring[',
  ]) {
    assert.ok(text.includes(fragment), `no generated source holds "${fragment}"`);
  }
  for (const source of generated.generated) {
    for (const fragment of ['lg:', 'status', 'req', '"', 'ETIMEDOUT']) {
      assert.ok(!source.includes(fragment), `generated source holds "${fragment}":\n${source}`);
    }
  }
  assert.equal(generated.results.length, 9);
  for (const [i, result] of generated.results.entries()) {
    assert.deepEqual(result, closures.results[i], `scenario ${result.name}`);
  }
  // Not vacuous: each scenario pairs some events, and the counters are exercised.
  const by = (name: string): Result => {
    const r = generated.results.find((x) => x.name === name);
    assert.ok(r, name);
    return r;
  };
  for (const r of generated.results) {
    if (r.name === 'a keyless start never pairs with a keyed end') {
      assert.deepEqual(r.groups, []);
      assert.ok(r.latency.unmatchedEnds > 900, JSON.stringify(r.latency));
      continue;
    }
    assert.ok(
      r.groups.some((g) => g.count > 0),
      `${r.name}: ${JSON.stringify(r.groups)}`,
    );
  }
  assert.ok(by('nesting past the cap').latency.evicted > 0);
  assert.ok(by('nesting past the cap').latency.unmatchedEnds > 0);
  assert.deepEqual(by('thousands pending, bounded').latency, {
    pending: 0,
    evicted: 4000,
    unmatchedEnds: 500,
  });
  assert.deepEqual(by('thousands of keys pending').latency, {
    pending: 2000 - 666,
    evicted: 4000,
    unmatchedEnds: 1334,
  });
  const odd = by('an id field: duplicates, reuse, strays, odd values').latency;
  assert.ok(odd.evicted > 0 && odd.unmatchedEnds > 0 && odd.pending > 0, JSON.stringify(odd));
  assert.ok(by('--key on strings, by a bool, with a where').latency.evicted > 0);
});
