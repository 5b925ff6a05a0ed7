// Catalogue entries of libraries that need a server Debian cannot start in
// CI (mysql2, @redis/client, mongoose) or that are not installed here
// (graphql 17, h3, srvx): NOT the libraries themselves. Each is tested by
// publishing the payload shape documented for it (shared/reference/
// diagnostics-channels.md) on its real channel name, with the real
// TracingChannel methods the libraries use, in an application directory
// where the library's package.json declares a version that has the channel.
// pino is real: the devDependency, through its own tracing channel.
import assert from 'node:assert/strict';
import * as dc from 'node:diagnostics_channel';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { connect, installCatalogue, listMarkers } from '../src/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const app = mkdtempSync(join(tmpdir(), 'markers-libs-'));
const installed: Record<string, string> = {
  mysql2: '3.20.0',
  '@redis/client': '5.12.1',
  mongoose: '9.12.0',
  h3: '2.0.8',
  srvx: '1.0.8',
  graphql: '16.9.0', // too old: its markers must not be declared
};
for (const [name, version] of Object.entries(installed)) {
  mkdirSync(join(app, 'node_modules', name), { recursive: true });
  writeFileSync(join(app, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
}
// Libraries are looked for from the app directory, then from the repository (pino, fastify, ioredis).
const names = await installCatalogue({ from: [app, ROOT] });
after(() => rmSync(app, { recursive: true, force: true }));

type Args = unknown[];
async function capture(
  pattern: string,
  run: () => Promise<unknown> | unknown,
): Promise<Map<string, Args[]>> {
  const seen = new Map<string, Args[]>();
  const probe = connect(pattern, (m, ...args) => {
    seen.set(m.name, [...(seen.get(m.name) ?? []), args]);
  });
  try {
    await run();
  } finally {
    await probe.disconnect();
  }
  return seen;
}

function withoutMs(args: Args | undefined): Args {
  assert.ok(args !== undefined);
  const ms = args.at(-2);
  assert.equal(typeof ms, 'number');
  assert.ok((ms as number) >= 0 && (ms as number) < 10_000);
  return [...args.slice(0, -2), args.at(-1)];
}

test('entries are declared only for libraries installed in a version with the channel', () => {
  assert.ok(names.includes('mysql2:query_start'));
  assert.ok(names.includes('node-redis:command_end'));
  assert.ok(names.includes('pino:as_json_end'));
  assert.ok(names.includes('fastify:handler_end'));
  assert.ok(names.includes('ioredis:command_end'));
  assert.equal(names.filter((n) => n.startsWith('graphql:')).length, 0, 'graphql 16 has none');
  assert.equal(listMarkers('graphql:*').length, 0);
  const major = Number(process.versions.node.split('.')[0]);
  const [minor] = process.versions.node.split('.').slice(1).map(Number) as [number];
  const requireTraced = major > 22 || (major === 22 && minor >= 4);
  assert.equal(names.includes('node:module.require_start'), requireTraced);
  assert.equal(
    names.includes('node:child_process.spawn_start'),
    major >= 26 || (major === 24 && minor >= 15),
  );
});

test('mysql2: tracing:mysql2:query via tracePromise, result and rejection (payload published by the test)', async () => {
  const tc = dc.tracingChannel('mysql2:query');
  const context = () => ({
    query: 'SELECT * FROM users WHERE id = 1',
    values: [1],
    database: 'app',
    serverAddress: '10.0.0.5',
    serverPort: 3306,
  });
  const seen = await capture('mysql2:*', async () => {
    await tc.tracePromise(async () => [{ id: 1 }], context());
    await tc
      .tracePromise(async () => {
        throw new Error("Table 'app.users' doesn't exist");
      }, context())
      .catch(() => {});
  });
  assert.deepEqual(seen.get('mysql2:query_start'), [
    ['SELECT * FROM users WHERE id = 1', 'app', '10.0.0.5', 3306],
    ['SELECT * FROM users WHERE id = 1', 'app', '10.0.0.5', 3306],
  ]);
  const ends = seen.get('mysql2:query_end') ?? [];
  assert.deepEqual(withoutMs(ends[0]), [
    'SELECT * FROM users WHERE id = 1',
    'app',
    '10.0.0.5',
    3306,
    '',
  ]);
  assert.deepEqual(withoutMs(ends[1]), [
    'SELECT * FROM users WHERE id = 1',
    'app',
    '10.0.0.5',
    3306,
    "Table 'app.users' doesn't exist",
  ]);
});

test('mysql2: traceCallback ends when the callback runs (payload published by the test)', async () => {
  const tc = dc.tracingChannel('mysql2:execute');
  const seen = await capture(
    'mysql2:execute_end',
    () =>
      new Promise<void>((resolve) => {
        tc.traceCallback(
          (cb: (error: null, rows: unknown[]) => void) => setTimeout(() => cb(null, []), 20),
          0,
          { query: 'UPDATE t SET a = 1', database: 'app', serverAddress: 'db', serverPort: 3307 },
          undefined,
          () => resolve(),
        );
      }),
  );
  const [end] = seen.get('mysql2:execute_end') ?? [];
  assert.deepEqual(withoutMs(end), ['UPDATE t SET a = 1', 'app', 'db', 3307, '']);
  assert.ok((end?.at(-2) as number) >= 19);
});

test('@redis/client: tracing:node-redis:command, args[0] is the command (payload published by the test)', async () => {
  const tc = dc.tracingChannel('node-redis:command');
  const seen = await capture('node-redis:command_end', () =>
    tc.tracePromise(async () => 'OK', {
      command: 'SET',
      args: ['SET', 'session:1', '?'],
      database: 2,
      clientId: 'c1',
      serverAddress: '127.0.0.1',
      serverPort: 6379,
    }),
  );
  assert.deepEqual(withoutMs(seen.get('node-redis:command_end')?.[0]), [
    'SET',
    'session:1 ?',
    2,
    '127.0.0.1',
    6379,
    '',
  ]);
});

test('mongoose, h3 and srvx contexts (payloads published by the test)', async () => {
  const seen = await capture('*', async () => {
    await dc.tracingChannel('mongoose:query').tracePromise(async () => [], {
      operation: 'find',
      collection: 'users',
      database: 'app',
      serverAddress: 'mongo',
      serverPort: 27017,
      args: [{}],
    });
    await dc.tracingChannel('h3.request').tracePromise(async () => 'ok', {
      event: { req: { method: 'GET', url: 'http://localhost/h3' } },
      type: 'route',
    });
    function auth(): void {}
    dc.tracingChannel('srvx.middleware').traceSync(() => undefined, {
      request: { method: 'POST', url: 'http://localhost/x' },
      server: {},
      middleware: auth,
    });
  });
  assert.deepEqual(withoutMs(seen.get('mongoose:query_end')?.[0]), [
    'find',
    'users',
    'app',
    'mongo',
    27017,
    '',
  ]);
  assert.deepEqual(withoutMs(seen.get('h3:request_end')?.[0]), [
    'GET',
    'http://localhost/h3',
    'route',
    '',
  ]);
  assert.deepEqual(withoutMs(seen.get('srvx:middleware_end')?.[0]), [
    'POST',
    'http://localhost/x',
    'auth',
    '',
  ]);
});

test('pino: a real logger, through its own tracing:pino_asJson channel', async () => {
  const lines: string[] = [];
  const logger = pino(
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const seen = await capture('pino:*', () => {
    logger.info('hello %s', 'world');
    logger.error('bad');
  });
  assert.deepEqual(seen.get('pino:as_json_start'), [
    [30, 'hello world'],
    [50, 'bad'],
  ]);
  assert.deepEqual(withoutMs(seen.get('pino:as_json_end')?.[1]), [50, 'bad', '']);
  assert.equal(lines.length, 2);
});
