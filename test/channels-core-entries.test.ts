// Node core's other catalogue entries on the running Node version, with
// real operations: net listen (and a failed one), a connection, a dgram
// socket, a child process, a worker, require() and import(); entries only
// where the channel exists for this version.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { connect, installCatalogue } from '../src/index.js';

const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const atLeast = (lines: Record<number, number>): boolean =>
  lines[major] !== undefined ? minor >= (lines[major] as number) : major > 26;

test('net, dgram, child_process, worker_threads, module.require and module.import', async () => {
  const names = await installCatalogue();
  const seen: [string, unknown[]][] = [];
  const probe = connect('node:*', (m, ...args) => {
    if (!m.name.startsWith('node:http')) seen.push([m.name, args]);
  });
  try {
    const server = net.createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const clash = net.createServer();
    clash.listen(port, '127.0.0.1');
    await once(clash, 'error');
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'close');
    server.close();

    const udp = dgram.createSocket('udp4');
    udp.close();

    const child = spawn(process.execPath, ['-e', '0']);
    await once(child, 'exit');

    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(1)', {
      eval: true,
    });
    await once(worker, 'exit');

    createRequire(import.meta.url)('node:path');
    const url = 'data:text/javascript,export default 1';
    await import(url);
  } finally {
    await probe.disconnect();
  }
  const of = (name: string) => seen.filter(([n]) => n === name).map(([, args]) => args);

  assert.ok(of('node:net.server_socket').some(([remote]) => remote === '127.0.0.1'));
  assert.ok(of('node:net.client_socket').length >= 1);
  assert.deepEqual(of('node:udp.socket'), [['udp4']]);
  assert.ok(
    of('node:child_process').some(
      ([file, pid]) => file === process.execPath && (pid as number) > 0,
    ),
  );
  assert.ok(of('node:worker_threads').some(([thread]) => (thread as number) > 0));

  if (atLeast({ 20: 16, 22: 3, 24: 0, 26: 0 })) {
    const ends = of('node:net.server_listen_end');
    assert.equal(ends.length, 2, JSON.stringify(ends));
    assert.deepEqual(ends[0]?.slice(0, 2), ['127.0.0.1', 0]);
    assert.equal(ends[0]?.at(-1), '');
    assert.match(String(ends[1]?.at(-1)), /EADDRINUSE/);
  } else assert.equal(names.includes('node:net.server_listen_end'), false);

  if (atLeast({ 22: 4, 24: 0, 26: 0 })) {
    const required = of('node:module.require_end').find(([id]) => id === 'node:path');
    assert.ok(required !== undefined, 'require("node:path") traced');
    assert.equal(required.at(-1), '');
    const imported = of('node:module.import_end').find(([url]) => String(url).startsWith('data:'));
    assert.ok(imported !== undefined, 'import(data:) traced');
  } else {
    assert.equal(names.includes('node:module.require_start'), false);
    assert.equal(names.includes('node:module.import_start'), false);
  }

  if (atLeast({ 24: 15, 26: 0 })) {
    const spawned = of('node:child_process.spawn_end').find(([file]) => file === process.execPath);
    assert.ok(spawned !== undefined);
    assert.equal(spawned.at(-1), '');
  } else assert.equal(names.includes('node:child_process.spawn_start'), false);
});
