// `npm run test:fast`: the test suite without its slowest files, for the
// Node versions CI checks besides the active LTS (.ci/run runs the whole
// suite, `npm test`, on Node 24, and this on 20, 22 and 26). Runs with the
// node that runs it (process.execPath), like every test's children.
//
// Left out: files that pack and install the package (the packaging does not
// depend on the Node version) and long end-to-end control tests whose
// mechanisms the kept files also exercise. Measured on a loaded 2-core
// machine (Node 24): the whole suite 8.4 min, this part about 5 min.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

export const SLOW = new Set([
  'control-register-installed-package.test.ts', // npm pack + install: 50 s
  'package-tarball.test.ts', // npm pack + install + tsc: 30 s
  'package-no-install-scripts.test.ts', // npm pack + install + npx: 37 s
  // npm pack + install (+ typescript@7 from the registry): 60 s. It starts its
  // targets on the Nodes of .runtimes/ (with and without type stripping) itself.
  'probe-load-typescript-transpilers.test.ts',
  'control-load-threads-churn.test.ts', // six load/unload cycles under worker churn: 32 s
  'control-record-concurrent.test.ts', // 19 s
  'control-unload-stuck-probe.test.ts', // 18 s
  'control-tail-live-events.test.ts', // 15 s
  'control-record-cli-killed.test.ts', // 14 s
  'control-ps-lists-targets.test.ts', // 14 s
  'record-storage-faults.test.ts', // five recordings against a flooding app: 35 s
  'record-exit-accounted.test.ts', // four run --record of 200,000 events: 30 s
  'record-many-markers.test.ts', // 3,000 markers through the CLI, 65,541 in process: 20 s
]);

const files = readdirSync('test')
  .filter((f) => f.endsWith('.test.ts') && !SLOW.has(f))
  .sort()
  .map((f) => `test/${f}`);
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
