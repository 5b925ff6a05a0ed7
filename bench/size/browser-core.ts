/**
 * The size of the core as a browser bundle carries it (not a test: the figure
 * for docs/bench.md; the DESIGN's target is <= 4 KiB gzipped). An app that
 * imports `marker`, `connect` and `listMarkers` from 'markers' is bundled by
 * esbuild for the browser (the package's `browser` condition, minified), and
 * the bytes markers adds are reported raw, gzipped (level 9) and brotli'd,
 * per module too. Peers bundled the same way: pino's browser build, debug,
 * @opentelemetry/api.
 *
 * Run: npm run bench:size
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { packageCopy } from '../../test/helpers/package-copy.js';

const APPS: readonly { readonly name: string; readonly source: string }[] = [
  {
    name: 'markers: marker + connect + listMarkers',
    source: `import { marker, connect, listMarkers } from 'markers';
const m = marker('app:x', 'n %d');
connect('app:*', () => {});
m.fire?.(1);
console.log(listMarkers());`,
  },
  {
    name: 'markers: marker only (a library)',
    source: `import { marker } from 'markers';
const m = marker('app:x', 'n %d');
m.fire?.(1);`,
  },
  { name: 'debug', source: `import debug from 'debug'; debug('app')('x');` },
  { name: 'pino (browser build)', source: `import pino from 'pino'; pino().info('x');` },
  {
    name: '@opentelemetry/api',
    source: `import { trace } from '@opentelemetry/api'; trace.getTracer('app').startSpan('x').end();`,
  },
];

const copy = await packageCopy();
try {
  process.stdout.write('bundle (esbuild --platform=browser --minify)   raw B   gzip B  brotli B\n');
  for (const app of APPS) {
    const entry = copy.write('entry.js', app.source);
    const result = await build({
      absWorkingDir: copy.dir,
      // The peers resolve from this repository's node_modules.
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
    const gz = gzipSync(bytes, { level: 9 }).length;
    const br = brotliCompressSync(bytes).length;
    process.stdout.write(
      `${app.name.padEnd(46)} ${String(bytes.length).padStart(6)}  ${String(gz).padStart(7)}  ${String(br).padStart(8)}\n`,
    );
    if (app.name.startsWith('markers: marker +')) {
      const output = Object.values((result.metafile as Metafile).outputs)[0];
      const parts = Object.entries(output?.inputs ?? {})
        .map(
          ([path, v]) =>
            [path.replace(/^.*node_modules\/markers\/dist\//, ''), v.bytesInOutput] as const,
        )
        .sort((a, b) => b[1] - a[1]);
      for (const [path, size] of parts) {
        process.stdout.write(`    ${path.padEnd(42)} ${String(size).padStart(6)}\n`);
      }
    }
  }
} finally {
  copy.remove();
}
