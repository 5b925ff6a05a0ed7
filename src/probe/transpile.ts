/**
 * TypeScript probe modules, turned into JavaScript the running Node imports.
 *
 * The core has no runtime dependencies, so it uses what is there, in order:
 *
 *   1. Node's own type stripping (`module.stripTypeScriptTypes`, Node >= 22.13
 *      and 23.2): no package needed. It removes erasable syntax only; a module
 *      with an enum, a namespace or parameter properties goes on to 2.
 *   2. esbuild's transform (tsx brings it).
 *   3. typescript's transpileModule, which TypeScript 5 and 6 have. TypeScript
 *      7 (the native compiler, what `npm install typescript` gives today) has
 *      no transpile API, and is said to be unusable rather than missing.
 *
 * Packages are looked up from the probe file's own directory first (the
 * project the probe belongs to), then from where markers is installed, at
 * every load: installing esbuild while the target runs makes the next load
 * work, without a restart. Nothing usable: ERR_PROBE_MODULE_TRANSPILER, saying
 * exactly what to install and where.
 *
 * Only types are removed; nothing is type-checked or bundled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';

interface EsbuildLike {
  transform(
    source: string,
    options: Record<string, unknown>,
  ): Promise<{ code: string; warnings: unknown[] }>;
}

interface TypeScriptLike {
  transpileModule(
    source: string,
    options: Record<string, unknown>,
  ): {
    outputText: string;
    diagnostics?: {
      messageText: unknown;
      start?: number;
      file?: { getLineAndCharacterOfPosition(p: number): { line: number; character: number } };
    }[];
  };
  ModuleKind: { ESNext: number };
  ScriptTarget: { ES2022: number };
  flattenDiagnosticMessageText(text: unknown, newline: string): string;
}

type StripTypes = (code: string, options?: { mode?: 'strip' }) => string;

const TS_EXTENSIONS = ['.ts', '.mts'];

export function isTypeScriptPath(path: string): boolean {
  return TS_EXTENSIONS.some((ext) => path.endsWith(ext));
}

interface FoundPackage {
  readonly dir: string;
  readonly manifest: { version?: unknown; main?: unknown; exports?: unknown };
}

/**
 * Finds an installed package by walking up node_modules from each base, with
 * plain file reads. Node's own resolver remembers a package.json it did not
 * find for the life of the process, so a transpiler installed after a failed
 * look-up would stay invisible until a restart.
 */
function findPackage(id: string, bases: readonly string[]): FoundPackage | undefined {
  for (const base of bases) {
    const start = base.startsWith('file:') ? fileURLToPath(base) : base;
    for (let dir = dirname(start); ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', id);
      try {
        const manifest = JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8'));
        if (typeof manifest === 'object' && manifest !== null) return { dir: candidate, manifest };
      } catch {
        // not installed here, or unreadable: keep walking up
      }
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** The file a package's root entry names: exports "." (import, default, require) or main. */
function entryOf(found: FoundPackage): string {
  let target: unknown = found.manifest.exports;
  if (typeof target === 'object' && target !== null && '.' in target) {
    target = (target as Record<string, unknown>)['.'];
  }
  while (typeof target === 'object' && target !== null) {
    const conditions = target as Record<string, unknown>;
    target = conditions.import ?? conditions.default ?? conditions.node ?? conditions.require;
  }
  const main = typeof target === 'string' ? target : found.manifest.main;
  return join(found.dir, typeof main === 'string' ? main : 'index.js');
}

async function importFrom(id: string, bases: readonly string[]): Promise<unknown> {
  const found = findPackage(id, bases);
  if (found === undefined) return undefined;
  const namespace = (await import(pathToFileURL(entryOf(found)).href)) as { default?: unknown };
  return namespace.default ?? namespace;
}

/** The directory of the project a probe file belongs to: where `npm install` should run. */
function projectOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return dirname(file);
  }
}

function syntaxError(file: string, line: number | undefined, detail: string): MarkersError {
  const where = line === undefined ? file : `${file}:${line}`;
  return new MarkersError(
    ErrorCode.PROBE_MODULE_SYNTAX,
    `probe module ${where} does not parse: ${detail}`,
    line === undefined ? { file } : { file, line },
  );
}

function nodeStripper(): StripTypes | undefined {
  const strip = (nodeModule as { stripTypeScriptTypes?: unknown }).stripTypeScriptTypes;
  return typeof strip === 'function' ? (strip as StripTypes) : undefined;
}

/**
 * Node's type stripping, or undefined when the source uses syntax it cannot
 * erase. Node warns that the API is experimental on every first use; that
 * warning would land in the traced application's stderr, so it is held back
 * for the length of this synchronous call only.
 */
function stripWithNode(strip: StripTypes, source: string, file: string): string | undefined {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('stripTypeScriptTypes')) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return strip(source, { mode: 'strip' });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') return undefined;
    if (code === 'ERR_INVALID_TYPESCRIPT_SYNTAX') {
      // The first stack line is ":LINE" (the source had no file name).
      const line = Number(/^[^\n]*:(\d+)\n/.exec(String((error as Error).stack))?.[1]);
      throw syntaxError(
        file,
        Number.isInteger(line) && line > 0 ? line : undefined,
        String((error as Error).message),
      );
    }
    throw error;
  } finally {
    process.emitWarning = emitWarning;
  }
}

async function withEsbuild(api: EsbuildLike, source: string, file: string): Promise<string> {
  try {
    const result = await api.transform(source, {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
      sourcefile: file,
    });
    return result.code;
  } catch (error) {
    const first = (error as { errors?: { text?: string; location?: { line?: number } }[] })
      .errors?.[0];
    throw syntaxError(file, first?.location?.line, first?.text ?? (error as Error).message);
  }
}

function withTypeScript(ts: TypeScriptLike, source: string, file: string): string {
  const output = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const first = output.diagnostics?.[0];
  if (first !== undefined) {
    const line =
      first.file !== undefined && first.start !== undefined
        ? first.file.getLineAndCharacterOfPosition(first.start).line + 1
        : undefined;
    throw syntaxError(file, line, ts.flattenDiagnosticMessageText(first.messageText, ' '));
  }
  return output.outputText;
}

/** The refusal, naming what was tried and exactly what to install. */
async function noTranspiler(
  file: string,
  bases: readonly string[],
  stripped: 'none' | 'unsupported',
): Promise<MarkersError> {
  const tried: string[] = [];
  tried.push(
    stripped === 'none'
      ? `Node ${process.version} cannot strip types (Node >= 22.13 can)`
      : `Node's type stripping cannot erase its syntax (an enum, a namespace or parameter properties)`,
  );
  tried.push('esbuild is not installed');
  const typescript = findPackage('typescript', bases);
  const tsVersion =
    typeof typescript?.manifest.version === 'string' ? typescript.manifest.version : undefined;
  if (typescript === undefined) tried.push('typescript is not installed');
  else {
    tried.push(
      `typescript ${tsVersion ?? '(unknown version)'} (${typescript.dir}) has no transpile API${
        Number.parseInt(tsVersion ?? '', 10) >= 7 ? ' (TypeScript 7 is the native compiler)' : ''
      }`,
    );
  }
  const project = projectOf(file);
  return new MarkersError(
    ErrorCode.PROBE_MODULE_TRANSPILER,
    `cannot load TypeScript probe module ${file}: ${tried.join('; ')}. Install a transpiler where the probe lives: cd ${project} && npm install -D esbuild (or typescript@5), or compile the module to .mjs; the next load finds it, no restart needed`,
    { file, project, node: process.version, typescript: tsVersion ?? null },
  );
}

/**
 * Reads a `.ts`/`.mts` probe module and returns it as ES module JavaScript.
 *
 * @throws MarkersError ERR_PROBE_MODULE_TRANSPILER, ERR_PROBE_MODULE_SYNTAX
 */
export async function transpileProbeModule(file: string): Promise<string> {
  const source = await readFile(file, 'utf8');
  const strip = nodeStripper();
  if (strip !== undefined) {
    const stripped = stripWithNode(strip, source, file);
    if (stripped !== undefined) return stripped;
  }
  const bases = [file, import.meta.url];
  const esbuild = (await importFrom('esbuild', bases)) as EsbuildLike | undefined;
  if (typeof esbuild?.transform === 'function') return withEsbuild(esbuild, source, file);
  const typescript = (await importFrom('typescript', bases).catch(() => undefined)) as
    | TypeScriptLike
    | undefined;
  if (typeof typescript?.transpileModule === 'function') {
    return withTypeScript(typescript, source, file);
  }
  throw await noTranspiler(file, bases, strip === undefined ? 'none' : 'unsupported');
}
