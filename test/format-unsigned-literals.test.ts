/**
 * Type-level: a negative literal for a `%u` does not compile; a negative
 * value only known at run time does, and is clamped (see the coercions).
 * `npm test` type-checks this file: an @ts-expect-error without an error fails it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, marker } from '../src/index.js';

const query = marker('types:unsigned', 'rows %u id %d mask %x');

function calls(runtimeValue: number): void {
  query.fire?.(0, -1, 0);
  query.fire?.(3n, -5n, 0xff);
  query.fire?.(runtimeValue, runtimeValue, runtimeValue);
  // @ts-expect-error %u takes no negative literal
  query.fire?.(-1, 0, 0);
  // @ts-expect-error nor a negative bigint literal
  query.fire?.(-1n, 0, 0);
  // @ts-expect-error nor a negative float literal
  query.fire?.(-0.5, 0, 0);
  // @ts-expect-error a string is still refused
  query.fire?.('1', 0, 0);
  // @ts-expect-error and so is a missing argument
  query.fire?.(1, 0);
  const spread: [number, number, number] = [1, -1, 2];
  query.fire?.(...spread);
}

test('the negative-literal check is types only: at run time probes get the values as passed', async () => {
  const seen: unknown[][] = [];
  const probe = connect(query, (_m, ...args) => {
    seen.push(args);
  });
  calls(-7);
  assert.deepEqual(seen, [
    [0, -1, 0],
    [3n, -5n, 0xff],
    [-7, -7, -7],
    [-1, 0, 0],
    [-1n, 0, 0],
    [-0.5, 0, 0],
    ['1', 0, 0],
    [1, 0, undefined],
    [1, -1, 2],
  ]);
  await probe.disconnect();
});
