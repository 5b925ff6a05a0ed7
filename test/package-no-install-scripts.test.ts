/**
 * The package as installed: its manifest runs nothing at install time, and
 * `npx --no markers` in an application that depends on it runs that copy,
 * while outside one it refuses instead of fetching a package of that name.
 * The README only shows the form that cannot fetch.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { VERSION } from '../src/version.js';
import { ROOT } from './helpers/control.js';
import { installedApp } from './helpers/installed-app.js';

const INSTALL_TIME = ['preinstall', 'install', 'postinstall', 'prepare'];

test('the packed manifest has no install-time script, and npx --no markers runs the installed copy', () => {
  const installed = installedApp();
  const elsewhere = mkdtempSync(join(tmpdir(), 'markers-no-app-'));
  try {
    const manifest = JSON.parse(
      readFileSync(join(installed.app, 'node_modules/markers/package.json'), 'utf8'),
    ) as { scripts?: Record<string, string> };
    const scripts = Object.keys(manifest.scripts ?? {});
    assert.deepEqual(
      scripts.filter((s) => INSTALL_TIME.includes(s)),
      [],
      `install-time scripts in ${scripts.join(', ')}`,
    );

    const env = { ...process.env, npm_config_offline: 'true', npm_config_yes: 'false' };
    const inApp = spawnSync('npx', ['--no', '--', 'markers', '--version'], {
      cwd: installed.app,
      encoding: 'utf8',
      env,
    });
    assert.equal(inApp.status, 0, inApp.stderr);
    assert.equal(inApp.stdout.trim(), VERSION);
    // Plain `npx markers` too, as users type it: the installed bin, offline.
    const plain = spawnSync('npx', ['markers', 'ps', '--json'], {
      cwd: installed.app,
      encoding: 'utf8',
      env: { ...env, MARKERS_SOCKET_DIR: join(installed.work, 'sockets') },
    });
    assert.equal(plain.status, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout), { processes: [] });

    const outside = spawnSync('npx', ['--no', '--', 'markers', '--version'], {
      cwd: elsewhere,
      encoding: 'utf8',
      env,
    });
    assert.notEqual(outside.status, 0, 'npx --no must not fetch or run a markers from elsewhere');
    assert.notEqual(outside.stdout.trim(), VERSION);
  } finally {
    installed.remove();
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('the README never shows an npx markers that could fetch from the registry', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const fetching = readme.split('\n').filter((line) => /\bnpx (?!--no )markers\b/.test(line));
  assert.deepEqual(fetching, []);
});
