// `markers convert DIR --to FORMAT -o FILE` writes the file, refuses to
// overwrite one unless --force, writes stdout for `-o -`, and exits 2 on
// misuse.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { markers } from './helpers/cli.js';
import { decodeJsonLines, decodePerfetto } from './helpers/decoders.js';
import { SAMPLE_EVENTS, SAMPLE_TRACE } from './helpers/sample-trace.js';
import { tempDir, writeTrace } from './helpers/trace-writer.js';

test('convert --to perfetto writes a file Perfetto protos decode', () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const out = join(tempDir(), 'trace.pftrace');
  const run = markers('convert', dir, '--to', 'perfetto', '-o', out);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(decodePerfetto(readFileSync(out)).events.length, SAMPLE_EVENTS.length);
  assert.match(run.stderr, /wrote 14 events/);
});

test('convert refuses to overwrite an existing file unless --force', () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const out = join(tempDir(), 'events.jsonl');
  writeFileSync(out, 'keep me');
  const refused = markers('convert', dir, '--to', 'jsonl', '-o', out);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^markers: ERR_OUTPUT_EXISTS: /);
  assert.equal(readFileSync(out, 'utf8'), 'keep me');
  const forced = markers('convert', dir, '--to', 'jsonl', '-o', out, '--force');
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(decodeJsonLines(readFileSync(out)).events.length, SAMPLE_EVENTS.length);
});

test('convert -o - writes to stdout', () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const run = markers('convert', dir, '--to', 'jsonl', '-o', '-');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(decodeJsonLines(Buffer.from(run.stdout)).events.length, SAMPLE_EVENTS.length);
});

test('convert misuse exits 2 and writes nothing', () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const out = join(tempDir(), 'x');
  assert.equal(markers('convert', dir, '--to', 'chrome', '-o', out).status, 2);
  assert.equal(markers('convert', dir, '--to', 'text').status, 2);
  assert.equal(markers('convert', '--to', 'text', '-o', out).status, 2);
  assert.equal(existsSync(out), false);
  assert.match(markers('convert', '--help').stdout, /Examples:\n {2}markers convert /);
});
