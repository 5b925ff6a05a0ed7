/**
 * The benchmark runner's machine output: `--json` yields one document with a
 * result per selected case, measured in a child process; a filter that
 * matches nothing is a usage error. Figures are checked for shape only:
 * speed belongs to the benchmark, never to a test.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('../bench/run.ts', import.meta.url));

function runBench(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', RUNNER, ...args],
      { timeout: 120_000 },
      (error, stdout) => {
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout });
      },
    );
  });
}

test('--json reports each selected case with its rounds and Δ', async () => {
  const { code, stdout } = await runBench([
    '--quick',
    '--json',
    '--rounds',
    '3',
    '--filter',
    'core/disabled-never-enabled',
  ]);
  assert.equal(code, 0);
  const doc = JSON.parse(stdout) as {
    node: string;
    cases: {
      id: string;
      kind: string;
      targetNs: number | null;
      verdict: string | null;
      result: { rounds: number; delta: { median: number }; baseline: { count: number } };
    }[];
  };
  assert.equal(doc.node, process.version);
  assert.deepEqual(
    doc.cases.map((c) => c.id),
    ['core/disabled-never-enabled'],
  );
  const [only] = doc.cases;
  assert.ok(only !== undefined);
  assert.equal(only.kind, 'loop');
  assert.equal(only.targetNs, 0);
  assert.ok(only.verdict === 'met' || only.verdict === 'missed');
  assert.equal(only.result.rounds, 3);
  assert.equal(only.result.baseline.count, 3);
  assert.ok(Number.isFinite(only.result.delta.median));
});

test('a filter that matches no case exits with the usage code', async () => {
  const { code, stdout } = await runBench(['--json', '--filter', 'no-such-case-anywhere']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
});
