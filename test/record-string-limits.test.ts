// Oversized strings are cut at a character boundary and end with "…", within
// maxStringBytes, and counted; an event larger than a sub-buffer is dropped
// and counted as discarded (and too large), never thrown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker, record } from '../src/index.js';
import { bt2Read } from './helpers/judges.js';
import { bt2Events, bt2Value, freshDir } from './helpers/record.js';

const one = marker('limits:one', 's %s');
const many = marker('limits:many', 'a %s b %s c %s d %s e %s');

test('long strings are truncated visibly and counted; too-large events are dropped and counted', async () => {
  const { out } = freshDir();
  const recording = await record({
    markers: 'limits:*',
    output: out,
    subBufferSize: 4096,
    maxStringBytes: 1000,
  });
  one.fire?.('a'.repeat(5000));
  one.fire?.('é'.repeat(999)); // 1998 bytes of UTF-8: cut between two characters
  one.fire?.('🎉'.repeat(600));
  one.fire?.('fits');
  const big = 'x'.repeat(1000);
  many.fire?.(big, big, big, big, big); // 5 x 1001 bytes > one 4096-byte packet
  const stats = await recording.stop();
  const thread = stats.threads[0];
  assert.equal(thread?.truncated, 3);
  assert.equal(thread?.tooLarge, 1);
  assert.equal(stats.discarded, 1);
  assert.equal(stats.recorded, 4);

  const { messages, status, stderr } = bt2Read(out);
  assert.equal(status, 0, stderr);
  const strings = bt2Events(messages).map((e) => bt2Value(e.fields.s) as string);
  assert.equal(strings.length, 4);
  for (const s of strings.slice(0, 3)) {
    assert.ok(s.endsWith('…'));
    assert.ok(Buffer.byteLength(s) <= 1000, `${Buffer.byteLength(s)} bytes`);
    assert.ok(Buffer.byteLength(s) > 990);
    assert.ok(!s.includes('\uFFFD'), 'cut inside a character');
  }
  assert.equal(strings[3], 'fits');
  assert.ok(messages.some((m) => m.type === 'discarded' && m.count === 1));
});
