import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, startApp } from './helpers/control.js';
import { bt2Read } from './helpers/judges.js';

test('two CLIs recording one target at once both get a complete trace', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=1', 'fire']);
  const a = join(sockets.dir, '..', 'a');
  const b = join(sockets.dir, '..', 'b');
  try {
    const [ra, rb] = await Promise.all([
      cli(sockets.dir, ['record', 'app:tick', '-o', a, '--duration', '2s']),
      cli(sockets.dir, ['record', 'worker:job', 'app:tick', '-o', b, '--duration', '2s']),
    ]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    const readA = bt2Read(a);
    const readB = bt2Read(b);
    assert.equal(readA.status, 0, readA.stderr);
    assert.equal(readB.status, 0, readB.stderr);
    const names = (read: typeof readA): string[] =>
      [...new Set(read.messages.flatMap((m) => (m.type === 'event' ? [m.name] : [])))].sort();
    assert.deepEqual(names(readA), ['app:tick']);
    assert.deepEqual(names(readB), ['app:tick', 'worker:job']);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
