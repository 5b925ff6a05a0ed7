import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, makeSocketDir, startApp } from './helpers/control.js';

test('tail prints live events as text, or as JSON lines, until its duration ends', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=1', 'fire']);
  try {
    const text = await cli(sockets.dir, ['tail', 'app:tick', '--duration', '1500ms']);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.ok(lines.length > 0);
    for (const line of lines) {
      assert.match(
        line,
        /^\[\d\d:\d\d:\d\d\.\d{9}\] \(.+\) .+ app:tick: \{ n = \d+, label = "main" \}$/,
      );
    }

    const json = await cli(sockets.dir, ['tail', 'worker:*', '--duration', '1500ms', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const records = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { marker: string });
    assert.ok(records.length > 0);
    assert.ok(records.every((r) => r.marker === 'worker:job'));
  } finally {
    await app.stop();
    sockets.remove();
  }
});
