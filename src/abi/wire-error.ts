/**
 * The one form of an error that crosses a boundary: between threads (the
 * coordinator's replies, the consumer and control workers' ports) and over
 * the control socket. Append-only: never rename or remove a field.
 *
 * `code` and `details` survive every crossing, so a MarkersError thrown in a
 * target's worker thread reaches the CLI with the same code and details as
 * if it were thrown in the CLI.
 */
import { MarkersError } from '../errors/markers-error.js';

export interface WireError {
  /** An ERR_* code (or a Node error code); ERR_HANDLER_FAILED for an error that had none. */
  readonly code: string;
  readonly message: string;
  /** A MarkersError's details, as JSON data, when it had any. */
  readonly details?: Record<string, unknown>;
}

const HANDLER_FAILED = 'ERR_HANDLER_FAILED';

/**
 * Any thrown value as a WireError. The details pass as JSON data, the one
 * form both a structured clone and the socket's JSON lines carry: details
 * that do not survive JSON (a cycle, a BigInt) are left out, never thrown.
 */
export function toWireError(error: unknown): WireError {
  const found = (error as { code?: unknown } | null)?.code;
  const code = typeof found === 'string' ? found : HANDLER_FAILED;
  const message = error instanceof Error ? error.message : String(error);
  const details = (error as { details?: unknown } | null)?.details;
  if (typeof details !== 'object' || details === null) return { code, message };
  try {
    const plain = JSON.parse(JSON.stringify(details)) as unknown;
    return typeof plain === 'object' && plain !== null && !Array.isArray(plain)
      ? { code, message, details: plain as Record<string, unknown> }
      : { code, message };
  } catch {
    return { code, message };
  }
}

/**
 * The MarkersError a WireError stands for: its code and details kept,
 * `extra` added to the details (who answered, which command), `prefix`
 * before the message. A WireError from the socket is untrusted: details
 * that are not an object are dropped.
 */
export function fromWireError(
  error: WireError | undefined,
  extra: Record<string, unknown> = {},
  prefix = '',
): MarkersError {
  const wire = error ?? { code: HANDLER_FAILED, message: 'no error given' };
  const own = wire.details;
  const details =
    typeof own === 'object' && own !== null && !Array.isArray(own) ? { ...own, ...extra } : extra;
  return new MarkersError(wire.code, `${prefix}${wire.message}`, details);
}
