// Helpers for the channel tests: ask a fixture app a question on stdin and
// wait for the answer printed after it (earlier answers do not count).
import type { App } from './control.js';
import { waitUntil } from './control.js';

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
