/**
 * The codes the core (marker/, registry/) throws, apart from the full table
 * in markers-error.ts so that a browser bundle of the core does not carry the
 * codes of the recorder, the CLI and the control server. The core writes them
 * as string literals checked by the type below, not as properties of an
 * object: a literal is all a bundle keeps (test/core-error-codes.test.ts
 * holds the list equal to entries of `ErrorCode`, which users compare against).
 */
import { MarkersError } from './markers-error.js';

export const CORE_ERROR_CODES = [
  'ERR_INVALID_NAME',
  'ERR_INVALID_FORMAT',
  'ERR_FORMAT_MISMATCH',
  'ERR_INVALID_PROBE',
  'ERR_INVALID_PATTERN',
  'ERR_ALREADY_CONNECTED',
  'ERR_REGISTRY_VERSION',
  'ERR_INVALID_KEY',
] as const;
export type CoreErrorCode = (typeof CORE_ERROR_CODES)[number];

/** The MarkersError of a core code; its type keeps a misspelt code from compiling. */
export function coreError(
  code: CoreErrorCode,
  message: string,
  details: Record<string, unknown>,
  options?: ErrorOptions,
): MarkersError {
  return new MarkersError(code, message, details, options);
}
