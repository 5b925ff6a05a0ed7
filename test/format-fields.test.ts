import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker } from '../src/index.js';

test('the word before each conversion names its field, with the type of the table', () => {
  const m = marker('fields:all', 'a %d b %i c %u d %x e %f f %s g %b h %j');
  assert.deepEqual(
    m.fields.map((f) => [f.name, f.type, f.spec]),
    [
      ['a', 'int64', 'd'],
      ['b', 'int64', 'i'],
      ['c', 'uint64', 'u'],
      ['d', 'uint64', 'x'],
      ['e', 'float64', 'f'],
      ['f', 'string', 's'],
      ['g', 'bool', 'b'],
      ['h', 'json', 'j'],
    ],
  );
});

test('a conversion with no word before it is named argN by position', () => {
  const m = marker('fields:unnamed', '%d %s then %f');
  assert.deepEqual(
    m.fields.map((f) => f.name),
    ['arg0', 'arg1', 'then'],
  );
});

test('%% is a literal percent, not a field; separators after the word are allowed', () => {
  const m = marker('fields:percent', 'load %% cpu=%f disk: %u');
  assert.deepEqual(
    m.fields.map((f) => f.name),
    ['cpu', 'disk'],
  );
});

test('a format without conversions declares a marker without arguments', () => {
  assert.deepEqual(marker('fields:none', 'tick').fields, []);
  assert.deepEqual(marker('fields:omitted').fields, []);
  assert.equal(marker('fields:omitted').format, '');
});
