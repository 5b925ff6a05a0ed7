import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CORE_ERROR_CODES, coreError } from '../src/errors/core-codes.js';
import { ErrorCode, isMarkersError } from '../src/index.js';

test('the core codes are entries of the full ErrorCode table', () => {
  const codes = new Set<string>(Object.values(ErrorCode));
  for (const code of CORE_ERROR_CODES) assert.ok(codes.has(code), code);
});

test('coreError builds a MarkersError carrying the code, message, details and cause', () => {
  const cause = new Error('inner');
  const error = coreError('ERR_INVALID_NAME', 'bad name', { marker: 'x' }, { cause });
  assert.ok(isMarkersError(error, ErrorCode.INVALID_NAME));
  assert.equal(error.message, 'bad name');
  assert.deepEqual(error.details, { marker: 'x' });
  assert.equal(error.cause, cause);
});
