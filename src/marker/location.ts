// Matches the last "file:line:column" of a stack frame: V8's "at f (file:1:2)"
// and "at file:1:2", and JavaScriptCore's or SpiderMonkey's "f@file:1:2". The
// file is anything without parentheses: a path, C:\x, or a file:, node: or http(s): URL.
const FRAME = /(?:\(|at |@)([^()]*?):(\d+):(\d+)\)?$/;

type CaptureStackTrace = (holder: object, above: (...args: never[]) => unknown) => void;

/**
 * The `file:line:column` of the code that called `above`. Read from the stack
 * string, not from structured call sites, so that source maps (tsx,
 * --enable-source-maps) point at the source the author wrote. Declaration
 * happens once per marker, so the cost of a stack trace is paid once.
 *
 * No Node built-in is used: this runs in browsers and edge workers too, where
 * a location may be an http(s) URL, and engines without
 * Error.captureStackTrace give a plain stack whose frame 2 is the caller.
 */
export function callerLocation(above: (...args: never[]) => unknown): string {
  const capture = (Error as { captureStackTrace?: CaptureStackTrace }).captureStackTrace;
  let line: string | undefined;
  if (typeof capture === 'function') {
    const holder: { stack?: string } = {};
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 1;
    try {
      capture(holder, above);
    } finally {
      Error.stackTraceLimit = limit;
    }
    line = holder.stack?.split('\n')[1];
  } else {
    // Frames: callerLocation, above (marker), its caller.
    line = new Error().stack?.split('\n')[2];
  }
  const match = FRAME.exec(line?.trim() ?? '');
  return match === null ? 'unknown' : `${filePath(match[1] as string)}:${match[2]}:${match[3]}`;
}

/** A file: URL as a path (what Node's fileURLToPath gives for these); any other string as is. */
function filePath(file: string): string {
  if (!file.startsWith('file://')) return file;
  try {
    const { host, pathname } = new URL(file);
    const path = decodeURIComponent(pathname);
    // file://host/x is the UNC path //host/x; file:///C:/x is the Windows path C:\x.
    return host !== ''
      ? `//${host}${path}`
      : /^\/[A-Za-z]:\//.test(path)
        ? path.slice(1).replaceAll('/', '\\')
        : path;
  } catch {
    return file;
  }
}
