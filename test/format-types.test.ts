/**
 * Type-level tests: `npm test` type-checks this file, and every
 * @ts-expect-error must meet an error, so a wrong call that compiles fails the build.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FormatArgs, type Marker, marker } from '../src/index.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

expectType<Equal<FormatArgs<'a %d b %s'>, [number | bigint, string]>>();
expectType<Equal<FormatArgs<'x %u y %x'>, [number | bigint, number | bigint]>>();
expectType<Equal<FormatArgs<'f %f ok %b data %j'>, [number, boolean, unknown]>>();
expectType<Equal<FormatArgs<'100%% done %d'>, [number | bigint]>>();
expectType<Equal<FormatArgs<'no args'>, []>>();
expectType<Equal<FormatArgs<''>, []>>();
expectType<Equal<FormatArgs<string>, unknown[]>>();

const request = marker('types:request', 'method %s path %s status %d ms %f');
expectType<Equal<typeof request, Marker<'method %s path %s status %d ms %f'>>>();
const tick = marker('types:tick');

function calls(): void {
  request.fire?.('GET', '/', 200, 1.5);
  request.fire?.('GET', '/', 200n, 1.5);
  // @ts-expect-error a number where the format says %s
  request.fire?.(1, '/', 200, 1.5);
  // @ts-expect-error a string where the format says %d
  request.fire?.('GET', '/', '200', 1.5);
  // @ts-expect-error a bigint where the format says %f
  request.fire?.('GET', '/', 200, 1n);
  // @ts-expect-error too few arguments
  request.fire?.('GET', '/', 200);
  // @ts-expect-error too many arguments
  request.fire?.('GET', '/', 200, 1.5, 'extra');
  tick.fire?.();
  // @ts-expect-error a marker without arguments takes none
  tick.fire?.(1);
  // @ts-expect-error fire is read-only
  request.fire = undefined;
}

function declarations(): void {
  // @ts-expect-error an unknown conversion
  marker('types:bad', 'x %q');
  // @ts-expect-error a dangling %
  marker('types:bad', 'x %');
  // @ts-expect-error no provider: part
  marker('nocolon', 'x %d');
  // @ts-expect-error an empty event part
  marker('types:', 'x %d');
}

test('the type-level checks above compiled as expected', () => {
  // The assertions are in the types; this keeps the functions referenced and the file a test.
  assert.equal(typeof calls, 'function');
  assert.equal(typeof declarations, 'function');
});
