/** count/hist/latency with a pattern that matches nothing name the closest markers; --later waits. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, makeSocketDir, startApp } from './helpers/control.js';

test('an aggregation over a typo gets ERR_UNKNOWN_MARKER with a suggestion', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['fire']);
  try {
    const r = await cli(sockets.dir, ['count', 'ap:*', '--duration', '1s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^markers: ERR_UNKNOWN_MARKER: .*; did you mean "app:\*"\?$/m);
    // --later waits for markers declared later instead.
    const later = await cli(sockets.dir, ['count', 'ap:*', '--duration', '1s', '--later']);
    assert.equal(later.code, 0, later.stderr);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
