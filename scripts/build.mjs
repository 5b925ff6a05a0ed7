// `npm run build`: dist/ as users install it. The package's entries are
// bundled (rollup for the ones that share a thread, esbuild for the ones that
// run alone) and tsc writes the declarations.
//
// Why a bundle and not tsc's file-for-file output: importing an ES module
// costs the loader about half a millisecond per file on this machine, and the
// root's eager graph is some forty files. Measured on Node 24 (bench:import,
// docs/bench.md): the root took 24.6 ms over `ms` (a one-file package) file
// for file, and 9.2 ms bundled, most of the rest Node's worker_threads. What
// the root loads on first use (recording, probe modules, the control server)
// stays out of its graph: dynamic import()s get chunks of their own, loaded
// when called.
//
// Every output is flat in dist/, so that import.meta.url of any bundled code
// is dist/ itself: src/own-files.ts finds the worker scripts and entries from
// there (and from src/ when the sources run under tsx).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every file of dist/ that something loads by name: package.json's exports
 * and bin, and the worker scripts (src/own-files.ts names the same set).
 *
 * `shared`: the entries one thread may load together (an app imports the
 * root, `--import markers/register` imports it too, and a probe module may
 * import `markers/trace`): one build, code they share in chunks, so that a
 * thread holds one copy of each module. The others are each alone in their
 * thread or process (a worker script, the CLI, the browser root), so each is
 * one self-contained file: fewest files to load.
 */
const ENTRY_POINTS = {
  shared: {
    index: 'src/index.ts',
    core: 'src/core.ts',
    register: 'src/register.ts',
    trace: 'src/trace/index.ts',
  },
  alone: {
    browser: { file: 'src/browser.ts', platform: 'browser' },
    cli: { file: 'src/cli/bin.ts', platform: 'node' },
    'control-worker': { file: 'src/control/worker.ts', platform: 'node' },
    'consumer-worker': { file: 'src/record/consumer/consumer-worker.ts', platform: 'node' },
  },
};

/** esbuild's options for an entry bundled alone. */
const ALONE = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  // Packages (typescript, esbuild, snappy) are the user's, resolved at run
  // time where they are installed; Node built-ins stay imports.
  packages: 'external',
  sourcemap: true,
  // Readable stacks and names: a tracer's own frames are read in bug reports.
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * The shared entries. esbuild compiles the sources file for file; rollup
 * bundles them, with one rule for chunks: every module the root loads
 * eagerly (a static import, at any depth) goes into one chunk, so
 * `import 'markers'` reads three files of ours (index.js, core.js for
 * defineProbeModule, and that chunk). What a dynamic import() loads first
 * goes where rollup puts it, in chunks of its own. (esbuild's own splitting
 * cuts the eager graph into a chunk per set of importers: eighteen files for
 * the root.)
 */
async function bundleShared(outdir, root) {
  const compiled = mkdtempSync(join(tmpdir(), 'markers-build-'));
  try {
    const src = join(root, 'src');
    await build({
      entryPoints: sourceFiles(src).map((file) => ({
        in: file,
        out: relative(src, file).replace(/\.ts$/, ''),
      })),
      outdir: compiled,
      format: 'esm',
      platform: 'node',
      target: 'es2022',
      sourcemap: true,
      logLevel: 'warning',
    });
    const entries = Object.fromEntries(
      Object.entries(ENTRY_POINTS.shared).map(([out, file]) => [
        out,
        join(compiled, relative('src', file).replace(/\.ts$/, '.js')),
      ]),
    );
    // Eager: what `import 'markers'` loads, the root's static imports at any
    // depth (core.ts included), found once by walking them from the root.
    let eager;
    const eagerOf = (getModuleInfo) => {
      const reached = new Set([entries.index]);
      for (const id of reached) {
        for (const imported of getModuleInfo(id)?.importedIds ?? []) {
          if (!getModuleInfo(imported)?.isExternal) reached.add(imported);
        }
      }
      return reached;
    };
    const bundleRun = await rollup({
      input: entries,
      external: (id) => !id.startsWith('.') && !isAbsolute(id),
      plugins: [withSourceMaps()],
      onwarn(warning, warn) {
        // `export *` of a type-only module compiles to an empty one: nothing to warn of.
        if (warning.code !== 'EMPTY_BUNDLE') warn(warning);
      },
    });
    await bundleRun.write({
      dir: outdir,
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunk-[hash].js',
      sourcemap: true,
      manualChunks(id, { getModuleInfo }) {
        // An entry's own module stays in its entry file.
        if (getModuleInfo(id)?.isEntry) return undefined;
        eager ??= eagerOf(getModuleInfo);
        return eager.has(id) ? 'eager' : undefined;
      },
    });
    await bundleRun.close();
  } finally {
    rmSync(compiled, { recursive: true, force: true });
  }
}

/** Rollup reads esbuild's maps beside each file, so dist/'s maps point at src/. */
function withSourceMaps() {
  return {
    name: 'markers-source-maps',
    load(id) {
      const map = `${id}.map`;
      if (!existsSync(map)) return null;
      return { code: readFileSync(id, 'utf8'), map: readFileSync(map, 'utf8') };
    },
  };
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Bundles the sources of `root` into `outdir` (emptied first). */
export async function bundle(outdir, root = ROOT) {
  rmSync(outdir, { recursive: true, force: true });
  await Promise.all([
    bundleShared(outdir, root),
    ...Object.entries(ENTRY_POINTS.alone).map(([out, { file, platform }]) =>
      build({
        ...ALONE,
        entryPoints: [{ in: join(root, file), out }],
        outdir,
        platform,
      }),
    ),
  ]);
  // The bin's path before dist/ was bundled, which the demo printed: kept, one line.
  mkdirSync(join(outdir, 'cli'), { recursive: true });
  writeFileSync(join(outdir, 'cli/bin.js'), "#!/usr/bin/env node\nimport '../cli.js';\n", {
    mode: 0o755,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = join(ROOT, 'dist');
  await bundle(dist);
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );
  process.exit(tsc.status ?? 1);
}
