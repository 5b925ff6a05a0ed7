// The installed package (helpers/installed-package.ts) in an ES module
// application that can install more, and Node binaries of chosen abilities
// for targets started in it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './control.js';
import { type InstalledApp, installPackage } from './installed-package.js';

export interface InstallingApp extends InstalledApp {
  /** `npm install ARGS` in the app; throws when npm fails (no network, say). */
  install(...args: string[]): void;
}

export function installedApp(): InstallingApp {
  const installed = installPackage();
  const manifest = join(installed.app, 'package.json');
  writeFileSync(
    manifest,
    JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), type: 'module' }),
  );
  const install = (...args: string[]): void => {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', ...args], {
      cwd: installed.app,
      stdio: 'pipe',
      timeout: 120_000,
    });
  };
  return { ...installed, install };
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
