/**
 * Count and histogram aggregations run as one generated function per marker
 * (src/aggregate/thread/fused.ts) where code generation is allowed, and on
 * closures where it is not. The same events through the same aggregations
 * give the same results both ways, odd values from JavaScript callers
 * included; the generated sources hold none of the expression's text.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type PackageCopy, packageCopy } from './helpers/package-copy.js';

const SCRIPT = `
const real = globalThis.Function;
const sources = [];
globalThis.Function = new Proxy(real, {
  // Recorded once compiled: where generation is forbidden, the call throws first.
  construct(target, args) { const f = Reflect.construct(target, args); sources.push(String(args[args.length - 1])); return f; },
  apply(target, self, args) { const f = Reflect.apply(target, self, args); sources.push(String(args[args.length - 1])); return f; },
});
const { aggregate, marker } = await import('markers');
let generation = true;
try { real('return 1'); } catch { generation = false; }

const m = marker('gen:req', 'status %d path %s ok %b ms %f');
// A deterministic mix, with what a JavaScript caller may pass into a typed field.
const statuses = [200, 201, 404, 500, 503, 2000, -1, 3.5, '200', 7n, 2n ** 70n, true, null, Number.NaN];
const paths = ['/api/users', '/api/orders/7', '/health', '/xyz', '/', 42, undefined, 'a b'];
const values = [0, -0, 1.5, -2.25, 5e-324, -1e-310, 1e300, -7, Number.NaN, Number.POSITIVE_INFINITY, 3n, 'x', 0.1, 12];
const oks = [true, false, 1, 'true', true];
let seed = 12345;
const next = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
const events = [];
for (let i = 0; i < 4000; i++) {
  events.push([statuses[next(statuses.length)], paths[next(paths.length)], oks[next(oks.length)], values[next(values.length)]]);
}
const specs = [
  { by: ['status'] },
  { by: ['path'] },
  { by: ['ok'] },
  { by: ['status', 'ok'] },
  { by: ['marker', 'path'] },
  { hist: 'ms' },
  { by: ['status'], hist: 'ms' },
  { by: ['path'], hist: 'ms', linear: { min: -5, max: 20, step: 2.5 } },
  { by: ['status'], maxGroups: 3 },
  { where: 'status >= 400' },
  { where: 'status != 200 && status < 1000' },
  { where: 'status == 7' },
  { where: '5 < status' },
  { where: 'status == ms' },
  { where: 'ms != ms' },
  { where: 'path ~ "/api/*"' },
  { where: 'path ~ "*s?" || path ~ "/x*"' },
  { where: 'path < "/h" && path != "/"' },
  { where: '!ok || ms <= 1.5' },
  { where: 'ok == true' },
  { where: 'ok != false' },
  { where: 'marker == "gen:req" && !(path == "/health")' },
  { where: 'marker ~ "other*"' },
  { where: '1 < 2' },
  { by: ['ok'], hist: 'ms', where: 'status >= 200 && status < 600 && (path ~ "/api*" || ms > 10)' },
];
const results = [];
for (const spec of specs) {
  const a = await aggregate({ markers: 'gen:req', ...spec });
  for (const e of events) m.fire?.(...e);
  const r = await a.stop();
  results.push({ groups: r.groups, dropped: r.dropped, otherCount: r.otherCount, errors: r.errors });
}
const generated = sources.filter((s) => s.includes('keyBox'));
console.log(JSON.stringify({ generation, generated, results }));
`;

interface Output {
  generation: boolean;
  generated: string[];
  results: unknown[];
}

let copy: PackageCopy;
before(async () => {
  copy = await packageCopy();
  copy.write('gen.js', SCRIPT);
});
after(() => copy.remove());

function run(flags: string[]): Promise<Output> {
  return copy.runJson<Output>('gen.js', { nodeFlags: flags });
}

test('generated aggregation code and the closure fallback give the same results', async () => {
  const [generated, closures] = await Promise.all([
    run([]),
    run(['--disallow-code-generation-from-strings']),
  ]);
  assert.equal(generated.generation, true);
  assert.equal(closures.generation, false);
  assert.equal(closures.generated.length, 0);
  // The generated path really served (shapes are cached, so fewer sources than specs).
  assert.ok(generated.generated.length >= 10, `${generated.generated.length} generated sources`);
  for (const text of generated.generated) {
    for (const fragment of ['gen:req', '/api', 'status', 'path', '"', 'other', '1.5', '400']) {
      assert.ok(!text.includes(fragment), `generated source holds "${fragment}":\n${text}`);
    }
  }
  assert.equal(generated.results.length, 25);
  for (const [i, result] of generated.results.entries()) {
    assert.deepEqual(result, closures.results[i], `spec #${i}`);
  }
  // Not vacuous: the filters select some events and drop others.
  const total = (r: unknown): number =>
    (r as { groups: { count: number }[] }).groups.reduce((n, g) => n + g.count, 0);
  const counts = generated.results.map(total);
  assert.ok(
    counts.some((n) => n > 0 && n < 4000),
    counts.join(','),
  );
});
