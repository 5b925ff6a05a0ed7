/**
 * TypeScript probe modules, turned into JavaScript that Node 20 can import.
 *
 * The core has no runtime dependencies, so it borrows a transpiler that is
 * already installed: esbuild first (fast, and tsx brings it), then
 * typescript's transpileModule. Each is looked up from the probe file's own
 * directory first (the project the probe belongs to), then from where markers
 * is installed. Neither found: ERR_PROBE_MODULE_TRANSPILER, saying what to do.
 *
 * Only types are removed; nothing is type-checked or bundled. Imports stay as
 * written and are resolved by Node from the probe file's directory.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
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

type Transpiler =
  | { readonly kind: 'esbuild'; readonly api: EsbuildLike }
  | { readonly kind: 'typescript'; readonly api: TypeScriptLike };

const TS_EXTENSIONS = ['.ts', '.mts'];

export function isTypeScriptPath(path: string): boolean {
  return TS_EXTENSIONS.some((ext) => path.endsWith(ext));
}

async function importFrom(id: string, bases: readonly string[]): Promise<unknown> {
  for (const base of bases) {
    let resolved: string;
    try {
      resolved = createRequire(base).resolve(id);
    } catch {
      continue;
    }
    const namespace = (await import(pathToFileURL(resolved).href)) as { default?: unknown };
    return namespace.default ?? namespace;
  }
  return undefined;
}

async function findTranspiler(file: string): Promise<Transpiler> {
  const bases = [file, import.meta.url];
  const esbuild = (await importFrom('esbuild', bases)) as EsbuildLike | undefined;
  if (typeof esbuild?.transform === 'function') return { kind: 'esbuild', api: esbuild };
  const typescript = (await importFrom('typescript', bases)) as TypeScriptLike | undefined;
  if (typeof typescript?.transpileModule === 'function') {
    return { kind: 'typescript', api: typescript };
  }
  throw new MarkersError(
    ErrorCode.PROBE_MODULE_TRANSPILER,
    `cannot load TypeScript probe module ${file}: neither esbuild nor typescript can be found from its directory or from markers' own; install one (npm install -D esbuild) or compile the module to .mjs first`,
    { file },
  );
}

function syntaxError(file: string, line: number | undefined, detail: string): MarkersError {
  const where = line === undefined ? file : `${file}:${line}`;
  return new MarkersError(
    ErrorCode.PROBE_MODULE_SYNTAX,
    `probe module ${where} does not parse: ${detail}`,
    line === undefined ? { file } : { file, line },
  );
}

/**
 * Reads a `.ts`/`.mts` probe module and returns it as ES module JavaScript.
 *
 * @throws MarkersError ERR_PROBE_MODULE_TRANSPILER, ERR_PROBE_MODULE_SYNTAX
 */
export async function transpileProbeModule(file: string): Promise<string> {
  const source = await readFile(file, 'utf8');
  const transpiler = await findTranspiler(file);
  if (transpiler.kind === 'esbuild') {
    try {
      const result = await transpiler.api.transform(source, {
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
  const ts = transpiler.api;
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
