// A client that pipelines requests and never reads its replies must not grow
// the target: the server stops reading from it (its requests wait in the
// kernel's socket buffers) once replies queue up, and answers every request
// in full once the client reads again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeSocketDir, startApp, waitUntil, wakeControl } from './helpers/control.js';
import { open, request } from './helpers/raw-control.js';

interface Usage {
  connections: number;
  queuedReplyBytes: number;
  queuedCommands: number;
  pausedConnections: number;
}

const REQUESTS = 200_000;

/** The resident set of `pid`, in bytes, from /proc. */
function vmRss(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

test('a client that never reads its replies is paused, the target holds at most about a MiB for it', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir);
  // Raw connections go to the control worker, not to the doorbell before it.
  await wakeControl(sockets.dir, app.pid);
  const path = join(sockets.dir, `${app.pid}.sock`);
  try {
    const usage = async (): Promise<Usage | undefined> =>
      (await request<{ control?: Usage }>(path, 'stats')).control;
    const rssBefore = vmRss(app.pid);

    const flood = await open(path);
    flood.pause(); // never reads
    const lines: string[] = [];
    for (let id = 1; id <= REQUESTS; id++) lines.push(JSON.stringify({ v: 1, id, cmd: 'info' }));
    flood.write(`${lines.join('\n')}\n`);

    // Either the server stops reading from it (paused, replies queued), or it
    // has read every request, and the replies pile up somewhere.
    const outcome = await waitUntil(async () => {
      if (flood.writableLength === 0) return 'read everything';
      const u = await usage();
      return u !== undefined && u.pausedConnections >= 1 && u.queuedReplyBytes > 0
        ? 'paused'
        : undefined;
    }, 'the server to pause the flooding connection, or to read all of it');
    // 200,000 replies are about 80 MB: none of that may sit in the target.
    const grown = vmRss(app.pid) - rssBefore;
    assert.ok(grown < 48 << 20, `the target's RSS grew by ${(grown / 2 ** 20).toFixed(1)} MiB`);
    assert.equal(outcome, 'paused');
    const held = (await usage()) as Usage;
    assert.ok(held.queuedReplyBytes < 2 << 20, `queued ${held.queuedReplyBytes} reply bytes`);
    assert.ok(held.queuedCommands < 10_000, `${held.queuedCommands} commands read and waiting`);

    // Reading again, the client gets every reply, once each.
    const seen = new Set<number>();
    let text = '';
    const done = new Promise<void>((resolve) => {
      flood.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        let nl = text.indexOf('\n');
        while (nl >= 0) {
          const reply = JSON.parse(text.slice(0, nl)) as { id: number; ok: boolean };
          assert.equal(reply.ok, true);
          seen.add(reply.id);
          text = text.slice(nl + 1);
          nl = text.indexOf('\n');
        }
        if (seen.size === REQUESTS) resolve();
      });
    });
    flood.resume();
    await done;
    flood.destroy();
    const after = await waitUntil(async () => {
      const u = await usage();
      return u?.connections === 1 ? u : undefined;
    }, 'the flooding connection to be gone');
    assert.equal(after.queuedReplyBytes, 0);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
