import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AggregateResult } from '../src/index.js';
import { nearestRank, valuesOf, within } from './fixtures/aggregate-values.js';
import { cli, lastJson, makeSocketDir, ROOT, startApp, waitUntil } from './helpers/control.js';

const APP = join(ROOT, 'test/fixtures/aggregate-app.ts');
const N = 2000;

function jsonLines(stdout: string): AggregateResult[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as AggregateResult);
}

async function markerInfo(
  dir: string,
  name: string,
): Promise<{ mode: string; probes: number } | undefined> {
  const list = lastJson<{ markers: { name: string; mode: string; probes: number }[] }>(
    await cli(dir, ['list', '--json']),
  );
  return list.markers.find((m) => m.name === name);
}

async function markerMode(dir: string, name: string): Promise<string | undefined> {
  return (await markerInfo(dir, name))?.mode;
}

test('markers hist: exact counts per thread and quantiles within 1%, one JSON object per interval, Ctrl-C ends it', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], { script: APP });
  try {
    let seen = '';
    const run = cli(sockets.dir, ['hist', 'agg:value', 'v', '--by', 'w', '--json', '-i', '100ms'], {
      onStdout: (text) => {
        seen = text;
      },
    });
    await waitUntil(() => (seen.includes('"time"') ? true : undefined), 'the first interval');
    app.send(`fire ${N}\n`);
    await app.waitFor('fired 1');
    await waitUntil(
      () =>
        jsonLines(seen).some((r) => r.groups.reduce((n, g) => n + g.count, 0) === 2 * N)
          ? true
          : undefined,
      'both threads counted',
    );
    run.child.kill('SIGINT');
    const result = await run;
    assert.equal(result.code, 0, result.stderr);
    const lines = jsonLines(result.stdout);
    assert.ok(lines.length >= 2);
    assert.ok(lines.every((l, i) => i === 0 || l.time >= (lines[i - 1] as AggregateResult).time));
    const final = lines[lines.length - 1] as AggregateResult;
    for (const w of [0, 1]) {
      const g = final.groups.find((group) => group.key.w === w);
      const sorted = valuesOf(w, N).sort((x, y) => x - y);
      assert.equal(g?.count, N);
      assert.equal(g?.min, sorted[0]);
      assert.equal(g?.max, sorted[N - 1]);
      for (const [q, estimate] of [
        [0.5, g?.p50],
        [0.9, g?.p90],
        [0.99, g?.p99],
        [0.999, g?.p999],
      ] as const) {
        assert.ok(
          typeof estimate === 'number' && within(estimate, nearestRank(sorted, q), 0.01),
          `w${w} p${q}: ${estimate} vs ${nearestRank(sorted, q)}`,
        );
      }
    }
    await waitUntil(
      async () => ((await markerMode(sockets.dir, 'agg:value')) === 'off' ? true : undefined),
      'the aggregation to leave the target',
    );
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test('markers count and latency: a final table, --duration ends them', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], { script: APP });
  try {
    const count = cli(sockets.dir, ['count', 'agg:*', '--duration', '3s']);
    const latency = cli(sockets.dir, [
      'latency',
      'agg:op_start',
      '--by',
      'status',
      '--duration',
      '3s',
      '--json',
    ]);
    await waitUntil(
      // Each aggregation is one probe link on the markers it aggregates, in both threads.
      async () => ((await markerInfo(sockets.dir, 'agg:op_end'))?.probes === 2 ? true : undefined),
      'both aggregations to attach',
    );
    app.send('fire 10\n');
    await app.waitFor('fired 1');
    app.send('pairs\n');
    await app.waitFor('paired');
    const counted = await count;
    assert.equal(counted.code, 0, counted.stderr);
    const rows = counted.stdout.split('\n');
    assert.match(rows[1] ?? '', /^GROUP\s+COUNT\s+RATE\/S/);
    assert.ok(
      rows.some((r) => /^marker=agg:value\s+20\s/.test(r)),
      counted.stdout,
    );
    assert.ok(
      rows.some((r) => /^marker=agg:op_start\s+10\s/.test(r)),
      counted.stdout,
    );
    assert.ok(
      rows.some((r) => /^marker=agg:op_end\s+11\s/.test(r)),
      counted.stdout,
    );
    const paired = await latency;
    assert.equal(paired.code, 0, paired.stderr);
    const final = lastJson<AggregateResult>(paired);
    assert.deepEqual(final.groups.map((g) => [g.key.status, g.count]).sort(), [
      [200, 5],
      [500, 5],
    ]);
    assert.equal(final.latency?.unmatchedEnds, 1);
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test('bad --where exits 2; an unknown marker or field exits 1 with a coded line; nothing is left attached', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], { script: APP });
  try {
    const syntax = await cli(sockets.dir, ['count', 'agg:value', '--where', 'v >> 2']);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /ERR_WHERE_SYNTAX: where "v >> 2" at column 4/);
    const field = await cli(sockets.dir, ['count', 'agg:value', '--where', 'nope > 2']);
    assert.equal(field.code, 1);
    assert.match(field.stderr, /^markers: ERR_WHERE_FIELD: .*column 1/m);
    const hist = await cli(sockets.dir, ['hist', 'agg:value', 'nope']);
    assert.equal(hist.code, 1);
    assert.match(hist.stderr, /^markers: ERR_AGGREGATE_FIELD: /m);
    const unknown = await cli(sockets.dir, ['count', 'nosuch:marker', '--duration', '1s']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^markers: ERR_UNKNOWN_MARKER: /m);
    assert.equal(await markerMode(sockets.dir, 'agg:value'), 'off');
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test('a killed CLI leaves no aggregation behind in the target', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], { script: APP });
  try {
    const run = cli(sockets.dir, ['count', 'agg:value', '--by', 'w']);
    await waitUntil(
      async () => ((await markerMode(sockets.dir, 'agg:value')) === 'call' ? true : undefined),
      'the aggregation to attach',
    );
    run.child.kill('SIGKILL');
    await run;
    await waitUntil(
      async () => ((await markerMode(sockets.dir, 'agg:value')) === 'off' ? true : undefined),
      'the target to stop the orphaned aggregation',
    );
    assert.equal(app.child.exitCode, null);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
