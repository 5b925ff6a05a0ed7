import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreErrorCode } from '../src/errors/core-codes.js';
import { ErrorCode } from '../src/index.js';

test('the core codes are the same strings as in the full ErrorCode table', () => {
  for (const [key, code] of Object.entries(CoreErrorCode)) {
    assert.equal((ErrorCode as Record<string, string>)[key], code, key);
  }
});
