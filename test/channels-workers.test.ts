// The catalogue reaches every thread: in a process whose main thread
// started the control server with listen(), a worker started later that
// imports markers gets the catalogue (the sticky channels:install), so
// `markers list` shows node:* markers in both threads and a recording
// captures the worker's HTTP traffic on the worker's own stream.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readChannelTrace } from './helpers/channels.js';
import { cli, lastJson, makeSocketDir, ROOT, startApp, waitUntil } from './helpers/control.js';

const APP = join(ROOT, 'test/fixtures/channels-listen-app.ts');

test('a worker started after listen() gets the catalogue and is recorded', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], { script: APP, nodeArgs: ['--import', 'tsx'] });
  const dir = join(sockets.dir, '..', 'trace');
  try {
    app.send('worker\n');
    await app.waitFor('worker-ready');
    const threads = await waitUntil(async () => {
      const listed = await cli(sockets.dir, [
        'list',
        '-p',
        String(app.pid),
        'node:http.*',
        '--json',
      ]);
      assert.equal(listed.code, 0, listed.stderr);
      const { markers } = lastJson<{ markers: { name: string; threads: number[] }[] }>(listed);
      const server = markers.find((m) => m.name === 'node:http.server_start');
      return server !== undefined && server.threads.length === 2 ? server.threads : undefined;
    }, 'node:http.server_start in both threads');
    assert.equal(threads.includes(0), true);

    const record = cli(sockets.dir, ['record', '-p', String(app.pid), 'node:http.*', '-o', dir]);
    // Recording has started in every thread once the worker's channel has a subscriber:
    // the worker answers `go` only after that, so retry until its request is recorded.
    await waitUntil(async () => {
      const listed = await cli(sockets.dir, [
        'list',
        '-p',
        String(app.pid),
        'node:http.server_end',
        '--json',
      ]);
      const { markers } = lastJson<{ markers: { threads: number[]; mode: string }[] }>(listed);
      return markers[0]?.mode === 'record' && markers[0].threads.length === 2 ? true : undefined;
    }, 'recording on in both threads');
    app.send('go\n');
    await app.waitFor('done 418');
    record.child.kill('SIGINT');
    const result = await record;
    assert.equal(result.code, 0, result.stderr);

    const events = await readChannelTrace(dir);
    const end = events.find((e) => e.name === 'node:http.server_end');
    assert.ok(end !== undefined, 'the worker request was recorded');
    assert.notEqual(end.threadId, 0, 'on the worker thread');
    assert.equal(end.fields.status, '418');
    assert.equal(end.fields.url, '/teapot');
    const client = events.find((e) => e.name === 'node:http.client_end');
    assert.equal(client?.fields.status, '418');
  } finally {
    await app.stop();
    sockets.remove();
  }
});
