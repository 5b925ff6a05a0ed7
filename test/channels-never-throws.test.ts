// Never breaks the publisher: a channel subscriber's exception would become
// an uncaught exception of the application. A pick that throws, a pick that
// returns no argument list, a value of the wrong type and a recording that
// is stopped all leave publish() returning normally; failures are counted
// and reported once (ERR_CHANNEL_PICK).
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
  record,
  tracingChannelMarker,
} from '../src/index.js';
import { eventsOf, readAll } from './helpers/judges.js';
import { captureWarnings } from './helpers/warnings.js';

test('a failing pick is caught, counted and reported once', async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    uncaught.push(error);
  };
  process.on('uncaughtException', onUncaught);
  try {
    const channel = dc.channel('test:never-throws');
    const m = channelMarker(channel, 'nt:event', 'n %d', (msg: { n: number }) => {
      if (msg.n === 2) throw new Error('pick failed');
      if (msg.n === 3) return 'not a list' as unknown as [number];
      return [msg.n];
    });
    const seen: (number | bigint)[] = [];
    const probe = connect(m, (_m, n) => {
      seen.push(n);
    });
    const warnings = await captureWarnings(() => {
      for (const n of [1, 2, 3, 2, 4]) channel.publish({ n });
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, [1, 4]);
    assert.deepEqual(uncaught, []);
    const ours = warnings.filter((w) => (w as { code?: string }).code === 'ERR_CHANNEL_PICK');
    assert.equal(ours.length, 1);
    assert.match(ours[0]?.message ?? '', /nt:event/);
    assert.match(ours[0]?.message ?? '', /pick failed/);
    assert.equal(channelStats().find((s) => s.markers.includes('nt:event'))?.errors, 3);
    await probe.disconnect();
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});

test('wrong value types are coerced, and a stopped recording drops nothing into the publisher', async () => {
  const channel = dc.channel('test:never-throws-values');
  const m = channelMarker(channel, 'nt:values', 'n %d s %s', (msg: { n: unknown; s: unknown }) => [
    msg.n as number,
    msg.s as string,
  ]);
  const root = mkdtempSync(join(tmpdir(), 'markers-nt-'));
  try {
    const recording = await record({ markers: 'nt:values', output: join(root, 'trace') });
    const hostile = {
      toString() {
        throw new Error('no string for you');
      },
    };
    assert.doesNotThrow(() => {
      channel.publish({ n: Symbol('x'), s: hostile });
      channel.publish({ n: 1n << 70n, s: undefined });
    });
    await recording.stop();
    assert.doesNotThrow(() => channel.publish({ n: 1, s: 'after stop' }));
    assert.equal(channel.hasSubscribers, false);
    assert.equal(m.enabled, false);
    const { records, error } = await readAll(join(root, 'trace'));
    assert.equal(error, undefined);
    assert.deepEqual(
      eventsOf(records).map((e) => e.fields),
      [
        { n: 0, s: '[unprintable]' },
        { n: 2n ** 63n - 1n, s: 'undefined' },
      ],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a tracing pair whose pick throws still lets the traced function run and return', async () => {
  const tc = dc.tracingChannel<{ key: string }>('test:never-throws-traced');
  const pair = tracingChannelMarker(tc, 'nt:op', 'key %s', () => {
    throw new Error('bad context');
  });
  const probe = connect(pair.end, () => {});
  const result = await captureWarnings(async () => {
    assert.equal(await tc.tracePromise(async () => 42, { key: 'k' }), 42);
    assert.equal(
      tc.traceSync(() => 7, { key: 'k' }),
      7,
    );
  });
  assert.equal(
    result.filter((w) => (w as { code?: string }).code === 'ERR_CHANNEL_PICK').length,
    1,
  );
  await probe.disconnect();
});
