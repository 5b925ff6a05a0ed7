// Root's metrics agent attaches to every user's instrumented processes, as
// `markers ps` does for root: a target run as a real second user, in its own
// socket directory, is found, aggregated and served with its pid.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeSocketDir, ROOT, startApp, waitUntil } from './helpers/control.js';
import { startMetricsAgent } from './helpers/metrics-agent.js';
import { defaultLocations, otherUser, stickyTmp } from './helpers/other-user.js';

const user = otherUser();

test("root's agent aggregates another user's process", {
  skip: typeof user === 'string' ? user : false,
}, async () => {
  if (typeof user === 'string') return;
  const tmp = stickyTmp();
  const unused = makeSocketDir();
  const env = defaultLocations(tmp.dir);
  const app = await startApp(unused.dir, [], {
    script: join(ROOT, 'test/fixtures/metrics-app.ts'),
    prefix: user.prefix,
    env,
  });
  const agent = await startMetricsAgent({
    config: { aggregations: [{ name: 'requests', markers: 'app:request', by: ['status'] }] },
    args: ['--rescan', '300ms'],
    env,
  });
  const scrape = agent.scrape;
  try {
    await agent.waitForTargets(1, "the agent to attach the other user's process");
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
    await agent.stop();
    await app.stop();
    unused.remove();
    tmp.remove();
  }
});
