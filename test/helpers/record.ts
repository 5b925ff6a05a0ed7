/** Small helpers for the recording tests: fresh directories, and waiting without racing. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bt2Event, Bt2Message } from './judges.js';

/** A new empty directory, and a path inside it that does not exist yet (for trace output). */
export function freshDir(prefix = 'markers-record-'): { root: string; out: string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { root, out: join(root, 'trace') };
}

/** Polls `check` until it returns true; fails after a generous timeout (CI machines are slow). */
export async function waitFor(
  check: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function bt2Events(messages: readonly Bt2Message[]): Bt2Event[] {
  return messages.filter((m): m is Bt2Event => m.type === 'event');
}

/** A bt2 field as a plain value: ints as bigint, floats as number, enums (bool) as boolean. */
export function bt2Value(field: Record<string, unknown> | undefined): unknown {
  if (field === undefined) return undefined;
  if ('enum' in field) return (field.enum as string[])[0] === 'true';
  if ('int' in field) return BigInt(field.int as string);
  if ('float' in field) return Number(field.float);
  if ('string' in field) return field.string;
  return field;
}
