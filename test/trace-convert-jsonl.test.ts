// JSON lines pass the shared conformance suite; ts and unsafe 64-bit ints
// are strings so nothing is rounded, safe ints are numbers for jq.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertConformance, convertToBuffer } from './helpers/convert-conformance.js';
import { decodeJsonLines } from './helpers/decoders.js';
import { SAMPLE_TRACE } from './helpers/sample-trace.js';
import { writeTrace } from './helpers/trace-writer.js';

convertConformance({ format: 'jsonl', decode: decodeJsonLines });

test('jsonl: exact ts string, safe ints as numbers, others and hex as strings', async () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const lines = (await convertToBuffer(dir, 'jsonl')).bytes.toString('utf8').trim().split('\n');
  const values = lines.map((l) => JSON.parse(l)).filter((o) => o.marker === 'app:values');
  assert.equal(values[0].ts, '1700000000123458789');
  assert.equal(values[0].fields.i, '-9223372036854775808');
  assert.equal(values[0].fields.u, '18446744073709551615');
  assert.equal(values[0].fields.x, '0xdeadbeef');
  assert.deepEqual(values[0].fields.j, { a: [1, 2], b: 'x', c: null });
  assert.equal(values[2].fields.i, -42);
  assert.equal(values[2].fields.u, 42);
  assert.equal(values[0].thread, 'main');
  assert.equal(values[0].tid, 0);
});
