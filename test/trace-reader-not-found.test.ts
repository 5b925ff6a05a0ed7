// A missing directory or metadata file is ERR_TRACE_NOT_FOUND; metadata that
// does not parse, or describes what the reader does not support, is
// ERR_TRACE_METADATA with the line of the problem.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isMarkersError } from '../src/errors/markers-error.js';
import { openTrace } from '../src/trace/reader/reader.js';
import { SAMPLE_TRACE } from './helpers/sample-trace.js';
import { tempDir, writeTrace } from './helpers/trace-writer.js';

test('a missing directory is ERR_TRACE_NOT_FOUND', async () => {
  await assert.rejects(openTrace(join(tempDir(), 'nope')), (e) =>
    isMarkersError(e, 'ERR_TRACE_NOT_FOUND'),
  );
});

test('a directory without metadata is ERR_TRACE_NOT_FOUND', async () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  rmSync(join(dir, 'metadata'));
  await assert.rejects(openTrace(dir), (e) => isMarkersError(e, 'ERR_TRACE_NOT_FOUND'));
});

function withMetadata(edit: (text: string) => string): string {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const file = join(dir, 'metadata');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return dir;
}

test('a TSDL syntax error is ERR_TRACE_METADATA with its line', async () => {
  const dir = withMetadata((t) => t.replace('byte_order = le;', 'byte_order = le'));
  const line = readFileSync(join(dir, 'metadata'), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('byte_order'));
  await assert.rejects(openTrace(dir), (e) => {
    assert.ok(isMarkersError(e, 'ERR_TRACE_METADATA'));
    assert.equal(e.details.line, line + 2); // the token after the missing ';' is on the next line
    return true;
  });
});

for (const [what, edit] of [
  ['big-endian data', (t: string) => t.replace('byte_order = le;', 'byte_order = be;')],
  ['an unknown type name', (t: string) => t.replace('int64_t i;', 'int128_t i;')],
  [
    'bit-aligned integers',
    (t: string) => t.replace('size = 16; align = 8;', 'size = 16; align = 1;'),
  ],
  ['a missing signature', (t: string) => t.replace('/* CTF 1.8 */', '')],
  ['an unterminated string', (t: string) => t.replace('"app:boot"', '"app:boot')],
] as const) {
  test(`metadata with ${what} is ERR_TRACE_METADATA`, async () => {
    await assert.rejects(openTrace(withMetadata(edit)), (e) =>
      isMarkersError(e, 'ERR_TRACE_METADATA'),
    );
  });
}
