/**
 * Runs a TypeScript file in a fresh Node process (through tsx) and returns
 * its stdout. Generous timeout: CI machines with 2 loaded cores are slow to
 * start Node and tsx.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function runTs(
  file: string,
  nodeFlags: readonly string[] = [],
  timeoutMs = 60_000,
): Promise<string> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ...nodeFlags, path],
      { timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`${file} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}
