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
  /** Two copies of the package in one thread whose registries cannot share. */
  REGISTRY_VERSION: 'ERR_REGISTRY_VERSION',
  /** A thread did not answer a command in time (its event loop may be blocked). */
  THREAD_TIMEOUT: 'ERR_THREAD_TIMEOUT',
  /** A thread exited before answering a command. */
  THREAD_EXITED: 'ERR_THREAD_EXITED',
  /** A thread received a command it has no handler for. */
  UNKNOWN_COMMAND: 'ERR_UNKNOWN_COMMAND',
  /** An argument of the public API has the wrong type or value. */
  INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
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
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The error every markers API throws. `code` is an `ERR_*` string; `details`
 * carries the objects involved (marker name, formats, file) for tools that
 * print them differently, such as the CLI's `--json`.
 */
export class MarkersError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

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
