/**
 * A warning that reaches the user on every runtime: a process warning where
 * there is a `process` (Node, Bun, Deno), the console elsewhere (browsers,
 * edge workers). Reporting never throws: it must not be what breaks the host.
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
