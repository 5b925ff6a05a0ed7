// What test/helpers/churn-deopt-fixture.ts reports, and how to run it: one
// definition for the fixture, test/registry-churn-monomorphic.test.ts and
// bench/deopt-check.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Checkpoint {
  cycles: number;
  sameMapConst: boolean;
  sameMapParam: boolean;
  fastProto: boolean;
  optimizedConst: number;
  optimizedParam: number;
  /** Status right after enabling, and after one more call. */
  afterEnableConst: number[];
  afterEnableParam: number[];
  /** The holder of `fire` is a fast-mode object while off, and right after enabling. */
  stateFastOff: boolean;
  stateFastOn: boolean;
  /** Status of code optimised while enabled: then, and right after disabling. */
  enabledThenDisabledConst: number[];
  enabledThenDisabledParam: number[];
}

export interface ChurnReport {
  /** The status bits of optimised code on this Node (they moved in Node 26). */
  optimized: number;
  checkpoints: Checkpoint[];
  probeCalls: number;
}

const FIXTURE = fileURLToPath(new URL('./churn-deopt-fixture.ts', import.meta.url));

export interface ChurnRun {
  status: number | null;
  stderr: string;
  /** The fixture's report; undefined when it printed none. */
  report: ChurnReport | undefined;
  /** The inline-cache states of the `fire` loads, in the order the fixture printed them. */
  loadStates: string[];
}

/**
 * Runs the fixture with the Node under test, its stdout in a file: V8 writes
 * %DebugPrint with C stdio, which drops output on a non-blocking pipe
 * (libuv's), not on a file. Background compilation is off, so nothing
 * changes between two reads.
 */
export function runChurnFixture(): ChurnRun {
  const dir = mkdtempSync(join(tmpdir(), 'markers-churn-'));
  try {
    const out = join(dir, 'stdout');
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--allow-natives-syntax',
        '--no-concurrent-recompilation',
        '--no-concurrent-osr',
        FIXTURE,
      ],
      { stdio: ['ignore', openSync(out, 'w'), 'pipe'], encoding: 'utf8', timeout: 180_000 },
    );
    const line = child.stderr.split('\n').find((l) => l.startsWith('@@report '));
    const stdout = readFileSync(out, 'utf8');
    return {
      status: child.status,
      stderr: child.stderr,
      report:
        line === undefined
          ? undefined
          : (JSON.parse(line.slice('@@report '.length)) as ChurnReport),
      loadStates: [...stdout.matchAll(/slot #\d+ LoadProperty ([A-Z_]+)/g)].map(
        (m) => m[1] as string,
      ),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
