/**
 * `npm run bench -- --node V`: the runner runs itself under each official
 * binary of .runtimes/ (scripts/runtimes.sh), so every figure is reported on
 * every supported version; with --json, one document per version. Shape
 * only: speed belongs to the benchmark, never to a test.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from '../bench/harness/versions.js';

const RUNNER = fileURLToPath(new URL('../bench/run.ts', import.meta.url));
const VERSIONS = ['20', '26'];
const missing = VERSIONS.filter((v) => !existsSync(nodeBinary(v)));

function runBench(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', RUNNER, ...args],
      { timeout: 180_000 },
      (error, stdout) => {
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout });
      },
    );
  });
}

test('--node runs the selected cases under each version and reports them per version', {
  skip: missing.length > 0 ? `no .runtimes/node${missing[0]}: run scripts/runtimes.sh` : false,
}, async () => {
  const { code, stdout } = await runBench([
    ...VERSIONS.flatMap((v) => ['--node', v]),
    '--quick',
    '--json',
    '--rounds',
    '3',
    '--filter',
    'core/disabled-never-enabled',
  ]);
  assert.equal(code, 0, stdout);
  const doc = JSON.parse(stdout) as { versions: { node: string; cases: { id: string }[] }[] };
  assert.deepEqual(
    doc.versions.map((v) => v.node.split('.')[0]),
    VERSIONS.map((v) => `v${v}`),
  );
  for (const run of doc.versions) {
    assert.deepEqual(
      run.cases.map((c) => c.id),
      ['core/disabled-never-enabled'],
    );
  }
});

test('--node with a version that is not installed is a usage error', async () => {
  const { code, stdout } = await runBench(['--node', '19', '--list']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
});
