import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listMarkers, marker } from '../src/index.js';

const here = fileURLToPath(import.meta.url);

test('location is the file:line:column of the declaring call', () => {
  const m = marker('location:here', 'n %d'); // line 9
  assert.equal(m.location, `${here}:9:13`);
});

test('every declaring site is listed, and the same site declaring again gets its object back', () => {
  const declare = () => marker('location:shared', 'n %d');
  const a = declare();
  const b = declare();
  const c = marker('location:shared', 'n %d');
  assert.equal(a, b);
  assert.notEqual(a, c);
  const [info] = listMarkers('location:shared');
  assert.deepEqual(info?.locations, [a.location, c.location]);
});
