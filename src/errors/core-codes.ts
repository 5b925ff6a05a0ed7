/**
 * The codes the core (marker/, registry/) throws, apart from the full table
 * in markers-error.ts so that a browser bundle of the core does not carry the
 * codes of the recorder, the CLI and the control server. The values are the
 * same strings as there (test/core-error-codes.test.ts holds them equal);
 * users compare against `ErrorCode`, which has them all.
 */
export const CoreErrorCode = {
  INVALID_NAME: 'ERR_INVALID_NAME',
  INVALID_FORMAT: 'ERR_INVALID_FORMAT',
  FORMAT_MISMATCH: 'ERR_FORMAT_MISMATCH',
  INVALID_PROBE: 'ERR_INVALID_PROBE',
  INVALID_PATTERN: 'ERR_INVALID_PATTERN',
  ALREADY_CONNECTED: 'ERR_ALREADY_CONNECTED',
  REGISTRY_VERSION: 'ERR_REGISTRY_VERSION',
  INVALID_KEY: 'ERR_INVALID_KEY',
} as const;
