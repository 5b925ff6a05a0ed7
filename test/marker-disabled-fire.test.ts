import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, marker } from '../src/index.js';

test('a disabled marker has fire undefined, and ?. evaluates none of the arguments', () => {
  const m = marker('disabled:args', 'n %d');
  const { fire, enabled } = m;
  assert.equal(fire, undefined);
  assert.equal(enabled, false);
  let evaluated = 0;
  const argument = (): number => {
    evaluated++;
    return 1;
  };
  m.fire?.(argument());
  assert.equal(evaluated, 0);
});

test('enabled reflects the state through connect and disconnect', async () => {
  const m = marker('disabled:state', 'n %d');
  const probe = connect(m, () => {});
  assert.equal(m.enabled, true);
  assert.equal(typeof m.fire, 'function');
  await probe.disconnect();
  assert.equal(m.enabled, false);
  assert.equal(m.fire, undefined);
});

test('a call in progress finishes on the dispatcher it started with', async () => {
  const m = marker('disabled:inflight', 'n %d');
  const seen: string[] = [];
  let second: { disconnect(): Promise<void> } | undefined;
  const first = connect(m, (_m, n) => {
    seen.push(`first ${n}`);
    // Disconnecting the other probe mid-call must not stop it for this call.
    void second?.disconnect();
  });
  second = connect(m, (_m, n) => {
    seen.push(`second ${n}`);
  });
  m.fire?.(1);
  m.fire?.(2);
  assert.deepEqual(seen, ['first 1', 'second 1', 'first 2']);
  await first.disconnect();
});

test('a JavaScript caller passing wrong run-time types gets no exception from fire', async () => {
  const m = marker('disabled:types', 'n %d s %s');
  const probe = connect(m, (_m, n, s) => {
    // A probe that trusts its types fails on bad input; fire must still not throw.
    (s as string).toUpperCase();
    return n;
  });
  const fire = m.fire as unknown as (...args: unknown[]) => void;
  assert.doesNotThrow(() => fire({}, null));
  assert.doesNotThrow(() => fire());
  assert.doesNotThrow(() => fire(Symbol('x'), 1n, 'extra'));
  assert.equal(probe.errors, 3);
  await probe.disconnect();
});
