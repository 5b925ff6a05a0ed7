// Zero cost while off: a channel marker holds no subscription on its channel
// while it is disabled, so the publisher's hasSubscribers stays false; a
// probe or a recording subscribes it, and the last one leaving unsubscribes
// it, through any number of cycles. The catalogue behaves the same.
import assert from 'node:assert/strict';
import * as dc from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  channelMarker,
  channelStats,
  connect,
  installCatalogue,
  record,
  tracingChannelMarker,
} from '../src/index.js';

test('a channel marker subscribes only while enabled, by probe or by recording', async () => {
  const channel = dc.channel('test:zero-cost');
  const m = channelMarker(channel, 'zc:event', 'n %d', (msg: { n: number }) => [msg.n]);
  assert.equal(m.location, 'diagnostics_channel:test:zero-cost');
  assert.equal(channel.hasSubscribers, false);
  const seen: (number | bigint)[] = [];
  const a = connect(m, (_m, n) => {
    seen.push(n);
  });
  const b = connect('zc:*', () => {});
  assert.equal(channel.hasSubscribers, true);
  channel.publish({ n: 1 });
  await a.disconnect();
  assert.equal(channel.hasSubscribers, true, 'one probe is still connected');
  await b.disconnect();
  assert.equal(channel.hasSubscribers, false);
  channel.publish({ n: 2 });
  assert.deepEqual(seen, [1]);

  const root = mkdtempSync(join(tmpdir(), 'markers-zc-'));
  try {
    const recording = await record({ markers: 'zc:*', output: join(root, 'trace') });
    assert.equal(channel.hasSubscribers, true);
    await recording.stop();
    assert.equal(channel.hasSubscribers, false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  for (let i = 0; i < 1000; i++) {
    const p = connect(m, () => {});
    await p.disconnect();
  }
  assert.equal(channel.hasSubscribers, false);
  const info = channelStats().find((s) => s.markers.includes('zc:event'));
  assert.deepEqual(info, {
    channels: ['test:zero-cost'],
    markers: ['zc:event'],
    subscribed: false,
    errors: 0,
  });
});

test('a tracing channel marker pair subscribes the tracing channel while either is on', async () => {
  const tc = dc.tracingChannel<{ key: string }>('test:zc-traced');
  const pair = tracingChannelMarker(tc, 'zc:op', 'key %s', (c: { key: string }) => [c.key]);
  assert.equal(pair.start.name, 'zc:op_start');
  assert.equal(pair.end.format, 'key %s ms %f error %s');
  assert.equal(tc.start.hasSubscribers, false);
  assert.equal(tc.asyncEnd.hasSubscribers, false);
  const p = connect(pair.end, () => {});
  assert.equal(tc.start.hasSubscribers, true, 'the end needs the start to measure ms');
  assert.equal(tc.asyncEnd.hasSubscribers, true);
  await p.disconnect();
  assert.equal(tc.start.hasSubscribers, false);
  assert.equal(tc.end.hasSubscribers, false);
  assert.equal(tc.asyncEnd.hasSubscribers, false);
  assert.equal(tc.error.hasSubscribers, false);
});

test('the catalogue holds no subscription until one of its markers is enabled', async () => {
  const names = await installCatalogue();
  assert.ok(names.includes('node:http.server_start'));
  const start = dc.channel('http.server.request.start');
  const finish = dc.channel('http.server.response.finish');
  const undici = dc.channel('undici:request:create');
  assert.equal(start.hasSubscribers, false);
  assert.equal(finish.hasSubscribers, false);
  const p = connect('node:http.server_end', () => {});
  assert.equal(start.hasSubscribers, true);
  assert.equal(finish.hasSubscribers, true);
  assert.equal(undici.hasSubscribers, false, 'other entries stay off');
  await p.disconnect();
  assert.equal(start.hasSubscribers, false);
  assert.equal(finish.hasSubscribers, false);
  assert.ok(channelStats().every((s) => !s.subscribed));
});
