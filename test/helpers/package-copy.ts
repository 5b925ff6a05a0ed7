/**
 * The package as a runtime other than this Node sees it: a fresh directory
 * holding `node_modules/markers` (package.json and a dist/ bundled from the
 * sources as `npm run build` bundles them, scripts/build.mjs, without tsc's
 * declarations) and a `package.json` of its own, where a test writes the app it runs with Bun,
 * Deno or another Node. Import it as `markers`, exactly as users do.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../../scripts/build.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PackageCopy {
  /** The app directory: package.json, node_modules/markers. */
  readonly dir: string;
  /** node_modules/markers inside it. */
  readonly pkg: string;
  write(name: string, text: string): string;
  /**
   * Runs `script` (written with write()) under this Node with `nodeFlags`
   * before it and `args` after it, and parses its stdout as one JSON
   * document; a failing run rejects with its stderr.
   */
  runJson<T>(
    script: string,
    options?: { nodeFlags?: readonly string[]; args?: readonly string[]; timeoutMs?: number },
  ): Promise<T>;
  /**
   * The sources one bundled file of dist/ holds, relative to src/ (from its
   * source map: scripts/build.mjs bundles, so a file names no module).
   */
  bundledSources(file: string): string[];
  remove(): void;
}

export async function packageCopy(): Promise<PackageCopy> {
  const dir = mkdtempSync(join(tmpdir(), 'markers-runtime-'));
  const pkg = join(dir, 'node_modules', 'markers');
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  await bundle(join(pkg, 'dist'), ROOT);
  writeFileSync(
    join(dir, 'package.json'),
    // The dependency is what lets Deno resolve `npm:markers/...` from node_modules.
    JSON.stringify({
      name: 'runtime-app',
      type: 'module',
      private: true,
      dependencies: { markers: '*' },
    }),
  );
  return {
    dir,
    pkg,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    runJson<T>(
      script: string,
      options: { nodeFlags?: readonly string[]; args?: readonly string[]; timeoutMs?: number } = {},
    ): Promise<T> {
      const { nodeFlags = [], args = [], timeoutMs = 120_000 } = options;
      return new Promise<T>((resolve, reject) => {
        execFile(
          process.execPath,
          [...nodeFlags, script, ...args],
          { cwd: dir, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
          (error, out, err) =>
            error ? reject(new Error(`${error.message}\n${err}`)) : resolve(JSON.parse(out) as T),
        );
      });
    },
    bundledSources(file) {
      const map = JSON.parse(readFileSync(join(pkg, 'dist', `${file}.map`), 'utf8')) as {
        sources: string[];
      };
      return map.sources.map((source) => source.replace(/^.*\/src\//, ''));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
