// The text output passes the shared conformance suite, and reads like
// babeltrace2's: time of day, delta, thread, marker, fields.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertConformance, convertToBuffer } from './helpers/convert-conformance.js';
import { decodeText } from './helpers/decoders.js';
import { SAMPLE_TRACE } from './helpers/sample-trace.js';
import { TEST_OFFSET_NS, writeTrace } from './helpers/trace-writer.js';

const DAY_NS = 86_400_000_000_000n;
const dayStart = TEST_OFFSET_NS - (TEST_OFFSET_NS % DAY_NS);

convertConformance({ format: 'text', decode: (bytes) => decodeText(bytes, dayStart) });

test('text: lines look like babeltrace2 output', async () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const lines = (await convertToBuffer(dir, 'text')).bytes.toString('utf8').split('\n');
  assert.equal(lines[0], '[22:13:20.123457789] (+?.?????????) main/0 app:boot: { }');
  assert.equal(
    lines[1],
    '[22:13:20.123458289] (+0.000000500) wörker ✓/3 db:query_begin: { sql = "SELECT 1" }',
  );
  assert.match(lines[2] as string, / x = 0xdeadbeef, f = -1\.5, /);
  assert.match(lines[2] as string, / b = true, j = \{"a":\[1,2\],"b":"x","c":null\} \}$/);
  assert.ok(
    lines.some((l) =>
      / wörker ✓\/3 WARNING: 5 events discarded since 22:13:20\.123461289$/.test(l),
    ),
  );
});
