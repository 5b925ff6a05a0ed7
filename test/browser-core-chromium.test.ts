/**
 * The core in browsers and edge workers: `import { marker, connect,
 * listMarkers } from 'markers'` bundles (esbuild) through the package's
 * `browser` and `worker` export conditions into a graph without a Node
 * built-in or any tracer module, and runs in real headless Chromium under a
 * Content-Security-Policy without unsafe-eval, where dispatchers are closures:
 * markers off (`fire === undefined`), probes called, and the Node-only API
 * failing with ERR_UNSUPPORTED_RUNTIME. The same bundle runs in a vm context
 * that forbids code generation.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { createContext, runInContext } from 'node:vm';
import { build, type Metafile, type Platform } from 'esbuild';
import { type PackageCopy, packageCopy } from './helpers/package-copy.js';

const PAGE_SCRIPT = `
import { connect, listMarkers, marker, record } from 'markers';
// No top-level await: the vm test runs this as a classic script (iife).
void (async () => {
const out = {};
try { new Function('return 1'); out.evalBlocked = false; } catch { out.evalBlocked = true; }
const m = marker('web:click', 'x %d label %s');
out.off = m.fire === undefined;
const seen = [];
const probe = connect('web:*', (mk, x, label) => { seen.push([mk.name, x, label]); });
out.on = typeof m.fire === 'function';
m.fire?.(3, 'ok');
out.listed = listMarkers().map((i) => [i.name, i.mode, i.hits]);
await probe.disconnect();
out.offAgain = m.fire === undefined;
out.seen = seen;
out.record = await record({ markers: 'web:*', output: 'x' }).then(() => 'started', (e) => e.code);
globalThis.report(out);
})();
`;

const EXPECTED = {
  evalBlocked: true,
  off: true,
  on: true,
  listed: [['web:click', 'call', 1]],
  offAgain: true,
  seen: [['web:click', 3, 'ok']],
  record: 'ERR_UNSUPPORTED_RUNTIME',
};

const CHROMIUM = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find(existsSync);

let copy: PackageCopy;
before(async () => {
  copy = await packageCopy();
  copy.write('page.js', PAGE_SCRIPT);
});
after(() => copy.remove());

async function bundle(
  platform: Platform,
  conditions: string[],
  format: 'esm' | 'iife' = 'esm',
): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    absWorkingDir: copy.dir,
    entryPoints: ['page.js'],
    bundle: true,
    platform,
    conditions,
    format,
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    target: 'es2022',
  });
  const meta = result.metafile as Metafile;
  return {
    code: result.outputFiles[0]?.text ?? '',
    inputs: Object.keys(meta.inputs).map((p) => relative('node_modules/markers/dist', p)),
  };
}

// The core graph: declaration, registry, connect()'s policy, errors, and browser.ts's Node-only stubs,
// and the table of globalThis keys the registry lives under (abi/globals).
const CORE =
  /^(browser|core|version|abi\/globals|connect\/[a-z-]+|errors\/[a-z-]+|marker\/[a-z-]+|registry\/[a-z-]+|record\/pending)\.ts$/;

for (const [target, platform, conditions] of [
  ['browser', 'browser', []],
  ['worker-style edge runtime', 'neutral', ['worker']],
] as const) {
  test(`for a ${target}, the package's exports pick the core, with no Node built-in and no tracer module`, async () => {
    const { inputs } = await bundle(platform, [...conditions]);
    const ours = inputs.filter((p) => p !== relative('node_modules/markers/dist', 'page.js'));
    assert.ok(
      ours.includes('browser.js'),
      `the ${target} build did not use dist/browser.js: ${ours}`,
    );
    const sources = copy.bundledSources('browser.js');
    assert.ok(sources.includes('browser.ts'), String(sources));
    const outside = [
      ...ours.filter((p) => p !== 'browser.js'),
      ...sources.filter((p) => !CORE.test(p)),
    ];
    assert.deepEqual(outside, [], `modules outside the core in the ${target} graph`);
  });
}

test('on Node, the default condition still picks the whole package', async () => {
  const { inputs } = await bundle('node', []);
  assert.ok(inputs.includes('index.js'), String(inputs));
});

test('in a vm context that forbids code generation, probes run on closure dispatchers', async () => {
  const { code } = await bundle('browser', [], 'iife');
  let reported: unknown;
  const context = createContext(
    { report: (out: unknown) => (reported = out), console },
    { codeGeneration: { strings: false, wasm: false } },
  );
  runInContext(code, context);
  const deadline = Date.now() + 30_000;
  while (reported === undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.deepEqual(JSON.parse(JSON.stringify(reported)), EXPECTED);
});

test('in headless Chromium, under a CSP without unsafe-eval, markers are off and probes run', async () => {
  assert.ok(CHROMIUM, 'no Chromium: apt-get install -y chromium-headless-shell (or chromium)');
  const { code } = await bundle('browser', []);
  const page = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<pre id="result">pending</pre>
<script>globalThis.report = (out) => { document.getElementById('result').textContent = JSON.stringify(out); };
window.addEventListener('error', (e) => { document.getElementById('result').textContent = 'error: ' + e.message; });
</script>
<script type="module" src="/bundle.js"></script></body></html>`;
  const server = createServer((req, res) => {
    // No 'unsafe-eval': new Function throws, as on many production sites.
    const csp = "default-src 'none'; script-src 'self' 'sha256-INLINE'";
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'content-security-policy': csp });
      res.end(code);
    } else {
      res.writeHead(200, {
        'content-type': 'text/html',
        'content-security-policy': csp.replace('sha256-INLINE', inlineHash(page)),
      });
      res.end(page);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const profile = mkdtempSync(join(tmpdir(), 'markers-chromium-'));
  try {
    const dom = await new Promise<string>((resolve, reject) => {
      execFile(
        CHROMIUM,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          `--user-data-dir=${profile}`,
          '--virtual-time-budget=10000',
          '--dump-dom',
          `http://127.0.0.1:${port}/`,
        ],
        { timeout: 120_000, maxBuffer: 16 << 20 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const text = /<pre id="result">([^<]*)<\/pre>/.exec(dom)?.[1] ?? dom;
    const decoded = text.replaceAll('&quot;', '"').replaceAll('&amp;', '&');
    assert.deepEqual(JSON.parse(decoded), EXPECTED, decoded);
  } finally {
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

function inlineHash(page: string): string {
  const inline = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
  return `sha256-${createHash('sha256').update(inline).digest('base64')}`;
}
