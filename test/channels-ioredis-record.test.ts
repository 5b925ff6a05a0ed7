// ioredis' tracing channels as ioredis:* markers, against a real redis-server
// started by the test on 127.0.0.1: a child process using ioredis, with the
// control server on, recorded from the CLI and read by bt2. Commands end
// once each with their reply's time and error; a MULTI is one batch.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ask, type ChannelEvent, readChannelTrace, waitSubscribers } from './helpers/channels.js';
import { cli, makeSocketDir, ROOT, startApp } from './helpers/control.js';
import { startRedis } from './helpers/redis-server.js';

const APP = join(ROOT, 'test/fixtures/channels-redis-app.ts');

function field(event: ChannelEvent, name: string): string {
  return String(event.fields[name] ?? '');
}

test('ioredis commands, batch and connect traced through ioredis:* markers', async () => {
  const redis = await startRedis();
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], {
    script: APP,
    env: { REDIS_PORT: String(redis.port) },
  });
  const dir = join(sockets.dir, '..', 'trace');
  try {
    await waitSubscribers(app, 'false');
    const record = cli(sockets.dir, ['record', '-p', String(app.pid), 'ioredis:*', '-o', dir]);
    await waitSubscribers(app, 'true');
    assert.equal(await ask(app, 'go', 'done'), 'done value ERR');
    record.child.kill('SIGINT');
    const result = await record;
    assert.equal(result.code, 0, result.stderr);
    await waitSubscribers(app, 'false');

    const events = await readChannelTrace(dir);
    const ends = events.filter((e) => e.name === 'ioredis:command_end');
    const line = (e: ChannelEvent) =>
      `${field(e, 'command')} ${field(e, 'args')} ${field(e, 'server')}:${field(e, 'port')} db${field(e, 'database')}`;
    const commands = ends.map(line);
    assert.ok(
      commands.includes(`set markers:key ? 127.0.0.1:${redis.port} db0`),
      commands.join('\n'),
    );
    assert.ok(
      commands.includes(`get markers:key 127.0.0.1:${redis.port} db0`),
      commands.join('\n'),
    );
    const failed = ends.find((e) => field(e, 'command') === 'NOSUCHCOMMAND') as ChannelEvent;
    assert.match(field(failed, 'error'), /^ERR unknown command/);
    for (const e of ends) {
      const ms = Number(field(e, 'ms'));
      assert.ok(ms >= 0 && ms < 10_000, `ms ${ms}`);
      // (ioredis' own CLIENT SETINFO fails on Redis < 7.2: only our commands are checked.)
      if (['set', 'get', 'incr', 'multi', 'exec'].includes(field(e, 'command')))
        assert.equal(field(e, 'error'), '');
    }
    // Every end has its start, and vice versa.
    assert.equal(events.filter((e) => e.name === 'ioredis:command_start').length, ends.length);
    const batch = events.filter((e) => e.name === 'ioredis:batch_end');
    assert.deepEqual(
      batch.map((e) => `${field(e, 'mode')} ${field(e, 'size')} ${field(e, 'error')}`),
      ['MULTI 2 '],
    );
    const connect = events.filter((e) => e.name === 'ioredis:connect_end');
    assert.equal(connect.length, 1);
    assert.equal(field(connect[0] as ChannelEvent, 'port'), String(redis.port));
  } finally {
    await app.stop();
    sockets.remove();
    await redis.stop();
  }
});
