// Helpers for the channel tests: ask a fixture app a question on stdin and
// wait for the answer printed after it (earlier answers do not count); read
// a recorded trace with bt2 and our reader.
import assert from 'node:assert/strict';
import type { App } from './control.js';
import { waitUntil } from './control.js';
import { readWithBoth } from './judges.js';

/** Sends `line`, then waits for a line starting with `prefix` printed after it; returns that line. */
export async function ask(app: App, line: string, prefix: string): Promise<string> {
  const from = app.output().length;
  app.send(`${line}\n`);
  return waitUntil(() => {
    const text = app.output().slice(from);
    const at = text.indexOf(prefix);
    if (at < 0) return undefined;
    const end = text.indexOf('\n', at);
    return end < 0 ? undefined : text.slice(at, end);
  }, `"${prefix}" after "${line}"`);
}

/** Polls the app's `subs` answer until `expected`. */
export async function waitSubscribers(app: App, expected: string): Promise<void> {
  await waitUntil(async () => {
    const answer = await ask(app, 'subs', 'subs ');
    return answer === `subs ${expected}` ? true : undefined;
  }, `hasSubscribers ${expected}`);
}

export interface ChannelEvent {
  readonly name: string;
  readonly threadId: number;
  /** Strings as strings, integers as strings of digits, floats as numbers. */
  readonly fields: Record<string, string | number>;
}

function plainValue(value: unknown): string | number {
  return typeof value === 'bigint'
    ? String(value)
    : typeof value === 'number' && Number.isInteger(value)
      ? String(value)
      : (value as string | number);
}

/**
 * The events of a recorded trace, read by bt2 and by our reader, which must
 * agree event by event and field by field. One exception, where bt2 is
 * wrong: babeltrace2 2.0.4 (Debian's) reads an empty string field as a
 * string of an earlier event (the bytes on disk are a lone NUL, checked with
 * a hex dump), so where our reader has '' bt2's value is not compared.
 */
export async function readChannelTrace(dir: string): Promise<ChannelEvent[]> {
  const { theirs, ours } = await readWithBoth(dir);
  assert.equal(theirs.length, ours.length, 'bt2 and our reader see as many events');
  return ours.map((event, i) => {
    const other = theirs[i] as (typeof theirs)[number];
    assert.equal(other.name, event.name);
    const fields: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(event.fields)) {
      const theirValue = other.fields[name];
      if (value !== '') {
        if (typeof value === 'number' && !Number.isInteger(value)) {
          assert.ok(Math.abs(Number(theirValue) - value) < 1e-6, `${event.name}.${name}`);
        } else assert.equal(plainValue(theirValue), plainValue(value), `${event.name}.${name}`);
      }
      fields[name] = plainValue(value);
    }
    return { name: event.name, threadId: event.threadId, fields };
  });
}
