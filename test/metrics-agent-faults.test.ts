// The agent as an operator meets it when something is wrong: bad configs and
// command lines are refused at start with a coded line naming the entry, a
// taken port is a coded error, and a target that hangs (SIGSTOP) never holds
// a scrape for longer than the scrape timeout: its last reading is served and
// the failure counted.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli, makeSocketDir, ROOT, startApp, waitUntil } from './helpers/control.js';
import { startMetricsAgent } from './helpers/metrics-agent.js';

const FIXTURE = join(ROOT, 'test/fixtures/metrics-app.ts');
const work = mkdtempSync(join(tmpdir(), 'markers-metrics-faults-'));
const sockets = makeSocketDir();
after(() => {
  sockets.remove();
  rmSync(work, { recursive: true, force: true });
});

function configFile(name: string, document: unknown): string {
  const file = join(work, name);
  writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document));
  return file;
}

test('bad configs exit 1 with ERR_CONFIG_INVALID naming the entry and the key', async () => {
  const cases: [unknown, RegExp][] = [
    ['{ not json', /not valid JSON/],
    [{ aggregations: [] }, /non-empty list/],
    [
      {
        aggregations: [
          { name: 'ok', markers: 'a:*' },
          { name: 'bad-name', markers: 'a:*' },
        ],
      },
      /aggregations\[1\].*"name"/,
    ],
    [
      { aggregations: [{ name: 'h', markers: 'a:*', hist: 'ms', buckets: [5, 1] }] },
      /aggregations\[0\] \("h"\).*strictly ascending/,
    ],
    [{ aggregations: [{ name: 'c', markers: 'a:*', buckts: [1] }] }, /unknown key "buckts"/],
    [{ aggregations: [{ name: 'c', markers: 'not a pattern' }] }, /"markers"/],
    [{ aggregations: [{ name: 'c', markers: 'a:*', by: ['pid'] }] }, /clashes/],
    [
      {
        aggregations: [
          { name: 'c', markers: 'a:*' },
          { name: 'c', markers: 'b:*' },
        ],
      },
      /used twice/,
    ],
  ];
  for (const [document, message] of cases) {
    const file = configFile('bad.json', document);
    const r = await cli(sockets.dir, ['metrics', '--config', file, '--listen', '127.0.0.1:0']);
    assert.equal(r.code, 1, `${JSON.stringify(document)}: ${r.stderr}`);
    assert.match(r.stderr, /^markers: ERR_CONFIG_INVALID: /m);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
  const missing = await cli(sockets.dir, ['metrics', '--config', join(work, 'nope.json')]);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /ERR_CONFIG_INVALID: cannot read metrics config .*nope\.json: ENOENT/,
  );
});

test('wrong command lines are usage errors (exit 2)', async () => {
  const file = configFile('good.json', { aggregations: [{ name: 'c', markers: 'a:*' }] });
  for (const args of [
    ['metrics'],
    ['metrics', '--config', file, '--listen', 'nowhere'],
    ['metrics', '--config', file, '--rescan', 'soon'],
    ['metrics', '--config', file, '--push-interval', '5s'],
    ['metrics', '--config', file, '--remote-write', 'ftp://x'],
  ]) {
    const r = await cli(sockets.dir, args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /Usage: markers metrics/);
  }
});

test('a port already taken is ERR_METRICS_LISTEN, exit 1', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as { port: number };
  const file = configFile('good.json', { aggregations: [{ name: 'c', markers: 'a:*' }] });
  const r = await cli(sockets.dir, ['metrics', '--config', file, '--listen', `127.0.0.1:${port}`]);
  taken.close();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ERR_METRICS_LISTEN: cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
});

test('a hung target never holds a scrape past the timeout; its last reading is served and counted', async () => {
  const app = await startApp(sockets.dir, [], { script: FIXTURE });
  const agent = await startMetricsAgent({
    config: { aggregations: [{ name: 'requests', markers: 'app:request', by: ['status'] }] },
    args: ['--scrape-timeout', '500ms'],
    env: { MARKERS_SOCKET_DIR: sockets.dir },
  });
  const scrape = agent.scrape;
  try {
    await agent.waitForTargets(1);
    app.send('fire 20\n');
    await app.waitFor('fired 20');
    await waitUntil(
      async () =>
        /markers_requests_total\{status="200".*\} 15$/m.test(await scrape()) ? true : undefined,
      'the counts',
    );
    app.child.kill('SIGSTOP');
    try {
      const started = Date.now();
      const text = await scrape();
      const took = Date.now() - started;
      // Bounded by the scrape timeout (500 ms), with room for a loaded machine; a hung read would never end.
      assert.ok(took < 20_000, `scrape took ${took} ms`);
      assert.match(
        text,
        /markers_requests_total\{status="200".*\} 15$/m,
        'the last reading is served',
      );
      assert.match(
        text,
        new RegExp(`markers_agent_scrape_errors_total\\{pid="${app.pid}".*\\} [1-9]`),
      );
    } finally {
      app.child.kill('SIGCONT');
    }
  } finally {
    await agent.stop();
    await app.stop();
  }
});
