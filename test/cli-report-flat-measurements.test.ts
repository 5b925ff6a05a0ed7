/**
 * A flat report mixing counts with measurements is printed as lines, not as
 * bars on one scale; a flat report of counts alone is still drawn as bars.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, makeSocketDir, startApp } from './helpers/control.js';
import { moduleDir } from './helpers/probe-modules.js';

test('a flat report with averages is printed as key: value lines', async () => {
  const sockets = makeSocketDir();
  const dir = await moduleDir();
  const app = await startApp(sockets.dir);
  try {
    const stats = await dir.write(
      'stats.mjs',
      `export default { name: 'stats', probes: { 'app:tick': () => {} },
  report() { return { calls: 1200, avg: 2.5312345, p99: 41.25 }; } };\n`,
    );
    const counts = await dir.write(
      'counts.mjs',
      `export default { name: 'counts', probes: { 'app:tick': () => {} },
  report() { return { GET: 40, POST: 10 }; } };\n`,
    );
    for (const file of [stats, counts]) {
      const loaded = await cli(sockets.dir, ['load', file]);
      assert.equal(loaded.code, 0, loaded.stderr);
    }
    const flat = await cli(sockets.dir, ['report', 'stats']);
    assert.equal(flat.code, 0, flat.stderr);
    assert.doesNotMatch(flat.stdout, /│|█/);
    assert.match(flat.stdout, /^ {2}calls: 1200$/m);
    assert.match(flat.stdout, /^ {2}avg: {3}2\.531$/m);
    assert.match(flat.stdout, /^ {2}p99: {3}41\.25$/m);

    const bars = await cli(sockets.dir, ['report', 'counts']);
    assert.match(bars.stdout, /GET │ 40 █+\n/);
    assert.match(bars.stdout, /POST │ 10 █+\n/);
  } finally {
    await app.stop();
    await dir.remove();
    sockets.remove();
  }
});
