// marker(name, format, { key }): the pairing key is checked at declaration
// (a field of the format, ERR_INVALID_KEY otherwise; the same on every site
// of a name, ERR_FORMAT_MISMATCH otherwise), and listMarkers shows it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, listMarkers, MarkersError, marker } from '../src/index.js';

test('a key that names no field of the format is ERR_INVALID_KEY, naming the marker and the key', () => {
  assert.throws(
    () => marker('dkey:bad_start', 'reqId %d path %s', { key: 'requestId' }),
    (error: unknown) => {
      assert.ok(error instanceof MarkersError);
      assert.equal(error.code, ErrorCode.INVALID_KEY);
      assert.match(error.message, /dkey:bad_start/);
      assert.match(error.message, /requestId/);
      return true;
    },
  );
  // Nothing was declared.
  assert.deepEqual(listMarkers('dkey:bad_start'), []);
  // Not a string, from JavaScript: the same error.
  assert.throws(
    () => marker('dkey:bad2_start', 'n %d', { key: 5 as unknown as string }),
    (error: unknown) => (error as MarkersError).code === ErrorCode.INVALID_KEY,
  );
});

test('listMarkers shows a declared key, and no key when none was declared', () => {
  marker('dkey:req_start', 'reqId %d path %s', { key: 'reqId' });
  marker('dkey:plain', 'n %d');
  assert.equal(listMarkers('dkey:req_start')[0]?.key, 'reqId');
  assert.equal(listMarkers('dkey:plain')[0]?.key, undefined);
  assert.ok(!('key' in (listMarkers('dkey:plain')[0] ?? {})));
});

test('every site of a name declares the same key: another key, or none, is ERR_FORMAT_MISMATCH', () => {
  const declare = (options?: { key: string }) =>
    marker('dkey:same_start', 'reqId %d tenant %d', options);
  declare({ key: 'reqId' });
  for (const other of [{ key: 'tenant' }, undefined]) {
    assert.throws(
      () => declare(other),
      (error: unknown) => (error as MarkersError).code === ErrorCode.FORMAT_MISMATCH,
    );
  }
  assert.throws(() => declare({ key: 'tenant' }), /with key tenant, but .* with key reqId/);
  assert.doesNotThrow(() => declare({ key: 'reqId' }));
});
