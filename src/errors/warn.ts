/**
 * Warn and go on: what markers does with an error that must not reach the
 * host (a probe that throws, a recording nobody awaits that failed to start,
 * a catalogue entry that cannot be declared, a trace file that cannot be
 * written). The error becomes a process warning, type MarkersWarning, with
 * the error's own code; reporting itself never throws, since it must not be
 * what breaks the host.
 *
 * A warning reaches the user on every runtime: a process warning where
 * there is a `process` (Node, Bun, Deno), the console elsewhere (browsers,
 * edge workers). This file imports nothing: the core carries it.
 */
export function emitMarkersWarning(message: string, code: string): void {
  try {
    const host = (globalThis as { process?: { emitWarning?: unknown } }).process;
    if (typeof host?.emitWarning === 'function') {
      (host.emitWarning as (m: string, o: object) => void)(message, {
        type: 'MarkersWarning',
        code,
      });
    } else {
      console.warn(`MarkersWarning [${code}]: ${message}`);
    }
  } catch {
    // Nowhere left to report to.
  }
}

/** What a caught value says: an Error's message, anything else as a string. */
function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    // A value whose toString throws.
    return 'an error that cannot be printed';
  }
}

/**
 * Reports a caught error as a warning, and swallows it: `context` says
 * what failed, the error's message follows, and its code is the warning's
 * (`fallbackCode` for an error without one).
 */
export function warnError(error: unknown, context: string, fallbackCode: string): void {
  let code: unknown;
  try {
    code = (error as { code?: unknown } | null)?.code;
  } catch {
    // A hostile getter: the fallback code.
  }
  emitMarkersWarning(
    `${context}: ${describeError(error)}`,
    typeof code === 'string' ? code : fallbackCode,
  );
}

/**
 * A promise the caller may never await (what record() and aggregate()
 * return): its rejection is a warning instead of an unhandled rejection
 * that would crash the application, unless `observed()` says by then that
 * someone awaits it, and so gets the error.
 */
export function warnUnlessObserved(
  promise: Promise<unknown>,
  observed: () => boolean,
  context: string,
  fallbackCode: string,
): void {
  promise.catch((error: unknown) => {
    if (!observed()) warnError(error, context, fallbackCode);
  });
}
