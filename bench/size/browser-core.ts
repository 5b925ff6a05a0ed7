/**
 * The size of the core as a browser bundle carries it (the figure for
 * docs/bench.md; test/browser-core-size.test.ts holds it to the DESIGN's
 * budget of 4 KiB gzipped). An app that imports `marker`, `connect` and
 * `listMarkers` from 'markers' is bundled by esbuild for the browser (the
 * package's `browser` condition, minified), and its bytes are reported raw,
 * gzipped (level 9) and brotli'd, per module too. Peers bundled the same
 * way: pino's browser build, debug, @opentelemetry/api.
 *
 * Run: npm run bench:size
 */
import { bundleForBrowser, CORE_APP, CORE_GZIP_BUDGET } from '../../test/helpers/browser-bundle.js';
import { packageCopy } from '../../test/helpers/package-copy.js';

const APPS: readonly { readonly name: string; readonly source: string; readonly core?: true }[] = [
  { name: 'markers: marker + connect + listMarkers', source: CORE_APP, core: true },
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
    const size = await bundleForBrowser(copy, app.source);
    process.stdout.write(
      `${app.name.padEnd(46)} ${String(size.raw).padStart(6)}  ${String(size.gzip).padStart(7)}  ${String(size.brotli).padStart(8)}\n`,
    );
    if (app.core) {
      for (const [path, bytes] of size.modules) {
        process.stdout.write(`    ${path.padEnd(42)} ${String(bytes).padStart(6)}\n`);
      }
      const left = CORE_GZIP_BUDGET - size.gzip;
      process.stdout.write(
        `    budget ${CORE_GZIP_BUDGET} B gzipped: ${left >= 0 ? `met, ${left} B to spare` : `missed by ${-left} B`}\n`,
      );
    }
  }
} finally {
  copy.remove();
}
