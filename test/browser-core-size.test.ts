/**
 * The browser core's budget (DESIGN: at most 4 KiB gzipped): the app of
 * bench:size that imports `marker`, `connect` and `listMarkers`, bundled by
 * esbuild for the browser and minified, gzips (level 9) to at most 4,096
 * bytes. A size is deterministic (pinned esbuild, zlib), so this is a test,
 * not a benchmark; `npm run bench:size` prints the figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundleForBrowser, CORE_APP, CORE_GZIP_BUDGET } from './helpers/browser-bundle.js';
import { packageCopy } from './helpers/package-copy.js';

test(`the browser core (marker + connect + listMarkers) is at most ${CORE_GZIP_BUDGET} bytes gzipped`, async () => {
  const copy = await packageCopy();
  try {
    const size = await bundleForBrowser(copy, CORE_APP);
    // The bundle really is the core: a broken build must not pass as small.
    assert.ok(
      size.modules.some(([path]) => path === 'browser.js'),
      String(size.modules),
    );
    // dist/browser.js is itself a bundle (scripts/build.mjs): its source map names what is in it.
    const sources = copy.bundledSources('browser.js');
    assert.ok(sources.includes('registry/registry.ts'), String(sources));
    const largest = size.modules
      .slice(0, 5)
      .map(([path, bytes]) => `${path} ${bytes}`)
      .join(', ');
    assert.ok(
      size.gzip <= CORE_GZIP_BUDGET,
      `the browser core is ${size.gzip} bytes gzipped (${size.raw} minified), over the budget of ${CORE_GZIP_BUDGET} by ${size.gzip - CORE_GZIP_BUDGET}; largest modules (minified bytes): ${largest}`,
    );
  } finally {
    copy.remove();
  }
});
