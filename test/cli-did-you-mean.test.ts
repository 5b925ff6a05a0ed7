/**
 * A typo in a command or an option gets the closest one, taken from the
 * command table, and exit code 2.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markers } from './helpers/cli.js';

test('an unknown command gets the closest command', () => {
  const r = markers('recrod', '*', '-o', 'x');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command "recrod"; did you mean "record"\?/);
  const far = markers('xyzzyq');
  assert.equal(far.status, 2);
  assert.match(far.stderr, /unknown command "xyzzyq"\. Run 'markers --help'/);
  assert.doesNotMatch(far.stderr, /did you mean/);
  const order = markers('-p', '42', 'list');
  assert.equal(order.status, 2);
  assert.match(order.stderr, /options go after the command: markers list -p 42\./);
});

test('an unknown option gets the closest option of that command', () => {
  const r = markers('list', '--jsn');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^markers list: unknown option --jsn; did you mean "--json"\?$/m);
  const duration = markers('record', '*', '-o', 'x', '--duraton', '1s');
  assert.equal(duration.status, 2);
  assert.match(duration.stderr, /did you mean "--duration"\?/);
  const none = markers('ps', '--zzzzzzzz');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /unknown option --zzzzzzzz; ps takes --help, --json/);
});
