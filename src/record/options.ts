/**
 * A recording's options: what record(), the consumer and the control
 * server's commands accept, their defaults, and their validation into the
 * arguments every thread's record:start receives (abi/thread-ops.ts).
 * Validated where the recording is asked for, so a bad option is an
 * ERR_INVALID_ARGUMENT (or ERR_INVALID_PATTERN) for the caller, never a
 * failure in another thread.
 */

import type { ThreadStartArgs } from '../abi/thread-ops.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { compilePattern, type Pattern } from '../registry/pattern.js';
import { MIN_STRING_BYTES } from './producer/utf8.js';

export interface RecordingOptions {
  /** Marker names or globs (`http:*`). */
  readonly markers: string | readonly string[];
  /** `discard` (default): a full buffer drops new events. `overwrite`: a flight recorder keeping the newest. */
  readonly mode?: 'discard' | 'overwrite';
  /** Bytes of ring buffer per thread (default 4 MiB). */
  readonly bufferSize?: number;
  /** Bytes per sub-buffer, i.e. per CTF packet (default 64 KiB). */
  readonly subBufferSize?: number;
  /** Longest string field, in UTF-8 bytes, before truncation (default 1024). */
  readonly maxStringBytes?: number;
  /** Close a packet this long after it opened, for live consumers (default 50 in discard mode, 0 = never in overwrite mode). */
  readonly flushMs?: number;
  /** Overwrite mode: where the buffers are written if the process dies of an uncaught exception. */
  readonly crashDir?: string;
  /** How long to wait for each thread to answer (default 5000 ms). */
  readonly timeoutMs?: number;
}

export const RECORDING_DEFAULTS = {
  bufferSize: 4 * 1024 * 1024,
  subBufferSize: 64 * 1024,
  maxStringBytes: 1024,
  flushMs: 50,
  timeoutMs: 5000,
} as const;

const META_BYTES = 64 * 1024;
const MIN_SUB_BUFFER = 4096;
const MAX_SUB_BUFFERS = 4096;

/** Several patterns as one matcher. */
export function unionPattern(patterns: readonly string[]): Pattern {
  const compiled = patterns.map((p) => compilePattern(p));
  const [first] = compiled;
  if (compiled.length === 1 && first !== undefined) return first;
  return {
    source: patterns.join(','),
    exact: false,
    matches: (name) => compiled.some((p) => p.matches(name)),
  };
}

function invalid(message: string, details: Record<string, unknown>): MarkersError {
  return new MarkersError(ErrorCode.INVALID_ARGUMENT, message, details);
}

function positiveInt(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(`recording option ${name} must be an integer >= ${min}, got ${String(value)}`, {
      option: name,
    });
  }
  return value;
}

/** Validates options into what every thread receives. Throws ERR_INVALID_ARGUMENT / ERR_INVALID_PATTERN. */
export function resolveOptions(
  options: RecordingOptions,
): Omit<ThreadStartArgs, 'sessionId' | 'uuid' | 'originMs'> {
  if (typeof options !== 'object' || options === null) {
    throw invalid('recording options must be an object', {});
  }
  const patterns = typeof options.markers === 'string' ? [options.markers] : options.markers;
  if (!Array.isArray(patterns) || patterns.length === 0) {
    throw invalid('recording option markers must be a pattern or a non-empty list of patterns', {
      option: 'markers',
    });
  }
  unionPattern(patterns);
  const mode = options.mode ?? 'discard';
  if (mode !== 'discard' && mode !== 'overwrite') {
    throw invalid(`recording option mode must be "discard" or "overwrite", got ${String(mode)}`, {
      option: 'mode',
    });
  }
  const subBufferSize = positiveInt(
    options.subBufferSize,
    'subBufferSize',
    RECORDING_DEFAULTS.subBufferSize,
    MIN_SUB_BUFFER,
  );
  const bufferSize = positiveInt(
    options.bufferSize,
    'bufferSize',
    Math.max(RECORDING_DEFAULTS.bufferSize, 2 * subBufferSize),
    2 * subBufferSize,
  );
  const subBuffers = Math.floor(bufferSize / subBufferSize);
  if (subBuffers > MAX_SUB_BUFFERS) {
    throw invalid(
      `recording option bufferSize ${bufferSize} makes ${subBuffers} sub-buffers of ${subBufferSize} bytes; at most ${MAX_SUB_BUFFERS}`,
      { option: 'bufferSize' },
    );
  }
  const maxStringBytes = Math.min(
    positiveInt(
      options.maxStringBytes,
      'maxStringBytes',
      RECORDING_DEFAULTS.maxStringBytes,
      MIN_STRING_BYTES,
    ),
    // A string must leave room for the event around it in one packet.
    Math.floor(subBufferSize / 4),
  );
  const flushMs = positiveInt(
    options.flushMs,
    'flushMs',
    mode === 'discard' ? RECORDING_DEFAULTS.flushMs : 0,
    0,
  );
  return {
    patterns: [...patterns],
    mode,
    subBufferSize,
    subBuffers,
    flushMs,
    maxStringBytes,
    metaBytes: META_BYTES,
  };
}
