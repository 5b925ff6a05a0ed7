// Runs before `npm test`. The tests judge our output with tools written by
// others and talk to real engines: babeltrace2 and its Python bindings (bt2)
// read our CTF, protoc decodes our Perfetto output, redis-server serves the
// ioredis channel test, Prometheus scrapes the metrics agent (and promtool
// lints what it serves), headless Chromium runs the browser core, and Bun and
// Deno run the runtime suite. Without them the suite cannot pass, so say so
// up front, and on a Debian machine where we are root (a fresh CI or
// development machine) install them, as .ci/run does.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package -> how to tell it is installed. */
const DEBIAN = [
  ['babeltrace2', () => runs('babeltrace2', ['--version'])],
  ['python3-bt2', () => runs('/usr/bin/python3', ['-c', 'import bt2'])],
  ['protobuf-compiler', () => runs('protoc', ['--version'])],
  ['redis-server', () => runs('redis-server', ['--version'])],
  ['prometheus', () => runs('prometheus', ['--version']) && runs('promtool', ['--version'])],
  [
    'chromium-headless-shell',
    () => ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].some((exe) => existsSync(exe)),
  ],
];
const RUNTIMES = ['.runtimes/bun/bin/bun', '.runtimes/deno/bin/deno'];

function runs(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

function missingPackages() {
  return DEBIAN.filter(([, present]) => !present()).map(([name]) => name);
}

const missing = missingPackages();
if (missing.length > 0) {
  const install = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.error(`npm test needs ${missing.join(', ')}; installing: ${install}`);
    const run = spawnSync('sh', ['-c', install], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const still = missingPackages();
    if (run.status !== 0 || still.length > 0) {
      console.error(`npm test: installing ${still.join(', ')} failed; see above.`);
      process.exit(1);
    }
  } else {
    console.error(
      `npm test needs ${missing.join(', ')}.\nOn Debian or Ubuntu: sudo sh -c '${install}'`,
    );
    process.exit(1);
  }
}

// Bun and Deno come from npm (scripts/runtimes.sh unpacks them into .runtimes/).
if (!RUNTIMES.every((exe) => existsSync(exe))) {
  console.error('npm test runs Bun and Deno too; installing them: scripts/runtimes.sh bun deno');
  const run = spawnSync('scripts/runtimes.sh', ['bun', 'deno'], { stdio: 'inherit' });
  if (run.status !== 0 || !RUNTIMES.every((exe) => existsSync(exe))) {
    console.error('npm test: scripts/runtimes.sh bun deno failed; see above.');
    process.exit(1);
  }
}
