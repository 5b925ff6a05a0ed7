/**
 * The built-in catalogue: Node core's and libraries' diagnostics channels as
 * markers. Payloads and versions are from /shared/reference/diagnostics-channels.md
 * (probed on Node 20.20 to 26.12); libraries' minimum versions are the
 * first releases known to publish the channel.
 *
 * Contract (DESIGN.md): the names and formats of node:http.* and
 * undici:request_* never change; entries may be added. Every operation with
 * a start and an end is an x_start/x_end pair whose x_end repeats the start's
 * fields, then its own, then `ms %f error %s`.
 */
import type { Marker } from '../marker/marker.js';
import { type CatalogueEntry, int, paired, plain, str, traced } from './kit.js';
import { errorText } from './pair.js';

/* Payload shapes, only as far as the catalogue reads them. */
interface HttpRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly path?: string;
}
interface HttpMessage {
  readonly request: HttpRequest;
  readonly response?: { readonly statusCode?: number };
  readonly error?: unknown;
}
interface UndiciMessage {
  readonly request: { readonly method?: string; readonly origin?: string; readonly path?: string };
  readonly response?: { readonly statusCode?: number };
  readonly error?: unknown;
}
interface Socketish {
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly type?: string;
}
interface DbContext {
  readonly query?: unknown;
  readonly database?: unknown;
  readonly serverAddress?: unknown;
  readonly serverPort?: unknown;
}
interface RedisContext extends DbContext {
  readonly command?: unknown;
  readonly args?: unknown;
  readonly batchMode?: unknown;
  readonly batchSize?: unknown;
  readonly connectionEpoch?: unknown;
}

function argsText(args: unknown, skip = 0): string {
  return Array.isArray(args) ? args.slice(skip).map(str).join(' ') : '';
}

const server = (c: DbContext): unknown[] => [str(c.serverAddress), int(c.serverPort)];

const core: CatalogueEntry[] = [
  paired({
    base: 'node:http.server',
    format: 'method %s url %s',
    endFormat: 'status %d',
    startChannel: 'http.server.request.start',
    endChannel: 'http.server.response.finish',
    about:
      'an HTTP request served, from its start to the response finished (aborted responses never end)',
    wire(pair, source) {
      source.feed('http.server.request.start', (m) => {
        const { request } = m as HttpMessage;
        pair.begin(request, [str(request.method), str(request.url)]);
      });
      source.feed('http.server.response.finish', (m) => {
        const { request, response } = m as HttpMessage;
        pair.finish(request, [int(response?.statusCode)]);
      });
    },
  }),
  paired({
    base: 'node:http.client',
    format: 'method %s host %s path %s',
    endFormat: 'status %d',
    startChannel: 'http.client.request.start',
    endChannel: 'http.client.response.finish',
    moreChannels: ['http.client.request.error'],
    about:
      'an outgoing http/https request, until its response headers arrive or it fails (status -1 then)',
    wire(pair, source) {
      source.feed('http.client.request.start', (m) => {
        const { request } = m as HttpMessage;
        pair.begin(request, [str(request.method), str(request.host), str(request.path)]);
      });
      source.feed('http.client.response.finish', (m) => {
        const { request, response } = m as HttpMessage;
        pair.finish(request, [int(response?.statusCode)]);
      });
      // Published from 20.17 / 22.6; subscribing earlier is harmless.
      source.feed('http.client.request.error', (m) => {
        const { request, error } = m as HttpMessage;
        const op = pair.get(request);
        if (op !== undefined) op.error = errorText(error);
        pair.finish(request, [-1]);
      });
    },
  }),
  paired({
    base: 'undici:request',
    format: 'method %s origin %s path %s',
    endFormat: 'status %d',
    startChannel: 'undici:request:create',
    endChannel: 'undici:request:trailers',
    moreChannels: ['undici:request:headers', 'undici:request:error'],
    about:
      'a fetch() or undici request, until its body has been read (trailers) or it fails; status from its headers',
    wire(pair, source) {
      source.feed('undici:request:create', (m) => {
        const { request } = m as UndiciMessage;
        pair.begin(request, [str(request.method), str(request.origin), str(request.path)]);
      });
      source.feed('undici:request:headers', (m) => {
        const { request, response } = m as UndiciMessage;
        const op = pair.get(request);
        if (op !== undefined) op.status = int(response?.statusCode);
      });
      source.feed('undici:request:trailers', (m) => {
        const { request } = m as UndiciMessage;
        pair.finish(request, [pair.get(request)?.status ?? -1]);
      });
      source.feed('undici:request:error', (m) => {
        const { request, error } = m as UndiciMessage;
        const op = pair.get(request);
        if (op === undefined) return;
        op.error = errorText(error);
        pair.finish(request, [op.status === 0 ? -1 : op.status]);
      });
    },
  }),
  plain(
    {
      name: 'node:net.server_socket',
      format: 'remote %s port %d',
      channel: 'net.server.socket',
      about: 'a TCP connection accepted by a net (or http) server',
    },
    (m: { socket: Socketish }) => [str(m.socket.remoteAddress), int(m.socket.remotePort)],
  ),
  plain(
    {
      name: 'node:net.client_socket',
      format: '',
      channel: 'net.client.socket',
      about: 'a TCP or IPC client socket created by net.connect (before it connects)',
    },
    () => [],
  ),
  // Core publishes a new object per event here: the server is the shared key.
  paired({
    base: 'node:net.server_listen',
    format: 'address %s port %d',
    startChannel: 'tracing:net.server.listen:asyncStart',
    endChannel: 'tracing:net.server.listen:asyncEnd',
    moreChannels: ['tracing:net.server.listen:error'],
    node: { 20: '20.16.0', 22: '22.3.0', 24: '24.0.0', 26: '26.0.0' },
    about: 'server.listen(), until the server listens or fails',
    wire(pair, source) {
      source.feed('tracing:net.server.listen:asyncStart', (m) => {
        const { server, options } = m as {
          server: object;
          options?: { host?: unknown; path?: unknown; port?: unknown };
        };
        pair.begin(server, [str(options?.host ?? options?.path), int(options?.port)]);
      });
      source.feed('tracing:net.server.listen:asyncEnd', (m) => {
        pair.finish((m as { server: object }).server);
      });
      // A failed listen publishes asyncStart then error, and no asyncEnd.
      source.feed('tracing:net.server.listen:error', (m) => {
        const { server, error } = m as { server: object; error?: unknown };
        const op = pair.get(server);
        if (op !== undefined) op.error = errorText(error);
        pair.finish(server);
      });
    },
  }),
  plain(
    {
      name: 'node:udp.socket',
      format: 'type %s',
      channel: 'udp.socket',
      about: 'a dgram socket created',
    },
    (m: { socket: Socketish }) => [str(m.socket.type)],
  ),
  {
    markers: [{ name: 'node:child_process', format: 'file %s pid %d', channel: 'child_process' }],
    channels: ['child_process'],
    about:
      'a child process spawned (also published for spawns that fail: pid -1); fired just after the spawn call returns',
    wire([m], source) {
      const marker = m as Marker;
      // Core publishes when the ChildProcess is constructed, before it spawns:
      // its file and pid are read in a microtask, once the spawn call returned.
      source.feed('child_process', (message) => {
        if (marker.fire === undefined) return;
        const child = (message as { process: { spawnfile?: string; pid?: number } }).process;
        queueMicrotask(() => {
          try {
            const fire = marker.fire as ((...args: unknown[]) => void) | undefined;
            if (fire !== undefined) fire(str(child.spawnfile), int(child.pid));
          } catch (error) {
            source.fail(error);
          }
        });
      });
    },
  },
  plain(
    {
      name: 'node:worker_threads',
      format: 'thread %d',
      channel: 'worker_threads',
      about: 'a worker thread created',
    },
    (m: { worker: { threadId?: number } }) => [int(m.worker.threadId)],
  ),
  plain(
    {
      name: 'node:process.execve',
      format: 'path %s args %d',
      channel: 'process.execve',
      node: { 22: '22.15.0', 24: '24.0.0', 26: '26.0.0' },
      about: 'process.execve() about to replace the process',
    },
    (m: { execPath?: string; args?: unknown }) => [
      str(m.execPath),
      Array.isArray(m.args) ? m.args.length : 0,
    ],
  ),
  traced({
    base: 'node:module.require',
    channel: 'module.require',
    format: 'id %s parent %s',
    node: { 22: '22.4.0', 24: '24.0.0', 26: '26.0.0' },
    about: 'a require() call, built-in modules included (while on, core wraps every require)',
    pick: (c: { id?: unknown; parentFilename?: unknown }) => [str(c.id), str(c.parentFilename)],
  }),
  traced({
    base: 'node:module.import',
    channel: 'module.import',
    format: 'url %s parent %s',
    node: { 22: '22.4.0', 24: '24.0.0', 26: '26.0.0' },
    about: 'an import() or static import resolved and loaded',
    pick: (c: { url?: unknown; id?: unknown; parentURL?: unknown }) => [
      str(c.url ?? c.id),
      str(c.parentURL),
    ],
  }),
];

// tracing:child_process.spawn publishes a new object per event: keyed by the process.
core.push(
  paired({
    base: 'node:child_process.spawn',
    format: 'file %s',
    startChannel: 'tracing:child_process.spawn:start',
    endChannel: 'tracing:child_process.spawn:end',
    moreChannels: ['tracing:child_process.spawn:error'],
    node: { 24: '24.15.0', 26: '26.0.0' },
    about: 'spawning a child process (synchronous part: until the spawn call returns)',
    wire(pair, source) {
      type Spawn = {
        process: object & { pid?: number };
        options?: { file?: unknown };
        error?: unknown;
      };
      source.feed('tracing:child_process.spawn:start', (m) => {
        const { process, options } = m as Spawn;
        pair.begin(process, [str(options?.file)]);
      });
      source.feed('tracing:child_process.spawn:error', (m) => {
        const { process, error } = m as Spawn;
        const op = pair.get(process);
        if (op !== undefined) op.error = errorText(error);
      });
      source.feed('tracing:child_process.spawn:end', (m) => {
        // The pid is not known yet when core publishes end: only the duration.
        pair.finish((m as Spawn).process);
      });
    },
  }),
);

const libraries: CatalogueEntry[] = [
  traced({
    base: 'fastify:handler',
    channel: 'fastify.request.handler',
    format: 'method %s url %s route %s',
    endFormat: 'status %d',
    library: { name: 'fastify', since: '5.0.0' },
    about: 'a fastify route handler, until it returns or its promise settles',
    pick: (c: { request?: { method?: unknown; url?: unknown }; route?: { url?: unknown } }) => [
      str(c.request?.method),
      str(c.request?.url),
      str(c.route?.url),
    ],
    pickEnd: (c: { reply?: { statusCode?: unknown } }) => [int(c.reply?.statusCode)],
    // fastify sets `async` on the context when the handler returned a promise.
    endsAt: (c: { async?: unknown }, errored) => errored || c.async !== true,
  }),
  ...(['query', 'execute'] as const).map((op) =>
    traced({
      base: `mysql2:${op}`,
      channel: `mysql2:${op}`,
      format: 'sql %s database %s server %s port %d',
      library: { name: 'mysql2', since: '3.20.0' },
      about: `connection.${op}(): the formatted SQL, until its result or error`,
      pick: (c: DbContext) => [str(c.query), str(c.database), ...server(c)],
    }),
  ),
  ...(
    [
      ['connect', 'mysql2:connect'],
      ['pool_connect', 'mysql2:pool:connect'],
    ] as const
  ).map(([event, channel]) =>
    traced({
      base: `mysql2:${event}`,
      channel,
      format: 'database %s server %s port %d',
      library: { name: 'mysql2', since: '3.20.0' },
      about: `a ${event === 'connect' ? 'connection' : 'pool connection'} opened`,
      pick: (c: DbContext) => [str(c.database), ...server(c)],
    }),
  ),
  traced({
    base: 'ioredis:command',
    channel: 'ioredis:command',
    format: 'command %s args %s database %d server %s port %d',
    library: { name: 'ioredis', since: '5.11.0' },
    about: 'one Redis command (arguments as ioredis sanitises them), until its reply',
    pick: (c: RedisContext) => [str(c.command), argsText(c.args), int(c.database), ...server(c)],
  }),
  traced({
    base: 'ioredis:batch',
    channel: 'ioredis:batch',
    format: 'mode %s size %d database %d server %s port %d',
    library: { name: 'ioredis', since: '5.11.0' },
    about: 'a MULTI or pipeline batch, until its replies',
    pick: (c: RedisContext) => [str(c.batchMode), int(c.batchSize), int(c.database), ...server(c)],
  }),
  traced({
    base: 'ioredis:connect',
    channel: 'ioredis:connect',
    format: 'server %s port %d epoch %d',
    library: { name: 'ioredis', since: '5.11.0' },
    about: 'a connection to Redis, until it is ready',
    pick: (c: RedisContext) => [...server(c), int(c.connectionEpoch)],
  }),
  traced({
    base: 'node-redis:command',
    channel: 'node-redis:command',
    format: 'command %s args %s database %d server %s port %d',
    library: { name: '@redis/client', since: '5.12.0' },
    about: 'one Redis command of @redis/client, until its reply',
    pick: (c: RedisContext) => [
      str(Array.isArray(c.args) ? c.args[0] : c.command),
      argsText(c.args, 1),
      int(c.database),
      ...server(c),
    ],
  }),
  ...(['batch', 'connect'] as const).map((op) =>
    traced({
      base: `node-redis:${op}`,
      channel: `node-redis:${op}`,
      format: 'server %s port %d',
      library: { name: '@redis/client', since: '5.12.0' },
      about:
        op === 'batch' ? 'a MULTI or pipeline of @redis/client' : 'a connection of @redis/client',
      pick: (c: RedisContext) => server(c),
    }),
  ),
  ...(['parse', 'validate', 'execute', 'subscribe'] as const).map((op) =>
    traced({
      base: `graphql:${op}`,
      channel: `graphql:${op}`,
      format: '',
      library: { name: 'graphql', since: '17.1.0' },
      about: `graphql ${op}()`,
      pick: () => [],
    }),
  ),
  traced({
    base: 'graphql:resolve',
    channel: 'graphql:resolve',
    format: 'field %s alias %s parent %s type %s path %s',
    library: { name: 'graphql', since: '17.1.0' },
    about: 'one field resolver',
    pick: (c: {
      fieldName?: unknown;
      alias?: unknown;
      parentType?: unknown;
      fieldType?: unknown;
      fieldPath?: unknown;
    }) => [str(c.fieldName), str(c.alias), str(c.parentType), str(c.fieldType), str(c.fieldPath)],
  }),
  traced({
    base: 'pino:as_json',
    channel: 'pino_asJson',
    format: 'level %d msg %s',
    library: { name: 'pino', since: '10.4.0' },
    about: 'pino serialising one log line (level number and message)',
    pick: (c: { arguments?: ArrayLike<unknown> }) => [
      int(c.arguments?.[2]),
      typeof c.arguments?.[1] === 'string' ? c.arguments[1] : '',
    ],
  }),
  ...(
    [
      ['query', 'mongoose:query'],
      ['aggregate', 'mongoose:aggregate'],
      ['save', 'mongoose:model:save'],
      ['insert_many', 'mongoose:model:insertMany'],
      ['bulk_write', 'mongoose:model:bulkWrite'],
    ] as const
  ).map(([event, channel]) =>
    traced({
      base: `mongoose:${event}`,
      channel,
      format: 'operation %s collection %s database %s server %s port %d',
      library: { name: 'mongoose', since: '9.12.0' },
      about: `mongoose ${channel.slice('mongoose:'.length)}`,
      pick: (c: DbContext & { operation?: unknown; collection?: unknown }) => [
        str(c.operation),
        str(c.collection),
        str(c.database),
        ...server(c),
      ],
    }),
  ),
  traced({
    base: 'h3:request',
    channel: 'h3.request',
    format: 'method %s url %s type %s',
    library: { name: 'h3', since: '2.0.8' },
    about: 'an h3 handler or middleware',
    pick: (c: { event?: { req?: { method?: unknown; url?: unknown } }; type?: unknown }) => [
      str(c.event?.req?.method),
      str(c.event?.req?.url),
      str(c.type),
    ],
  }),
  traced({
    base: 'srvx:request',
    channel: 'srvx.request',
    format: 'method %s url %s',
    library: { name: 'srvx', since: '1.0.8' },
    about: 'a request served by srvx',
    pick: (c: { request?: { method?: unknown; url?: unknown } }) => [
      str(c.request?.method),
      str(c.request?.url),
    ],
  }),
  traced({
    base: 'srvx:middleware',
    channel: 'srvx.middleware',
    format: 'method %s url %s name %s',
    library: { name: 'srvx', since: '1.0.8' },
    about: 'one srvx middleware',
    pick: (c: { request?: { method?: unknown; url?: unknown }; middleware?: unknown }) => [
      str(c.request?.method),
      str(c.request?.url),
      typeof c.middleware === 'function' ? c.middleware.name : '',
    ],
  }),
];

/** Every entry, Node core's first, in the order of the docs table. */
export const CATALOGUE: readonly CatalogueEntry[] = [...core, ...libraries];
