/**
 * A .ts probe module in an application with markers installed and no esbuild:
 * Node's own type stripping loads it where Node has it; elsewhere the refusal
 * says what it found (TypeScript 7 has no transpile API) and exactly what to
 * install, and installing esbuild makes the next load work without a restart.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, ROOT, startApp } from './helpers/control.js';
import { installedApp, nodeThatStrips } from './helpers/installed-app.js';

const MAIN = `import { marker } from 'markers';
const tick = marker('app:tick', 'n %d');
let n = 0;
setInterval(() => tick.fire?.(++n), 5);
console.log('ready');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

const PROBE = `import { defineProbeModule, type ProbeContext } from 'markers';
interface Counts { ticks: number }
const counts: Counts = { ticks: 0 };
export default defineProbeModule({
  name: 'typed-ticks',
  probes: { 'app:tick': (_m: unknown, _n: number): void => { counts.ticks++; } },
  init(_ctx: ProbeContext): void {},
  report(): Counts { return counts; },
});
`;

test('TypeScript probe modules: type stripping, then esbuild found at load time, with exact advice', async (t) => {
  const installed = installedApp();
  const sockets = makeSocketDir();
  try {
    writeFileSync(join(installed.app, 'main.js'), MAIN);
    const probe = join(installed.app, 'probe.ts');
    writeFileSync(probe, PROBE);
    let typescript7 = false;
    try {
      installed.install('typescript@7');
      const manifest = join(installed.app, 'node_modules/typescript/package.json');
      typescript7 = (
        JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }
      ).version.startsWith('7.');
    } catch {
      t.diagnostic('typescript@7 could not be installed (no registry?): checked without it');
    }
    const start = (node: string) =>
      startApp(sockets.dir, [], {
        script: join(installed.app, 'main.js'),
        nodeArgs: ['--import', 'markers/register'],
        cwd: installed.app,
        node,
      });

    const stripping = nodeThatStrips(true);
    if (stripping === undefined) t.diagnostic('no Node with type stripping here: part skipped');
    else {
      const target = await start(stripping);
      try {
        const loaded = await cli(sockets.dir, ['load', '-p', String(target.pid), probe]);
        assert.equal(loaded.code, 0, loaded.stderr);
        assert.doesNotMatch(target.output(), /ExperimentalWarning/);
        // Kept outside the application (no markers above it): it gets the installed dist copy.
        mkdirSync(join(installed.work, 'outside'));
        const outside = join(installed.work, 'outside', 'probe.mjs');
        writeFileSync(
          outside,
          `import { defineProbeModule } from 'markers';\nexport default defineProbeModule({ name: 'outside', probes: { 'app:tick': () => {} } });\n`,
        );
        const fromOutside = await cli(sockets.dir, ['load', '-p', String(target.pid), outside]);
        assert.equal(fromOutside.code, 0, fromOutside.stderr);
        const unloaded = await cli(sockets.dir, [
          'unload',
          '-p',
          String(target.pid),
          'typed-ticks',
        ]);
        assert.equal(unloaded.code, 0, unloaded.stderr);
      } finally {
        await target.stop();
      }
    }

    const plain = nodeThatStrips(false);
    if (plain === undefined) {
      t.diagnostic('no Node without type stripping here: part skipped');
      return;
    }
    const target = await start(plain);
    try {
      const refused = await cli(sockets.dir, ['load', '-p', String(target.pid), probe]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^markers: ERR_PROBE_MODULE_TRANSPILER: /m);
      assert.match(refused.stderr, /cannot strip types/);
      assert.match(refused.stderr, new RegExp(`cd ${installed.app} && npm install -D esbuild`));
      if (typescript7)
        assert.match(refused.stderr, /typescript 7\.[^ ]* \(.*\) has no transpile API/);

      // The same esbuild the repository uses, from npm's cache where it has the
      // package's metadata (npm ci fetches tarballs only), else from the
      // registry; the target keeps running.
      const esbuild = (
        JSON.parse(readFileSync(join(ROOT, 'node_modules/esbuild/package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
      installed.install('--prefer-offline', '-D', `esbuild@${esbuild}`);
      const loaded = await cli(sockets.dir, ['load', '-p', String(target.pid), probe]);
      assert.equal(loaded.code, 0, loaded.stderr);
      const report = await cli(sockets.dir, [
        'report',
        '-p',
        String(target.pid),
        'typed-ticks',
        '--json',
      ]);
      assert.equal(report.code, 0, report.stderr);
    } finally {
      await target.stop();
    }
  } finally {
    sockets.remove();
    installed.remove();
  }
});
