// connect(), listMarkers() and marker() given a name that is not a string:
// each throws its coded MarkersError, never a TypeError from describing the
// value (a bigint defeats JSON.stringify, a prototype-less object String()).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, isMarkersError, listMarkers, marker } from '../src/index.js';

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isMarkersError(error, code), `expected ${code}, got ${String(error)}`);
    return true;
  });
}

const targets: [string, () => unknown][] = [
  ['a bigint', () => 1n],
  ['a number', () => 42],
  ['a symbol', () => Symbol('x')],
  ['undefined', () => undefined],
  ['null', () => null],
  ['a RegExp', () => /http:.*/],
  ['an object without a prototype', () => Object.create(null)],
  [
    'an object whose toString throws',
    () => ({
      toString() {
        throw new Error('no');
      },
    }),
  ],
  [
    'an object whose toJSON throws',
    () => ({
      toJSON() {
        throw new Error('no');
      },
    }),
  ],
];

for (const [what, make] of targets) {
  test(`connect(${what}, fn) throws ERR_INVALID_PATTERN`, () => {
    throwsCode(() => connect(make() as string, () => {}), 'ERR_INVALID_PATTERN');
  });

  test(`connect(${what}, not a function) throws ERR_INVALID_PROBE`, () => {
    throwsCode(() => connect(make() as string, 42 as never), 'ERR_INVALID_PROBE');
  });

  test(`listMarkers(${what}) throws ERR_INVALID_PATTERN`, () => {
    const target = make();
    // listMarkers() without an argument lists everything: undefined is not a bad pattern.
    if (target === undefined) return;
    throwsCode(() => listMarkers(target as string), 'ERR_INVALID_PATTERN');
  });

  test(`marker(${what}) throws ERR_INVALID_NAME`, () => {
    throwsCode(() => marker(make() as never), 'ERR_INVALID_NAME');
  });
}

test('the error names the value it refused', () => {
  assert.throws(
    () => connect(1n as never, () => {}),
    (error: unknown) =>
      isMarkersError(error, 'ERR_INVALID_PATTERN') && error.details.pattern === '1',
  );
});
