// Runs before `npm test`: the tests judge our CTF output with babeltrace2 and
// its Python bindings (bt2), tools written by others. Without them the suite
// cannot pass, so say so up front, and on a Debian machine where we are root
// (a fresh CI or development machine) install them, as .ci/run does.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const INSTALL = 'apt-get update && apt-get install -y babeltrace2 python3-bt2';

function present() {
  const babeltrace = spawnSync('babeltrace2', ['--version'], { stdio: 'ignore' });
  const bt2 = spawnSync('/usr/bin/python3', ['-c', 'import bt2'], { stdio: 'ignore' });
  return babeltrace.status === 0 && bt2.status === 0;
}

if (!present()) {
  const root = process.getuid?.() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    console.error(`npm test needs babeltrace2 and python3-bt2; installing them: ${INSTALL}`);
    const run = spawnSync('sh', ['-c', INSTALL], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (run.status !== 0 || !present()) {
      console.error('npm test: installing babeltrace2 and python3-bt2 failed; see above.');
      process.exit(1);
    }
  } else {
    console.error(
      `npm test needs babeltrace2 and python3-bt2 (the independent judges of our CTF traces).\nOn Debian or Ubuntu: sudo sh -c '${INSTALL}'`,
    );
    process.exit(1);
  }
}

// [runtimes] The Bun and Deno suite runs the binaries scripts/runtimes.sh
// unpacks into .runtimes/ (from npm); the browser test runs headless Chromium.
const RUNTIMES = ['.runtimes/bun/bin/bun', '.runtimes/deno/bin/deno'];
if (!RUNTIMES.every((exe) => existsSync(exe))) {
  console.error('npm test runs Bun and Deno too; installing them: scripts/runtimes.sh bun deno');
  const run = spawnSync('scripts/runtimes.sh', ['bun', 'deno'], { stdio: 'inherit' });
  if (run.status !== 0 || !RUNTIMES.every((exe) => existsSync(exe))) {
    console.error('npm test: scripts/runtimes.sh bun deno failed; see above.');
    process.exit(1);
  }
}
const CHROMIUM = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'];
if (!CHROMIUM.some((exe) => existsSync(exe))) {
  console.error(
    'npm test runs the browser core in headless Chromium.\nOn Debian: sudo apt-get install -y chromium-headless-shell (or chromium)',
  );
  process.exit(1);
}
