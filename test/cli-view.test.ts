// `markers view DIR` prints text (or JSON lines with --json), exits 1 with
// one error line after the readable events of a corrupt trace, 2 on misuse.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PacketHeader } from '../src/abi/trace-layout.js';
import { markers } from './helpers/cli.js';
import { SAMPLE_EVENTS, SAMPLE_TRACE } from './helpers/sample-trace.js';
import { tempDir, writeTrace } from './helpers/trace-writer.js';

test('view prints one text line per event and a warning for discarded events', () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const run = markers('view', dir);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.filter((l) => !l.includes('WARNING')).length, SAMPLE_EVENTS.length);
  assert.ok(lines.some((l) => l.includes('WARNING: 5 events discarded')));
  assert.match(run.stderr, /discarded 5 events/);
});

test('view --json prints JSON lines', () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const run = markers('view', dir, '--json');
  assert.equal(run.status, 0, run.stderr);
  const objects = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    objects.filter((o) => o.marker !== undefined).map((o) => o.marker),
    SAMPLE_EVENTS.map((e) => e.name),
  );
});

test('view of a corrupt trace prints the readable events, then one error line, exit 1', () => {
  const trace = writeTrace(SAMPLE_TRACE);
  const path = trace.files[0]?.path as string;
  const data = readFileSync(path);
  data.writeUInt32LE(0, (trace.files[0]?.packetOffsets[2] as number) + PacketHeader.MAGIC);
  writeFileSync(path, data);
  const run = markers('view', trace.dir);
  assert.equal(run.status, 1);
  const errors = run.stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('markers: '));
  assert.equal(errors.length, 1);
  assert.match(errors[0] as string, /^markers: ERR_TRACE_CORRUPT: .*stream_0 at byte \d+/);
  // Main's first two packets (5 events) and the whole worker (5 events) are readable.
  assert.equal(
    run.stdout
      .trim()
      .split('\n')
      .filter((l) => !l.includes('WARNING')).length,
    10,
  );
});

test('view of a missing directory exits 1 with ERR_TRACE_NOT_FOUND', () => {
  const run = markers('view', join(tempDir(), 'absent'));
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^markers: ERR_TRACE_NOT_FOUND: /);
});

test('view without a directory is a usage error (exit 2); --help has examples', () => {
  assert.equal(markers('view').status, 2);
  const help = markers('view', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Examples:\n {2}markers view /);
});
