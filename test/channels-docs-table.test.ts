// The README's table of Node's own channels is the one generated from the
// catalogue (npm run docs:channels), so docs and code never disagree; and
// the catalogue keeps the contract of DESIGN.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CATALOGUE } from '../src/channels/catalogue.js';
import { catalogueTable, withTable } from '../src/channels/table.js';
import { parseFormat } from '../src/marker/format.js';
import { validateName } from '../src/marker/name.js';

const README = new URL('../README.md', import.meta.url);

test('the README holds exactly the generated channels table', () => {
  const text = readFileSync(README, 'utf8');
  assert.equal(withTable(text), text, 'run npm run docs:channels');
  for (const entry of CATALOGUE) {
    for (const m of entry.markers) assert.ok(text.includes(`| \`${m.name}\` |`), m.name);
  }
});

test('the contract names and formats, and every entry well formed', () => {
  const formats = new Map(CATALOGUE.flatMap((e) => e.markers.map((m) => [m.name, m.format])));
  assert.deepEqual(
    [
      'node:http.server_start',
      'node:http.server_end',
      'node:http.client_start',
      'node:http.client_end',
      'undici:request_start',
      'undici:request_end',
    ].map((name) => formats.get(name)),
    [
      'method %s url %s',
      'method %s url %s status %d ms %f error %s',
      'method %s host %s path %s',
      'method %s host %s path %s status %d ms %f error %s',
      'method %s origin %s path %s',
      'method %s origin %s path %s status %d ms %f error %s',
    ],
  );
  assert.equal(formats.size, CATALOGUE.flatMap((e) => e.markers).length, 'names are unique');
  for (const [name, format] of formats) {
    validateName(name);
    parseFormat(format, name);
    if (name.endsWith('_end')) {
      assert.match(format, /(^| )ms %f error %s$/, name);
      const start = formats.get(name.replace(/_end$/, '_start'));
      assert.ok(start !== undefined, `${name} has a start`);
      assert.ok(format.startsWith(start), `${name} repeats the start's fields`);
    }
  }
  assert.match(
    catalogueTable(),
    /\| `node:http\.server_end` \| `method %s url %s status %d ms %f error %s` \|/,
  );
});
