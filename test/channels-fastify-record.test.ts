// fastify's tracing channel (tracing:fastify.request.handler) as the
// fastify:handler_start/_end markers, on a real fastify server in a child
// process with the control server on, recorded from the CLI and read by bt2:
// async and sync handlers both end once, with the reply's status, the async
// handler's known delay in `ms`, and a thrown error in `error`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ask, type ChannelEvent, readChannelTrace, waitSubscribers } from './helpers/channels.js';
import { cli, lastJson, makeSocketDir, ROOT, startApp } from './helpers/control.js';

const APP = join(ROOT, 'test/fixtures/channels-app.ts');
const SLOW_MS = 150;

function field(event: ChannelEvent, name: string): string {
  return String(event.fields[name] ?? '');
}

test('fastify handlers traced through fastify:handler_start/_end', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['fastify'], { script: APP });
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const listed = await cli(sockets.dir, ['list', '-p', String(app.pid), 'fastify:*', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const { markers } = lastJson<{
      markers: { name: string; format: string; locations: string[] }[];
    }>(listed);
    assert.deepEqual(markers.map((m) => [m.name, m.format, m.locations[0]]).sort(), [
      [
        'fastify:handler_end',
        'method %s url %s route %s status %d ms %f error %s',
        'diagnostics_channel:tracing:fastify.request.handler',
      ],
      [
        'fastify:handler_start',
        'method %s url %s route %s',
        'diagnostics_channel:tracing:fastify.request.handler',
      ],
    ]);
    await waitSubscribers(app, 'false false false false');
    const record = cli(sockets.dir, [
      'record',
      '-p',
      String(app.pid),
      'fastify:*',
      '-o',
      dir,
      '--json',
    ]);
    await waitSubscribers(app, 'false false false true');
    assert.equal(await ask(app, 'go', 'done'), 'done 200,201,200,500,201');
    record.child.kill('SIGINT');
    const result = await record;
    assert.equal(result.code, 0, result.stderr);
    await waitSubscribers(app, 'false false false false');

    const events = await readChannelTrace(dir);
    assert.equal(events.filter((e) => e.name === 'fastify:handler_start').length, 5);
    const ends = events.filter((e) => e.name === 'fastify:handler_end');
    assert.deepEqual(
      ends
        .map((e) =>
          [
            field(e, 'method'),
            field(e, 'url'),
            field(e, 'route'),
            field(e, 'status'),
            field(e, 'error'),
          ].join(' '),
        )
        .sort(),
      [
        'GET /fail /fail 500 handler failed',
        'GET /slow /slow 200 ',
        'GET /slow /slow 200 ',
        'POST /echo /echo 201 ',
        'POST /echo /echo 201 ',
      ],
    );
    for (const e of ends.filter((x) => field(x, 'url') === '/slow')) {
      const ms = Number(field(e, 'ms'));
      assert.ok(ms >= SLOW_MS - 2 && ms < SLOW_MS + 10_000, `handler ms ${ms}`);
    }
  } finally {
    await app.stop();
    sockets.remove();
  }
});
