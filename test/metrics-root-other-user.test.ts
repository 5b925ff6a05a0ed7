// Root's metrics agent attaches to every user's instrumented processes, as
// `markers ps` does for root: a target run as a real second user, in its own
// socket directory, is found, aggregated and served with its pid.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeSocketDir, ROOT, startApp, waitUntil } from './helpers/control.js';
import { defaultLocations, otherUser, stickyTmp } from './helpers/other-user.js';

const user = otherUser();

test("root's agent aggregates another user's process", {
  skip: typeof user === 'string' ? user : false,
}, async () => {
  if (typeof user === 'string') return;
  const tmp = stickyTmp();
  const unused = makeSocketDir();
  const work = mkdtempSync(join(tmpdir(), 'markers-metrics-root-'));
  const env = defaultLocations(tmp.dir);
  const app = await startApp(unused.dir, [], {
    script: join(ROOT, 'test/fixtures/metrics-app.ts'),
    prefix: user.prefix,
    env,
  });
  const config = join(work, 'metrics.json');
  writeFileSync(
    config,
    JSON.stringify({
      aggregations: [{ name: 'requests', markers: 'app:request', by: ['status'] }],
    }),
  );
  let err = '';
  const agent = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/bin.ts'),
      'metrics',
      '--config',
      config,
      '--listen',
      '127.0.0.1:0',
      '--rescan',
      '300ms',
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  agent.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  try {
    const port = await waitUntil(() => /:(\d+)\/metrics/.exec(err)?.[1], 'the agent to listen');
    const url = `http://127.0.0.1:${port}/metrics`;
    const scrape = async (): Promise<string> => (await fetch(url)).text();
    await waitUntil(
      async () => ((await scrape()).includes('markers_agent_targets 1\n') ? true : undefined),
      `the agent to attach the other user's process (agent: ${err})`,
    );
    app.send('fire 20\n');
    await app.waitFor('fired 20');
    const text = await waitUntil(async () => {
      const t = await scrape();
      return new RegExp(`markers_requests_total\\{status="500",pid="${app.pid}".*\\} 5$`, 'm').test(
        t,
      )
        ? t
        : undefined;
    }, "the other user's counts");
    assert.match(
      text,
      new RegExp(`markers_requests_total\\{status="200",pid="${app.pid}".*\\} 15$`, 'm'),
    );
  } finally {
    agent.kill('SIGTERM');
    await app.stop();
    unused.remove();
    tmp.remove();
    rmSync(work, { recursive: true, force: true });
  }
});
