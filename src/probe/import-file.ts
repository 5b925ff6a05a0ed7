/**
 * Imports a probe module file into this thread, once per content.
 *
 * ESM caches a module by URL for the life of the thread, and V8 never frees
 * an imported module (its record, code and top-level scope stay until the
 * thread exits). So the URL is derived from the content: the file URL with a
 * query holding a hash of its bytes, or, for TypeScript, a hidden sibling
 * `.mjs` file named after a hash of the transpiled code, removed as soon as
 * the import has settled. A new version of a file gets a new URL and is
 * imported afresh; loading the same content again reuses the module already
 * imported, so load/unload cycles of one file cost its memory once, not once
 * per load. The price: a reloaded module's top-level code does not run again
 * and its top-level state is the one it left (reset it in init() or
 * cleanup()). An import that failed is retried under a URL of its own, since
 * ESM would otherwise answer with the cached failure.
 *
 * The sibling sits next to the original so that its relative and package
 * imports resolve exactly as the original's would; if the directory is not
 * writable it goes to the OS temp directory, where only absolute and
 * built-in imports resolve.
 *
 * A probe module kept outside the application (in ~/probes, say) has no
 * `markers` to import from its directory. Its imports of `markers` are then
 * pointed at the copy of markers running in the target, and it is imported
 * from a sibling too: it shares the registry its markers live in.
 *
 * Node 20's SyntaxError for an ES module carries no line, so on that path the
 * file is checked once more with `node --check`, whose output has it.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { type OwnEntry, ownFile } from '../own-files.js';
import { isTypeScriptPath, transpileProbeModule } from './transpile.js';

const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts'];

/**
 * The absolute path of a probe module file, checked to exist.
 *
 * @throws MarkersError ERR_INVALID_ARGUMENT, ERR_PROBE_MODULE_NOT_FOUND
 */
export async function resolveProbeFile(path: unknown, base = process.cwd()): Promise<string> {
  if (typeof path !== 'string' || path === '') {
    throw new MarkersError(
      ErrorCode.INVALID_ARGUMENT,
      `a probe module path must be a non-empty string, got ${typeof path}`,
      {},
    );
  }
  const file = resolve(base, path);
  if (!EXTENSIONS.includes(extname(file))) {
    throw new MarkersError(
      ErrorCode.PROBE_MODULE_NOT_FOUND,
      `probe module ${file}: markers loads ${EXTENSIONS.join(', ')} files, not "${extname(file) || 'no extension'}"`,
      { file },
    );
  }
  let isFile = false;
  try {
    isFile = (await stat(file)).isFile();
  } catch {
    // Reported below, with the path.
  }
  if (!isFile) {
    throw new MarkersError(
      ErrorCode.PROBE_MODULE_NOT_FOUND,
      `probe module ${file} does not exist or is not a file${isAbsolute(path) ? '' : ` ("${path}" was resolved from ${base})`}`,
      { file },
    );
  }
  return file;
}

/** Transpiled JavaScript of a .ts file, given by a thread that already transpiled it. */
export interface ImportOptions {
  readonly source?: string | undefined;
}

/**
 * Imports `file` (absolute, checked by resolveProbeFile) and returns its
 * namespace object.
 *
 * @throws MarkersError ERR_PROBE_MODULE_SYNTAX, ERR_PROBE_MODULE_IMPORT,
 *   ERR_PROBE_MODULE_TRANSPILER
 */
export async function importProbeFile(file: string, options: ImportOptions = {}): Promise<unknown> {
  const typescript = isTypeScriptPath(file);
  let source = typescript ? (options.source ?? (await transpileProbeModule(file))) : undefined;
  if (!resolvesMarkers(file)) {
    // Kept outside the application: its `markers` is the copy running here.
    const original = source ?? (await readFile(file, 'utf8'));
    const pointed = pointAtOwnCopy(original);
    if (pointed !== original) source = pointed;
  }
  if (source === undefined) {
    const key = `${file}\0${contentHash(await readFile(file))}`;
    const url = `${pathToFileURL(file).href}?markers-load=${importTag(key)}`;
    return importOnce(key, () => importOrExplain(url, file, file));
  }
  const key = `${file}\0${contentHash(source)}`;
  const known = imported.get(key);
  if (known !== undefined) {
    // The module is cached under this URL, but Node 20 resolves a file URL
    // (checks the file exists) before it looks in the cache: put the file
    // back for the duration. Its content is never read again.
    const path = fileURLToPath(known);
    const made = await writeFile(path, source, { flag: 'wx', mode: 0o600 }).then(
      () => true,
      () => false,
    );
    try {
      return await importOrExplain(known, file, file);
    } finally {
      if (made) await unlink(path).catch(() => {});
    }
  }
  const extension = typescript ? '.mjs' : extname(file);
  const sibling = await writeSibling(file, source, extension, importTag(key));
  const url = pathToFileURL(sibling).href;
  try {
    return await importOnce(key, () => importOrExplain(url, file, sibling), url);
  } finally {
    await unlink(sibling).catch(() => {});
  }
}

/** URL already imported successfully in this thread, by file and content hash. */
const imported = new Map<string, string>();
/** Keys whose last import failed: retried under a fresh tag. */
const failed = new Set<string>();

function contentHash(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 24);
}

/** The URL tag of a key: its content hash, plus a nonce after a failed import. */
function importTag(key: string): string {
  const hash = key.slice(key.lastIndexOf('\0') + 1);
  return failed.has(key) ? `${hash}-${randomUUID().slice(0, 8)}` : hash;
}

async function importOnce(
  key: string,
  load: () => Promise<unknown>,
  url?: string,
): Promise<unknown> {
  try {
    const namespace = await load();
    failed.delete(key);
    if (url !== undefined) imported.set(key, url);
    return namespace;
  } catch (error) {
    failed.add(key);
    throw error;
  }
}

/** The package's entry points, by the subpath its package.json `exports` names them. */
const OWN_ENTRIES: Readonly<Record<string, OwnEntry>> = {
  '': 'index',
  '/trace': 'trace',
  '/register': 'register',
};

/** ESM import forms naming `markers` or one of its subpaths. */
const MARKERS_SPECIFIER =
  /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])markers(\/[A-Za-z0-9_./-]*)?\2/g;

/** True when `markers` resolves from the probe file's directory (the file is in a project that has it). */
function resolvesMarkers(file: string): boolean {
  try {
    createRequire(file).resolve('markers/package.json');
    return true;
  } catch {
    return false;
  }
}

/** The source with every import of `markers` pointed at the copy of markers running this code. */
export function pointAtOwnCopy(source: string): string {
  return source.replace(MARKERS_SPECIFIER, (whole, lead: string, quote: string, sub?: string) => {
    const entry = OWN_ENTRIES[sub ?? ''];
    if (entry === undefined) return whole;
    return `${lead}${quote}${ownFile(entry).href}${quote}`;
  });
}

/** The hidden name a transpiled copy of `file` is imported under (see writeSibling). */
function siblingPrefix(file: string): string {
  return `.${basename(file)}.markers-`;
}

/**
 * True when a marker's declaring `location` (file:line:column) is in `file`,
 * or in a transpiled copy of it: markers that a load of `file` declared.
 */
export function isInProbeFile(file: string, location: string): boolean {
  const path = location.replace(/:\d+:\d+$/, '');
  if (path === file) return true;
  const name = basename(path);
  return (
    name.startsWith(siblingPrefix(file)) &&
    (dirname(path) === dirname(file) || dirname(path) === tmpdir())
  );
}

/**
 * Writes `source` next to `file` if that directory is writable, else in the
 * OS temp directory. Never over an existing file: in the shared temp
 * directory the name also gets a random part, so nobody can plant a file
 * under the name markers will import.
 */
async function writeSibling(
  file: string,
  source: string,
  extension: string,
  tag: string,
): Promise<string> {
  // pid and thread id: every thread of every process imports its own copy.
  const name = `${siblingPrefix(file)}${process.pid}-${threadId}-${tag}`;
  const besides = join(dirname(file), `${name}${extension}`);
  try {
    await writeFile(besides, source, { flag: 'wx', mode: 0o600 });
    return besides;
  } catch {
    const elsewhere = join(tmpdir(), `${name}-${randomUUID().slice(0, 8)}${extension}`);
    await writeFile(elsewhere, source, { flag: 'wx', mode: 0o600 });
    return elsewhere;
  }
}

async function importOrExplain(url: string, file: string, checked: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (error) {
    if (error instanceof SyntaxError) {
      const where = await locateSyntaxError(checked);
      const hint =
        file.endsWith('.js') && /\b(export|import)\b/.test(error.message)
          ? ' (a .js file is CommonJS unless its package.json says "type": "module"; name it .mjs)'
          : '';
      // The transpiled sibling's lines are not the .ts file's: name the .ts only.
      const line = checked === file ? where : undefined;
      throw new MarkersError(
        ErrorCode.PROBE_MODULE_SYNTAX,
        `probe module ${line === undefined ? file : `${file}:${line}`} does not parse: ${error.message}${hint}`,
        line === undefined ? { file } : { file, line },
        { cause: error },
      );
    }
    const code = (error as { code?: unknown })?.code;
    throw new MarkersError(
      ErrorCode.PROBE_MODULE_IMPORT,
      `probe module ${file} failed to import: ${error instanceof Error ? error.message : String(error)}`,
      typeof code === 'string' ? { file, cause: code } : { file },
      { cause: error },
    );
  }
}

/** The line `node --check` reports for a syntax error in `file`, if it is in that file. */
function locateSyntaxError(file: string): Promise<number | undefined> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--check', file],
      { timeout: 10_000, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, _stdout, stderr) => {
        if (error === null) {
          done(undefined);
          return;
        }
        const prefix = `${file}:`;
        const first = stderr.split('\n').find((line) => line.startsWith(prefix));
        const line = Number(first?.slice(prefix.length));
        done(Number.isInteger(line) && line > 0 ? line : undefined);
      },
    );
  });
}
