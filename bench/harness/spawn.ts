/**
 * Runs one case in a fresh Node process and collects its result line. The
 * child gets the runner's own loader flags (tsx) plus CHILD_FLAGS.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FoundCase } from './discover.js';
import { type ChildResult, RESULT_PREFIX } from './protocol.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/** Natives for %GetOptimizationStatus; gc() for the collection after `prepare`. */
const CHILD_FLAGS = ['--allow-natives-syntax', '--expose-gc'];

export interface SpawnOptions {
  readonly quick: boolean;
  readonly rounds: number | undefined;
  readonly gc: boolean;
}

export function runCase(found: FoundCase, options: SpawnOptions): Promise<ChildResult> {
  const args = [
    ...process.execArgv.filter((arg) => !CHILD_FLAGS.includes(arg)),
    ...CHILD_FLAGS,
    CHILD,
    found.suiteFile,
    found.bench.name,
  ];
  if (options.quick) args.push('--quick');
  if (options.rounds !== undefined) args.push('--rounds', String(options.rounds));
  if (!options.gc) args.push('--no-gc');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line !== undefined) {
        resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult);
        return;
      }
      const why = signal !== null ? `signal ${signal}` : `exit code ${String(code)}`;
      reject(new Error(`case ${found.id} failed (${why}):\n${stderr.trim() || stdout.trim()}`));
    });
  });
}
