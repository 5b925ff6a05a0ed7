import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMarkersError, marker } from '../src/index.js';

// The casts reach run-time validation past the compile-time checks, as a JavaScript caller would.
const declare = marker as unknown as (name: unknown, format?: unknown) => unknown;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.ok(isMarkersError(error), `expected a MarkersError, got ${String(error)}`);
    return error.code;
  }
  return undefined;
}

test('bad names throw ERR_INVALID_NAME at declaration, naming the marker', () => {
  for (const name of ['', 'nocolon', ':event', 'provider:', 'a:b:c', 'sp ace:x', 'p:é', 42]) {
    assert.equal(
      codeOf(() => declare(name, '')),
      'ERR_INVALID_NAME',
      `name ${String(name)}`,
    );
  }
  try {
    declare('nocolon', '');
  } catch (error) {
    assert.match((error as Error).message, /nocolon/);
  }
});

test('bad formats throw ERR_INVALID_FORMAT at declaration, naming the marker', () => {
  for (const format of ['x %q', 'x %', 'a %d a %s', 'x %5d', 17]) {
    assert.equal(
      codeOf(() => declare('bad:format', format)),
      'ERR_INVALID_FORMAT',
      `format ${String(format)}`,
    );
  }
  try {
    declare('bad:format', 'x %q');
  } catch (error) {
    assert.match((error as Error).message, /bad:format/);
    assert.match((error as Error).message, /%q/);
  }
});

test('a rejected declaration leaves no marker behind', async () => {
  const { listMarkers } = await import('../src/index.js');
  codeOf(() => declare('left:behind', 'x %q'));
  assert.deepEqual(listMarkers('left:behind'), []);
});
