/**
 * One error class for the whole package. Callers branch on `code`, which is
 * stable across releases; messages are for people and may be reworded.
 */

export const ErrorCode = {
  /** A marker name is not `provider:event` made of letters, digits, `_`, `.` or `-`. */
  INVALID_NAME: 'ERR_INVALID_NAME',
  /** A format string has an unknown conversion, a dangling `%` or a duplicate field name. */
  INVALID_FORMAT: 'ERR_INVALID_FORMAT',
  /** One marker name declared, or connected to, with two different formats. */
  FORMAT_MISMATCH: 'ERR_FORMAT_MISMATCH',
  /** A probe that is not a function. */
  INVALID_PROBE: 'ERR_INVALID_PROBE',
  /** A pattern that is neither a marker name nor a glob over one. */
  INVALID_PATTERN: 'ERR_INVALID_PATTERN',
  /** The same probe function connected twice to the same marker. */
  ALREADY_CONNECTED: 'ERR_ALREADY_CONNECTED',
  /** Two copies of the package in one thread whose shared state (src/abi/globals.ts, a ring) differs in version. */
  REGISTRY_VERSION: 'ERR_REGISTRY_VERSION',
  /** A thread did not answer a command in time (its event loop may be blocked). */
  THREAD_TIMEOUT: 'ERR_THREAD_TIMEOUT',
  /** A thread exited before answering a command. */
  THREAD_EXITED: 'ERR_THREAD_EXITED',
  /** A thread received a command it has no handler for. */
  UNKNOWN_COMMAND: 'ERR_UNKNOWN_COMMAND',
  /** An argument of the public API has the wrong type or value. */
  INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
  /** A control message that is not valid: garbage bytes, bad JSON, a missing field, an oversized line. */
  PROTOCOL: 'ERR_PROTOCOL',
  /** A control message in a protocol version this side does not speak. */
  PROTOCOL_VERSION: 'ERR_PROTOCOL_VERSION',
  /** The control socket directory has the wrong owner or is reachable by group or others. */
  UNSAFE_SOCKET_DIR: 'ERR_UNSAFE_SOCKET_DIR',
  /** No instrumented process matches: none runs, or the PID given has no control socket. */
  NO_TARGET: 'ERR_NO_TARGET',
  /** `-p` was left out while several instrumented processes run. */
  AMBIGUOUS_TARGET: 'ERR_AMBIGUOUS_TARGET',
  /** The target's control socket exists but cannot be reached (dead process, another user). */
  TARGET_UNREACHABLE: 'ERR_TARGET_UNREACHABLE',
  /** The target closed the connection (it exited) before a command finished. */
  TARGET_EXITED: 'ERR_TARGET_EXITED',
  /** The control server was asked to start twice, or could not start. */
  CONTROL_SERVER: 'ERR_CONTROL_SERVER',
  /** A trace directory, or its `metadata` file, does not exist. */
  TRACE_NOT_FOUND: 'ERR_TRACE_NOT_FOUND',
  /** A trace's metadata cannot be parsed, or describes something this reader does not support. */
  TRACE_METADATA: 'ERR_TRACE_METADATA',
  /** A stream file is truncated or holds bytes that break the layout (details name file and offset). */
  TRACE_CORRUPT: 'ERR_TRACE_CORRUPT',
  /** A packet's uuid differs from the metadata's: the stream file belongs to another trace. */
  TRACE_UUID_MISMATCH: 'ERR_TRACE_UUID_MISMATCH',
  /** An output file exists and `--force` was not given. */
  OUTPUT_EXISTS: 'ERR_OUTPUT_EXISTS',
  /** A recording's output directory exists and is not empty: someone's trace is never overwritten. */
  TRACE_DIR_NOT_EMPTY: 'ERR_TRACE_DIR_NOT_EMPTY',
  /** A trace directory or file cannot be created or written (permissions, full disk); what was lost is counted. */
  TRACE_WRITE: 'ERR_TRACE_WRITE',
  /** A recording that is stopped was asked to do something. */
  RECORDING_STOPPED: 'ERR_RECORDING_STOPPED',
  /** A probe module file that does not exist, is not a file, or has an extension markers cannot load. */
  PROBE_MODULE_NOT_FOUND: 'ERR_PROBE_MODULE_NOT_FOUND',
  /** A probe module (or its TypeScript) does not parse; the message gives file and line when known. */
  PROBE_MODULE_SYNTAX: 'ERR_PROBE_MODULE_SYNTAX',
  /** Importing a probe module failed: its top-level code threw, or one of its imports is missing. */
  PROBE_MODULE_IMPORT: 'ERR_PROBE_MODULE_IMPORT',
  /** A probe module's default export is not `{ name, probes, init?, cleanup?, report? }`. */
  PROBE_MODULE_SHAPE: 'ERR_PROBE_MODULE_SHAPE',
  /** A probe module's `init` threw or rejected; nothing of it was connected. */
  PROBE_MODULE_INIT: 'ERR_PROBE_MODULE_INIT',
  /** A probe module's `cleanup` threw or rejected; the module is unloaded all the same. */
  PROBE_MODULE_CLEANUP: 'ERR_PROBE_MODULE_CLEANUP',
  /** A probe module's `report` threw, or returned something that is not plain data. */
  PROBE_MODULE_REPORT: 'ERR_PROBE_MODULE_REPORT',
  /** A probe module with this name is already loaded; unload it first. */
  PROBE_MODULE_LOADED: 'ERR_PROBE_MODULE_LOADED',
  /** No probe module with this name is loaded. */
  PROBE_MODULE_NOT_LOADED: 'ERR_PROBE_MODULE_NOT_LOADED',
  /** A `.ts` probe module, and neither esbuild nor typescript can be found to transpile it. */
  PROBE_MODULE_TRANSPILER: 'ERR_PROBE_MODULE_TRANSPILER',
  /** The metrics agent's config file is missing, not JSON, or has an entry that cannot work (named in the message). */
  CONFIG_INVALID: 'ERR_CONFIG_INVALID',
  /** The metrics agent cannot listen on the address given (in use, not permitted). */
  METRICS_LISTEN: 'ERR_METRICS_LISTEN',
  /** Pushing to a remote-write receiver failed, or its `snappy` dependency is not installed. */
  REMOTE_WRITE: 'ERR_REMOTE_WRITE',
  /** A `where` expression that does not parse; details give the position (0-based) and column. */
  WHERE_SYNTAX: 'ERR_WHERE_SYNTAX',
  /** A `where` expression names a field a marker does not have, or compares values of different types. */
  WHERE_FIELD: 'ERR_WHERE_FIELD',
  /** An aggregation's `by`, `hist` or latency `key` field is missing from a marker, or has an unusable type. */
  AGGREGATE_FIELD: 'ERR_AGGREGATE_FIELD',
  /** No marker in any thread matches an aggregation's patterns (the CLI's check). */
  UNKNOWN_MARKER: 'ERR_UNKNOWN_MARKER',
  /** No aggregation with this id runs here (stopped, or started by another connection). */
  AGGREGATE_NOT_FOUND: 'ERR_AGGREGATE_NOT_FOUND',
  /** A feature this runtime cannot provide (recording in a browser, say); the message names both. */
  UNSUPPORTED_RUNTIME: 'ERR_UNSUPPORTED_RUNTIME',
  /**
   * Unloading a probe module: calls of its probes in flight, or its cleanup, did not settle
   * within the timeout. Its probes are disconnected all the same and its name is free.
   */
  PROBE_MODULE_TIMEOUT: 'ERR_PROBE_MODULE_TIMEOUT',
  /** A pattern given to the CLI matches no marker in any thread of the target (and --later was not given). */
  NO_MATCH: 'ERR_NO_MATCH',
  /** The trace directory (or a stream file in it) was deleted or replaced while recording. */
  TRACE_DIR_GONE: 'ERR_TRACE_DIR_GONE',
  /**
   * A control socket is not what it claims: owned by another user than its
   * directory's, not a socket, or held by another process than its name says.
   */
  UNTRUSTED_TARGET: 'ERR_UNTRUSTED_TARGET',
  /** The control server has as many connections as it allows; this one was refused. */
  TOO_MANY_CONNECTIONS: 'ERR_TOO_MANY_CONNECTIONS',
  /** A control command failed with an error that carries no code (a bug in markers or a probe); the message says what. */
  HANDLER_FAILED: 'ERR_HANDLER_FAILED',
  /** As many streaming recordings as a process allows are running; stop one first. */
  TOO_MANY_RECORDINGS: 'ERR_TOO_MANY_RECORDINGS',
  /** A channel marker's `pick` threw or returned no argument list (counted; reported once per channel). */
  CHANNEL_PICK: 'ERR_CHANNEL_PICK',
  /** A marker's pairing key (`marker(name, format, { key })`) is not a field of its format. */
  INVALID_KEY: 'ERR_INVALID_KEY',
  /** SIGINT/SIGTERM ended a CLI command that does not run until interrupted (exit 130). */
  INTERRUPTED: 'ERR_INTERRUPTED',
  /** One of markers' own workers (record()'s consumer) threw, exited or stayed silent before it was ready. */
  WORKER_START: 'ERR_WORKER_START',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The error every markers API throws. `code` is an `ERR_*` string; `details`
 * carries the objects involved (marker name, formats, file) for tools that
 * print them differently, such as the CLI's `--json`.
 */
export class MarkersError extends Error {
  // Assigned in the constructor (`declare`: no field initialisers to ship).
  declare readonly code: string;
  declare readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MarkersError';
    this.code = code;
    this.details = details;
  }

  /** A plain object that survives `JSON.stringify` and `postMessage`. */
  toJSON(): { code: string; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * True for an error thrown by any copy of markers. Two copies of the package in
 * one tree each have their own class, so this checks the name, not `instanceof`.
 */
export function isMarkersError(value: unknown, code?: string): value is MarkersError {
  return (
    value instanceof Error &&
    value.name === 'MarkersError' &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (code === undefined || (value as unknown as { code: string }).code === code)
  );
}
