import { fileURLToPath } from 'node:url';

// Matches the last "file:line:column" of a V8 stack frame, with or without "(...)".
const FRAME = /(?:\(|at )((?:file:\/\/|\/|[A-Za-z]:\\|node:)?[^()]*?):(\d+):(\d+)\)?$/;

/**
 * The `file:line:column` of the code that called `above`. Read from the stack
 * string, not from structured call sites, so that source maps (tsx,
 * --enable-source-maps) point at the source the author wrote. Declaration
 * happens once per marker, so the cost of a stack trace is paid once.
 */
export function callerLocation(above: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  try {
    Error.captureStackTrace(holder, above);
  } finally {
    Error.stackTraceLimit = limit;
  }
  const line = holder.stack?.split('\n')[1]?.trim();
  const match = line === undefined ? null : FRAME.exec(line);
  if (match === null) return 'unknown';
  let file = match[1] ?? 'unknown';
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      // keep the URL as it was
    }
  }
  return `${file}:${match[2]}:${match[3]}`;
}
