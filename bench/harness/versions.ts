/**
 * `--node 24` (repeatable; `--node all` for every supported line): run a
 * benchmark script again under the official binaries in .runtimes/ (see
 * scripts/runtimes.sh), one version after another, never two at once. Each
 * run is the same script with the same arguments, so every figure is
 * reported for each version, with that version in its header.
 *
 * With --json and several versions the output is one document,
 * `{ "versions": [<the document of each version>, ...] }`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Node lines markers supports and CI tests (scripts/runtimes.sh installs them). */
export const SUPPORTED_NODES = ['20', '22', '24', '26'] as const;

const RUNTIMES = fileURLToPath(new URL('../../.runtimes/', import.meta.url));

export function nodeBinary(version: string): string {
  return `${RUNTIMES}node${version}/bin/node`;
}

/** Splits `--node X` / `--node=X` out of argv. */
export function takeNodeOptions(argv: readonly string[]): { versions: string[]; rest: string[] } {
  const versions: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--node') {
      versions.push(argv[++i] ?? '');
    } else if (arg.startsWith('--node=')) {
      versions.push(arg.slice('--node='.length));
    } else {
      rest.push(arg);
    }
  }
  const expanded = versions.flatMap((v) => (v === 'all' ? [...SUPPORTED_NODES] : [v]));
  return { versions: [...new Set(expanded)], rest };
}

function runOnce(binary: string, script: string, args: readonly string[], capture: boolean) {
  return new Promise<{ code: number; stdout: string }>((resolve) => {
    const child = spawn(binary, [...process.execArgv, script, ...args], {
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', (error) => {
      process.stderr.write(`cannot run ${binary}: ${error.message}\n`);
      resolve({ code: 1, stdout });
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

/**
 * When argv asks for --node, runs `script` under each version and resolves
 * with the worst exit code (undefined: no --node, run here as usual).
 */
export async function runUnderNodes(
  script: string,
  argv: readonly string[],
): Promise<number | undefined> {
  const { versions, rest } = takeNodeOptions(argv);
  if (versions.length === 0) return undefined;
  for (const version of versions) {
    if (!/^\d+$/.test(version)) {
      process.stderr.write(
        `--node wants a major version (20, 22, 24, 26) or all, got "${version}"\n`,
      );
      return 2;
    }
    if (!existsSync(nodeBinary(version))) {
      process.stderr.write(
        `no Node ${version} in .runtimes/node${version}; install it with scripts/runtimes.sh node${version}\n`,
      );
      return 2;
    }
  }
  const json = rest.includes('--json');
  const capture = json && versions.length > 1;
  const documents: unknown[] = [];
  let worst = 0;
  for (const version of versions) {
    process.stderr.write(`== Node ${version} (${nodeBinary(version)})\n`);
    const { code, stdout } = await runOnce(nodeBinary(version), script, rest, capture);
    worst = Math.max(worst, code);
    if (capture) {
      try {
        documents.push(JSON.parse(stdout));
      } catch {
        documents.push({ node: version, error: `exit code ${code}, no JSON document` });
      }
    }
  }
  if (capture) process.stdout.write(`${JSON.stringify({ versions: documents })}\n`);
  return worst;
}
