// A hostile or broken target (here a fake control server in a child process)
// must never make the CLI write outside -o, and every malformed reply or frame
// ends the command with one ERR_PROTOCOL line and exit 1, never a stack trace.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { type App, cli, lastJson, makeSocketDir, ROOT, startApp } from './helpers/control.js';

const HOSTILE = join(ROOT, 'test/fixtures/hostile-control-server.ts');
const sockets = makeSocketDir();
const base = dirname(sockets.dir);

before(() => mkdirSync(sockets.dir, { mode: 0o700 }));
after(() => sockets.remove());

function startHostile(scenario: string): Promise<App> {
  return startApp(sockets.dir, [scenario], { script: HOSTILE, nodeArgs: ['--import', 'tsx'] });
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path).map((f) => join(entry, f)));
    else out.push(entry);
  }
  return out;
}

/** A fresh `<case>/a/b/out` for one test: `<case>` is where an escape would land. */
function outputDir(): { root: string; out: string } {
  const root = join(base, `case-${n++}`);
  return { root, out: join(root, 'a', 'b', 'out') };
}

/** The trace directory holds only `metadata` and `<safe name>-<uint32>` stream files, and nothing exists outside it. */
function assertContained({ root, out }: { root: string; out: string }): void {
  mkdirSync(root, { recursive: true });
  for (const file of filesUnder(root)) {
    const path = join(root, file);
    const inside = relative(out, path);
    assert.ok(!inside.startsWith('..'), `a file was written outside -o: ${path}`);
    assert.match(
      inside,
      /^(metadata|[A-Za-z0-9_][A-Za-z0-9_.-]*-\d+)$/,
      `unexpected file in the trace: ${inside}`,
    );
  }
}

function assertOneProtocolLine(stderr: string): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.match(
    lines[0] as string,
    /^markers: ERR_PROTOCOL: process \d+ sent a malformed message: /,
  );
  assert.doesNotMatch(stderr, /^\s+at /m);
}

let n = 0;
for (const scenario of [
  'stream-id-relative',
  'stream-id-absolute',
  'stream-id-negative',
  'stream-id-huge',
  'stream-id-fraction',
  'event-name-injection',
  'event-classes-huge',
  'events-count-huge',
  'events-from-lie',
  'frame-huge-length',
  'frame-header-not-json',
  'trace-bad-clock',
]) {
  test(`record: a target sending ${scenario} gets one ERR_PROTOCOL line, exit 1, nothing outside -o`, async () => {
    const app = await startHostile(scenario);
    const where = outputDir();
    try {
      const result = await cli(sockets.dir, [
        'record',
        '-p',
        String(app.pid),
        'app:tick',
        '-o',
        where.out,
        '--duration',
        '30s',
      ]);
      assert.equal(result.code, 1, result.stderr);
      assertOneProtocolLine(result.stderr);
      assertContained(where);
    } finally {
      await app.stop();
    }
  });
}

for (const scenario of ['thread-name-traversal', 'thread-name-absolute']) {
  test(`record: a thread name like ${scenario} is only ever part of a file name inside -o`, async () => {
    const app = await startHostile(scenario);
    const where = outputDir();
    try {
      const result = await cli(sockets.dir, [
        'record',
        '-p',
        String(app.pid),
        'app:tick',
        '-o',
        where.out,
        '--duration',
        '1s',
      ]);
      assert.equal(result.code, 0, result.stderr);
      assertContained(where);
      assert.equal(
        readdirSync(where.out).length,
        2,
        `metadata and one stream file: ${readdirSync(where.out)}`,
      );
    } finally {
      await app.stop();
    }
  });
}

for (const scenario of ['list-wrong-shape', 'error-wrong-shape', 'list-huge-line']) {
  test(`list: a reply that is ${scenario} gets one ERR_PROTOCOL line and exit 1`, async () => {
    const app = await startHostile(scenario);
    try {
      const result = await cli(sockets.dir, ['list', '-p', String(app.pid)]);
      assert.equal(result.code, 1, result.stderr);
      assertOneProtocolLine(result.stderr);
    } finally {
      await app.stop();
    }
  });
}

test('ps: a target whose info has the wrong shape is a row with ERR_PROTOCOL, the others still list', async () => {
  const bad = await startHostile('info-wrong-shape');
  const good = await startHostile('valid');
  try {
    const result = await cli(sockets.dir, ['ps', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const rows = lastJson<{
      processes: { pid: number; info?: unknown; error?: { code: string } }[];
    }>(result).processes;
    assert.equal(rows.find((r) => r.pid === bad.pid)?.error?.code, 'ERR_PROTOCOL');
    assert.ok(rows.find((r) => r.pid === good.pid)?.info !== undefined);
  } finally {
    await bad.stop();
    await good.stop();
  }
});

test('count: an aggregation result of the wrong shape gets one ERR_PROTOCOL line and exit 1', async () => {
  const app = await startHostile('aggregate-wrong-shape');
  try {
    const result = await cli(sockets.dir, [
      'count',
      '-p',
      String(app.pid),
      'app:tick',
      '--duration',
      '1s',
    ]);
    assert.equal(result.code, 1, result.stderr);
    assertOneProtocolLine(result.stderr);
  } finally {
    await app.stop();
  }
});

test('strings from a target cannot drive the terminal: control characters are printed escaped', async () => {
  const app = await startHostile('terminal-escapes');
  try {
    const ps = await cli(sockets.dir, ['ps']);
    assert.equal(ps.code, 0, ps.stderr);
    assert.match(ps.stdout, /hostile\\x1b\]0;pwned\\x07\\x1b\[2J\\x0dfake/);
    const list = await cli(sockets.dir, ['list', '-p', String(app.pid)]);
    assert.equal(list.code, 1);
    assert.equal(list.stderr, 'markers: ERR_X: a\\x1b[2J markers: fake line\\x9b\n');
  } finally {
    await app.stop();
  }
});
