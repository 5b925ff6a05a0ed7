/**
 * The probe module format, the counterpart of a kernel probe `.ko`:
 *
 *   export default {
 *     name: 'latency',
 *     probes: { 'http:request_done': (m, method, path, status, ms) => {},
 *               'db:*': { format: 'sql %s ms %f', probe: (m, sql, ms) => {} } },
 *     init(ctx) {}, cleanup(ctx) {}, report() {},
 *   };
 *
 * validateProbeModule checks all of it before anything runs, so a broken
 * module is refused before its `init` could acquire anything.
 */
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { parseFormat } from '../marker/format.js';
import type { Marker } from '../marker/marker.js';
import { compilePattern } from '../registry/pattern.js';
import type { ThreadInfo } from '../threads/coordinator.js';

// biome-ignore lint/suspicious/noExplicitAny: a pattern's argument types are only known at run time
export type ProbeModuleFunction = (marker: Marker, ...args: any[]) => unknown;

/** A probe entry: a function, or a function with the format it expects. */
export type ProbeModuleEntry =
  | ProbeModuleFunction
  | { readonly format: string; readonly probe: ProbeModuleFunction };

/** What `init` and `cleanup` receive. One context per module per thread. */
export interface ProbeContext {
  /** The module's `name`. */
  readonly name: string;
  /** The absolute path of the module file. */
  readonly path: string;
  /** The thread this copy of the module runs in. */
  readonly thread: ThreadInfo;
}

/** The default export of a probe module. */
export interface ProbeModule {
  readonly name: string;
  /** May be empty, or left out, when `init` does the work. */
  readonly probes?: Readonly<Record<string, ProbeModuleEntry>>;
  init?(ctx: ProbeContext): unknown;
  cleanup?(ctx: ProbeContext): unknown;
  report?(): unknown;
}

/** One validated probe entry. */
export interface ProbeSpec {
  readonly pattern: string;
  readonly format: string | undefined;
  readonly fn: ProbeModuleFunction;
}

/** A module that passed validation: everything needed to init and connect it. */
export interface ValidatedModule {
  readonly name: string;
  readonly path: string;
  readonly probes: readonly ProbeSpec[];
  readonly module: ProbeModule;
}

/** Module names show up in CLI tables and commands: keep them to one plain word. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

function shapeError(path: string, problem: string, extra: Record<string, unknown> = {}): never {
  throw new MarkersError(
    ErrorCode.PROBE_MODULE_SHAPE,
    `probe module ${path}: ${problem}. Expected: export default { name: 'my-probes', probes: { 'provider:event': (marker, ...args) => {} } }`,
    { file: path, ...extra },
  );
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * Checks the namespace object a probe module's import produced.
 *
 * @throws MarkersError ERR_PROBE_MODULE_SHAPE, ERR_INVALID_PATTERN, ERR_INVALID_FORMAT
 */
export function validateProbeModule(namespace: unknown, path: string): ValidatedModule {
  const exported = (namespace as { default?: unknown } | null)?.default;
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    shapeError(path, `the default export must be an object, got ${typeName(exported)}`);
  }
  const module = exported as Record<string, unknown>;
  const name = module.name;
  if (typeof name !== 'string' || !SAFE_NAME.test(name)) {
    shapeError(
      path,
      `"name" must be 1 to 64 letters, digits, "_", "." or "-" (not starting with "." or "-"), got ${
        typeof name === 'string' ? JSON.stringify(name) : typeName(name)
      }`,
    );
  }
  for (const hook of ['init', 'cleanup', 'report'] as const) {
    if (module[hook] !== undefined && typeof module[hook] !== 'function') {
      shapeError(path, `"${hook}" must be a function when present, got ${typeName(module[hook])}`, {
        module: name,
      });
    }
  }
  // A module whose init does all the work (it subscribes to channels, say) needs no probes.
  const probes = module.probes === undefined && module.init !== undefined ? {} : module.probes;
  if (typeof probes !== 'object' || probes === null || Array.isArray(probes)) {
    shapeError(path, `"probes" must be an object of pattern -> probe, got ${typeName(probes)}`, {
      module: name,
    });
  }
  const specs: ProbeSpec[] = [];
  for (const [pattern, entry] of Object.entries(probes as Record<string, unknown>)) {
    try {
      compilePattern(pattern);
    } catch (error) {
      throw new MarkersError(
        ErrorCode.INVALID_PATTERN,
        `probe module "${name}" (${path}): ${(error as Error).message}`,
        { file: path, module: name, pattern },
        { cause: error },
      );
    }
    if (typeof entry === 'function') {
      specs.push({ pattern, format: undefined, fn: entry as ProbeModuleFunction });
      continue;
    }
    const { format, probe } = (entry ?? {}) as { format?: unknown; probe?: unknown };
    if (typeof entry !== 'object' || entry === null || typeof probe !== 'function') {
      shapeError(
        path,
        `probe "${pattern}" must be a function or { format, probe: function }, got ${typeName(entry)}`,
        { module: name, pattern },
      );
    }
    if (typeof format !== 'string') {
      shapeError(path, `probe "${pattern}" has a "format" that is not a string`, {
        module: name,
        pattern,
      });
    }
    try {
      parseFormat(format, pattern);
    } catch (error) {
      throw new MarkersError(
        ErrorCode.INVALID_FORMAT,
        `probe module "${name}" (${path}): ${(error as Error).message}`,
        { file: path, module: name, pattern, format },
        { cause: error },
      );
    }
    specs.push({ pattern, format, fn: probe as ProbeModuleFunction });
  }
  if (specs.length === 0 && module.init === undefined) {
    shapeError(path, '"probes" is empty and there is no init() to do the work', { module: name });
  }
  return { name, path, probes: specs, module: exported as ProbeModule };
}
