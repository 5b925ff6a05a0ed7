/**
 * The package as a runtime other than this Node sees it: a fresh directory
 * holding `node_modules/markers` (package.json and a dist/ compiled from the
 * sources by esbuild, file for file, in a fraction of tsc's time) and a
 * `package.json` of its own, where a test writes the app it runs with Bun,
 * Deno or another Node. Import it as `markers`, exactly as users do.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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
  remove(): void;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export async function packageCopy(): Promise<PackageCopy> {
  const dir = mkdtempSync(join(tmpdir(), 'markers-runtime-'));
  const pkg = join(dir, 'node_modules', 'markers');
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  const src = join(ROOT, 'src');
  await build({
    entryPoints: sources(src).map((file) => ({
      in: file,
      out: relative(src, file).replace(/\.ts$/, ''),
    })),
    outdir: join(pkg, 'dist'),
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    bundle: false,
    logLevel: 'silent',
  });
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
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
