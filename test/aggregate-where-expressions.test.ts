import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, connect, isMarkersError, listMarkers, marker } from '../src/index.js';

const m = marker('where:req', 'status %d path %s ok %b ms %f');

interface Event {
  status: number;
  path: string;
  ok: boolean;
  ms: number;
}

const events: Event[] = [];
for (let i = 0; i < 500; i++) {
  events.push({
    status: [200, 201, 404, 500, 503][i % 5] as number,
    path: ['/api/users', '/api/orders/7', '/health', '/static/app.js', '/api'][
      (i % 7) % 5
    ] as string,
    ok: i % 3 !== 0,
    ms: (i * 13) % 97,
  });
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
}

// Each expression with the same condition written independently in JavaScript.
const CASES: [string, (e: Event) => boolean][] = [
  ['status >= 500', (e) => e.status >= 500],
  ['status == 200 || status == 201', (e) => e.status === 200 || e.status === 201],
  ['!(status < 400) && ms > 10.5', (e) => !(e.status < 400) && e.ms > 10.5],
  ['path ~ "/api/*"', (e) => globToRegExp('/api/*').test(e.path)],
  ["path ~ '/api*' && !ok", (e) => globToRegExp('/api*').test(e.path) && !e.ok],
  ['ok == true && (ms <= 3 || ms >= 90)', (e) => e.ok && (e.ms <= 3 || e.ms >= 90)],
  ['path != "/health" && status != 404', (e) => e.path !== '/health' && e.status !== 404],
  ['path > "/b" && path < "/s"', (e) => e.path > '/b' && e.path < '/s'],
  ['ok', (e) => e.ok],
  ['marker ~ "where:*" && ms == 0', (e) => e.ms === 0],
  ['-1 < ms && ms < -0.5e1 || status == 503', (e) => (-1 < e.ms && e.ms < -5) || e.status === 503],
  ['path ~ "/???lth"', (e) => e.path === '/health'],
  ['path ~ "*.js"', (e) => e.path.endsWith('.js')],
  ['path ~ "*orders*"', (e) => e.path.includes('orders')],
  ['path ~ "/health"', (e) => e.path === '/health'],
  ['path ~ "/a*s*"', (e) => globToRegExp('/a*s*').test(e.path)],
  ['path ~ "\\*"', (e) => e.path === '*'],
];

test('where expressions count exactly the events an independent JavaScript filter selects', async () => {
  for (const [where, predicate] of CASES) {
    const a = await aggregate({ markers: 'where:req', where });
    for (const e of events) m.fire?.(e.status, e.path, e.ok, e.ms);
    const r = await a.stop();
    const counted = r.groups.reduce((n, g) => n + g.count, 0);
    assert.equal(counted, events.filter(predicate).length, where);
  }
  assert.equal(m.fire, undefined);
});

test('a bad expression is ERR_WHERE_SYNTAX naming its column, before anything is attached', async () => {
  const bad: [string, number][] = [
    ['status >', 9],
    ['status = 200', 8],
    ['(status > 1', 12],
    ['status > 1 &&', 14],
    ['path ~ "unclosed', 8],
    ['status > 1 & ok', 12],
    ['', 1],
    ['status 200', 8],
  ];
  for (const [where, column] of bad) {
    // The root export loads the aggregation code on first use, so option errors arrive through the promise.
    await assert.rejects(
      aggregate({ markers: 'where:req', where }).ready,
      (error: unknown) =>
        isMarkersError(error, 'ERR_WHERE_SYNTAX') &&
        (error.details as { column?: number }).column === column,
      where,
    );
  }
  assert.equal(listMarkers('where:req')[0]?.mode, 'off');
});

test('an unknown field or a type mismatch is ERR_WHERE_FIELD with its column, and nothing stays attached', async () => {
  const bad: [string, number][] = [
    ['nope > 1', 1],
    ['status > "x"', 8],
    ['path < 3', 6],
    ['ok > true', 4],
    ['status ~ "2*"', 8],
    ['ms', 1],
  ];
  for (const [where, column] of bad) {
    await assert.rejects(
      aggregate({ markers: 'where:req', where }).ready,
      (error: unknown) =>
        isMarkersError(error, 'ERR_WHERE_FIELD') &&
        (error.details as { column?: number }).column === column,
      where,
    );
    assert.equal(m.fire, undefined, where);
  }
  await assert.rejects(aggregate({ markers: 'where:req', by: ['nope'] }).ready, (error: unknown) =>
    isMarkersError(error, 'ERR_AGGREGATE_FIELD'),
  );
  await assert.rejects(aggregate({ markers: 'where:req', hist: 'path' }).ready, (error: unknown) =>
    isMarkersError(error, 'ERR_AGGREGATE_FIELD'),
  );
  assert.equal(m.fire, undefined);
});

test('where compiles without eval or new Function of its text', async () => {
  // Warm the registry's own dispatcher for this marker's shape first: it is
  // generated code, but from no user text.
  const warm = connect(m, () => {});
  await warm.disconnect();
  const saved = { eval: Reflect.get(globalThis, 'eval'), Function: globalThis.Function };
  const refuse = (): never => {
    throw new Error('code generation refused');
  };
  Object.assign(globalThis, { eval: refuse, Function: refuse });
  try {
    const a = await aggregate({
      markers: 'where:req',
      by: ['status'],
      where: 'path ~ "/api/*" && ms > 1',
    });
    for (const e of events) m.fire?.(e.status, e.path, e.ok, e.ms);
    const r = await a.stop();
    const expected = events.filter((e) => globToRegExp('/api/*').test(e.path) && e.ms > 1);
    assert.equal(
      r.groups.reduce((n, g) => n + g.count, 0),
      expected.length,
    );
    assert.equal(r.errors, 0);
  } finally {
    Object.assign(globalThis, saved);
  }
});
