// A fresh project with markers installed from `npm pack`, as a user installs it,
// and Node binaries of chosen abilities for targets started in it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './control.js';

export interface InstalledApp {
  readonly work: string;
  readonly app: string;
  /** `npm install ARGS` in the app; throws when npm fails (no network, say). */
  install(...args: string[]): void;
  remove(): void;
}

export function installedApp(): InstalledApp {
  const work = mkdtempSync(join(tmpdir(), 'markers-installed-'));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz')) as string;
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }));
  const install = (...args: string[]): void => {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', ...args], {
      cwd: app,
      stdio: 'pipe',
      timeout: 120_000,
    });
  };
  install('--offline', join(work, tarball));
  return { work, app, install, remove: () => rmSync(work, { recursive: true, force: true }) };
}

/** A Node binary whose `module.stripTypeScriptTypes` is there (strips: true) or not. */
export function nodeThatStrips(strips: boolean): string | undefined {
  const candidates = [
    process.execPath,
    ...['node20', 'node22', 'node24', 'node26'].map((v) => join(ROOT, '.runtimes', v, 'bin/node')),
  ];
  for (const node of candidates) {
    if (!existsSync(node)) continue;
    const has = execFileSync(node, [
      '-p',
      "typeof require('node:module').stripTypeScriptTypes === 'function'",
    ])
      .toString()
      .trim();
    if ((has === 'true') === strips) return node;
  }
  return undefined;
}
