/**
 * An app bundled for the browser the way bench:size measures the core:
 * esbuild, `--platform=browser --format=esm --minify`, from a package copy
 * (so the package's `browser` condition picks dist/browser.js), then gzip -9
 * and brotli of the output. Shared by bench/size/browser-core.ts (the figures
 * in docs/bench.md) and test/browser-core-size.test.ts (the budget).
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import type { PackageCopy } from './package-copy.js';

/** What a library and its app use of markers in a browser: the core's three functions. */
export const CORE_APP = `import { marker, connect, listMarkers } from 'markers';
const m = marker('app:x', 'n %d');
connect('app:*', () => {});
m.fire?.(1);
console.log(listMarkers());`;

/** The budget for CORE_APP, gzipped (DESIGN: the browser core is at most 4 KiB). */
export const CORE_GZIP_BUDGET = 4096;

export interface BrowserBundle {
  readonly raw: number;
  readonly gzip: number;
  readonly brotli: number;
  /** Bytes each input module contributes to the output, largest first; paths relative to the package's dist/. */
  readonly modules: readonly (readonly [string, number])[];
}

export async function bundleForBrowser(
  copy: PackageCopy,
  source: string,
  name = 'entry.js',
): Promise<BrowserBundle> {
  const entry = copy.write(name, source);
  const result = await build({
    absWorkingDir: copy.dir,
    // Peers (debug, pino, ...) resolve from this repository's node_modules.
    nodePaths: [new URL('../../node_modules', import.meta.url).pathname],
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
  const output = Object.values((result.metafile as Metafile).outputs)[0];
  const modules = Object.entries(output?.inputs ?? {})
    .map(
      ([path, v]) =>
        [path.replace(/^.*node_modules\/markers\/dist\//, ''), v.bytesInOutput] as const,
    )
    .sort((a, b) => b[1] - a[1]);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes).length,
    modules,
  };
}
