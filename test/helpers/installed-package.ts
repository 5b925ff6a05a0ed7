// The package as users install it: `npm pack` of this tree (which builds
// dist/), installed into a fresh application directory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './control.js';

export interface InstalledApp {
  /** The temporary directory: app/ holds the application, the rest is free for sockets. */
  readonly work: string;
  readonly app: string;
  /** The installed CLI's entry: run it with process.execPath. */
  readonly bin: string;
  remove(): void;
}

export function installPackage(): InstalledApp {
  const work = mkdtempSync(join(tmpdir(), 'markers-installed-'));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz')) as string;
  const app = join(work, 'app');
  mkdirSync(app);
  execFileSync('npm', ['init', '-y'], { cwd: app, stdio: 'pipe' });
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, tarball)], {
    cwd: app,
    stdio: 'pipe',
  });
  return {
    work,
    app,
    bin: join(app, 'node_modules/markers/dist/cli.js'),
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}
