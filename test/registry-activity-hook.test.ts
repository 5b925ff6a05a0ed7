// The registry's activity hook: told once when a marker name gets its first
// link in this thread (0 -> 1) and once when it loses its last (1 -> 0),
// whichever kind of link (probe or recording), whether the hook was set
// before the marker was declared or after it became active; a throwing hook
// never breaks enable or disable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, marker } from '../src/index.js';
import { type ActivityHook, getNodeRegistry } from '../src/registry/node-registry.js';

// The package root made this thread's registry a NodeRegistry, with the hook.
function onActivity(name: string, hook: ActivityHook): () => void {
  const registry = getNodeRegistry();
  assert.equal(typeof registry.onActivity, 'function');
  return (registry.onActivity as NonNullable<typeof registry.onActivity>).call(
    registry,
    name,
    hook,
  );
}

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    hook: { activate: () => calls.push('on'), deactivate: () => calls.push('off') },
  };
}

test('0 -> 1 and 1 -> 0 only, across several probes', async () => {
  const { calls, hook } = recorder();
  const m = marker('activity:a', 'n %d');
  onActivity(m.name, hook);
  const p1 = connect(m, () => {});
  const p2 = connect('activity:*', () => {});
  assert.deepEqual(calls, ['on']);
  await p1.disconnect();
  assert.deepEqual(calls, ['on']);
  await p2.disconnect();
  assert.deepEqual(calls, ['on', 'off']);
});

test('a hook set before the declaration, and one set while active', async () => {
  const early = recorder();
  onActivity('activity:later', early.hook);
  const p = connect('activity:later', () => {});
  assert.deepEqual(early.calls, [], 'nothing declared yet');
  marker('activity:later');
  assert.deepEqual(early.calls, ['on'], 'declared into an existing connection');
  const late = recorder();
  const remove = onActivity('activity:later', late.hook);
  assert.deepEqual(late.calls, ['on'], 'already active: told at once');
  await p.disconnect();
  assert.deepEqual(late.calls, ['on', 'off']);
  assert.deepEqual(early.calls, ['on'], 'one hook per name: the later one replaced it');
  remove();
  const again = connect('activity:later', () => {});
  await again.disconnect();
  assert.deepEqual(late.calls, ['on', 'off'], 'removed');
});

test('a throwing hook does not break enabling', async () => {
  const m = marker('activity:throws');
  onActivity(m.name, {
    activate() {
      throw new Error('hook failed');
    },
    deactivate() {
      throw new Error('hook failed');
    },
  });
  let fired = 0;
  const p = connect(m, () => {
    fired++;
  });
  m.fire?.();
  assert.equal(fired, 1);
  await p.disconnect();
  assert.equal(m.fire, undefined);
});
