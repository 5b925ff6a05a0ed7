/**
 * Type-level tests of channel markers: `npm test` type-checks this file, and
 * every @ts-expect-error must meet an error. `pick` must return the format's
 * argument tuple; the tracing pair's end has the start's fields, then
 * `ms %f error %s`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelMarker, type Marker, tracingChannelMarker } from '../src/index.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

interface Query {
  readonly sql: string;
  readonly rows: number;
}

const query = channelMarker('types:channel', 'types:query', 'sql %s rows %d', (q: Query) => [
  q.sql,
  q.rows,
]);
expectType<Equal<typeof query, Marker<'sql %s rows %d'>>>();

const op = tracingChannelMarker('types:traced', 'types:op', 'key %s', (c: { key: string }) => [
  c.key,
]);
expectType<Equal<typeof op.start, Marker<'key %s'>>>();
expectType<Equal<typeof op.end, Marker<'key %s ms %f error %s'>>>();
const bare = tracingChannelMarker('types:bare', 'types:bare', '', () => []);
expectType<Equal<typeof bare.end, Marker<'ms %f error %s'>>>();

function wrong(): void {
  // @ts-expect-error pick returns a string where the format says %d
  channelMarker('types:c1', 'types:wrong1', 'n %d', () => ['one']);
  // @ts-expect-error pick returns too few arguments
  channelMarker('types:c2', 'types:wrong2', 'a %s b %s', () => ['a']);
  // @ts-expect-error not a provider:event name
  channelMarker('types:c3', 'noprovider', 'n %d', () => [1]);
  // @ts-expect-error not a format
  tracingChannelMarker('types:c4', 'types:wrong4', 'n %q', () => [1]);
}

test('channel marker types (checked by tsc)', () => {
  assert.equal(typeof wrong, 'function');
  assert.equal(query.format, 'sql %s rows %d');
  assert.equal(op.end.format, 'key %s ms %f error %s');
  assert.equal(bare.end.format, 'ms %f error %s');
});
