/**
 * The package as users get it: `npm pack`, installed into a fresh project,
 * imported by name, type-checked by name, and its bin run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

test('a packed tarball installs into a fresh project, imports, type-checks and runs its bin', () => {
  const work = mkdtempSync(join(tmpdir(), 'markers-pack-'));
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: root,
      stdio: 'pipe',
    });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack produced no tarball');
    const app = join(work, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'app', type: 'module', private: true }),
    );
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, tarball)], {
      cwd: app,
      stdio: 'pipe',
    });

    writeFileSync(
      join(app, 'main.js'),
      `import { marker, connect, listMarkers } from 'markers';
       const m = marker('app:hello', 'n %d');
       const seen = [];
       const p = connect('app:*', (mk, n) => seen.push(n));
       m.fire?.(41);
       await p.disconnect();
       console.log(JSON.stringify({ seen, off: m.fire === undefined, listed: listMarkers().map((i) => i.name) }));`,
    );
    const out = execFileSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { seen: [41], off: true, listed: ['app:hello'] });

    writeFileSync(
      join(app, 'check.ts'),
      `import { marker } from 'markers';
       const m = marker('app:typed', 'n %d s %s');
       m.fire?.(1, 'ok');
       // @ts-expect-error the format says %d first
       m.fire?.('no', 'ok');
       export {};`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ['check.ts'],
      }),
    );
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, stdio: 'pipe' });

    const help = execFileSync(join(app, 'node_modules', '.bin', 'markers'), ['--help'], {
      encoding: 'utf8',
    });
    assert.match(help, /Usage: markers <command>/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
