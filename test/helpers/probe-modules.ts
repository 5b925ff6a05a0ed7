import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCoordinator } from '../../src/threads/coordinator.js';

/** A temp directory for probe module files and their log; remove() deletes it. */
export interface ModuleDir {
  readonly dir: string;
  /** Lines modules appended to the shared log file, in order. */
  readonly log: string;
  write(name: string, source: string): Promise<string>;
  lines(): Promise<string[]>;
  remove(): Promise<void>;
}

export async function moduleDir(): Promise<ModuleDir> {
  const dir = await mkdtemp(join(tmpdir(), 'markers-probe-'));
  const log = join(dir, 'log.txt');
  await writeFile(log, '');
  return {
    dir,
    log,
    async write(name, source) {
      const file = join(dir, name);
      await writeFile(file, source);
      return file;
    },
    async lines() {
      return (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '');
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Source of a line that appends `${thread id}:${what}` to the log, for module code. */
export function logLine(log: string, what: string): string {
  return `appendFileSync(${JSON.stringify(log)}, \`\${threadId}:${what}\\n\`)`;
}

export const LOG_IMPORTS = `import { appendFileSync } from 'node:fs';\nimport { threadId } from 'node:worker_threads';\n`;

/** Polls (every 10 ms, up to 30 s) until `check` is true; throws with `what` otherwise. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until this thread's coordinator knows thread `id` (its hello has arrived). */
export function waitForThread(id: number): Promise<void> {
  return waitFor(`thread ${id} to join`, () =>
    getCoordinator()
      .threads()
      .some((t) => t.id === id),
  );
}

/** Sends `message` to a probe-worker fixture and resolves with its answer of the same op. */
export function ask<T>(
  worker: import('node:worker_threads').Worker,
  message: { op: string; name?: string; args?: unknown[] },
  reply = message.op === 'fire' ? 'fired' : message.op,
): Promise<T> {
  return new Promise((resolve) => {
    const listener = (answer: { op?: string }) => {
      if (answer?.op !== reply) return;
      worker.off('message', listener);
      resolve(answer as T);
    };
    worker.on('message', listener);
    worker.postMessage(message);
  });
}
