// Node's own channels as markers, end to end on an application with no
// markers in it: a real HTTP server, http client and fetch in a child process
// started with the control server on. `markers list` shows the contract
// markers with their channel as location; `markers record` (from the CLI)
// writes a trace that babeltrace2 and bt2 read, with the methods, status
// codes and an `ms` that covers the handler's known delay; the Perfetto
// conversion has one slice per request. The publishers' hasSubscribers is
// false before and after the recording, true during it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ask, type ChannelEvent, readChannelTrace, waitSubscribers } from './helpers/channels.js';
import { cli, lastJson, makeSocketDir, ROOT, startApp } from './helpers/control.js';
import { decodePerfetto } from './helpers/decoders.js';
import { babeltrace2 } from './helpers/judges.js';

const APP = join(ROOT, 'test/fixtures/channels-app.ts');
const SLOW_MS = 150;

const CONTRACT: Record<string, string> = {
  'node:http.server_start': 'method %s url %s',
  'node:http.server_end': 'method %s url %s status %d ms %f error %s',
  'node:http.client_start': 'method %s host %s path %s',
  'node:http.client_end': 'method %s host %s path %s status %d ms %f error %s',
  'undici:request_start': 'method %s origin %s path %s',
  'undici:request_end': 'method %s origin %s path %s status %d ms %f error %s',
};

function field(event: ChannelEvent, name: string): string {
  return String(event.fields[name] ?? '');
}

test('http server, http client and fetch traced through node:* and undici:* markers', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], { script: APP });
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const listed = await cli(sockets.dir, ['list', '-p', String(app.pid), '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const { markers } = lastJson<{
      markers: { name: string; format: string; locations: string[] }[];
    }>(listed);
    for (const [name, format] of Object.entries(CONTRACT)) {
      const m = markers.find((x) => x.name === name);
      assert.ok(m !== undefined, `${name} listed`);
      assert.equal(m.format, format);
    }
    assert.deepEqual(markers.find((x) => x.name === 'node:http.server_start')?.locations, [
      'diagnostics_channel:http.server.request.start',
    ]);

    await waitSubscribers(app, 'false false false false');
    const record = cli(sockets.dir, [
      'record',
      '-p',
      String(app.pid),
      'node:http.*',
      'undici:*',
      '-o',
      dir,
      '--json',
    ]);
    await waitSubscribers(app, 'true true true false');
    const codes = await ask(app, 'go', 'done');
    assert.equal(codes, 'done 200,201,200,404,201');
    // Everything fired before `done` is in the ring; stop the recording as Ctrl-C does.
    record.child.kill('SIGINT');
    const result = await record;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(lastJson<{ lost: number }>(result).lost, 0);
    await waitSubscribers(app, 'false false false false');

    const events = await readChannelTrace(dir);
    const named = (name: string) => events.filter((e) => e.name === name);

    const serverEnds = named('node:http.server_end');
    assert.equal(named('node:http.server_start').length, 5);
    assert.deepEqual(
      serverEnds
        .map((e) => `${field(e, 'method')} ${field(e, 'url')} ${field(e, 'status')}`)
        .sort(),
      ['GET /missing 404', 'GET /slow 200', 'GET /slow 200', 'POST /echo 201', 'POST /echo 201'],
    );
    for (const e of serverEnds) {
      assert.equal(field(e, 'error'), '');
      const ms = Number(field(e, 'ms'));
      if (field(e, 'url') === '/slow') {
        // The handler waits SLOW_MS; a loaded machine only ever adds to it.
        assert.ok(ms >= SLOW_MS - 2 && ms < SLOW_MS + 10_000, `server ms ${ms}`);
      } else assert.ok(ms >= 0 && ms < 10_000);
    }

    const clientEnds = named('node:http.client_end');
    assert.deepEqual(
      clientEnds
        .map(
          (e) =>
            `${field(e, 'method')} ${field(e, 'host')} ${field(e, 'path')} ${field(e, 'status')}`,
        )
        .sort(),
      ['GET 127.0.0.1 /slow 200', 'POST 127.0.0.1 /echo 201'],
    );
    const slowClient = clientEnds.find((e) => field(e, 'path') === '/slow') as ChannelEvent;
    assert.ok(Number(field(slowClient, 'ms')) >= SLOW_MS - 2);

    const fetchEnds = named('undici:request_end');
    assert.deepEqual(
      fetchEnds
        .map((e) => `${field(e, 'method')} ${field(e, 'path')} ${field(e, 'status')}`)
        .sort(),
      ['GET /missing 404', 'GET /slow 200', 'POST /echo 201'],
    );
    for (const e of fetchEnds) assert.match(field(e, 'origin'), /^http:\/\/127\.0\.0\.1:\d+$/);
    const slowFetch = fetchEnds.find((e) => field(e, 'path') === '/slow') as ChannelEvent;
    assert.ok(Number(field(slowFetch, 'ms')) >= SLOW_MS - 2);

    const text = babeltrace2(dir);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /node:http\.server_end: .*status = 404/);

    // Perfetto: every request is one slice, begun and ended on its thread's lanes.
    const out = join(sockets.dir, '..', 'trace.perfetto-trace');
    const converted = await cli(sockets.dir, ['convert', dir, '--to', 'perfetto', '-o', out]);
    assert.equal(converted.code, 0, converted.stderr);
    const decoded = decodePerfetto(readFileSync(out));
    const count = (name: string) => decoded.events.filter((e) => e.name === name).length;
    assert.equal(count('B:node:http.server'), 5);
    assert.equal(count('E:node:http.server'), 5);
    assert.equal(count('E:node:http.client'), 2);
    assert.equal(count('E:undici:request'), 3);
    assert.equal(decoded.events.filter((e) => e.name.startsWith('I:')).length, 0);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
