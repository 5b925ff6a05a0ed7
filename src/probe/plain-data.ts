/**
 * Reports cross threads (postMessage) and then the control socket (JSON), so
 * what a module's `report()` returns is turned into JSON-safe data here, in
 * the thread that made it: Maps become objects, Sets arrays, bigints strings.
 * Anything JSON cannot hold (a cycle) is refused with ERR_PROBE_MODULE_REPORT
 * rather than lost on the way.
 */
import { ErrorCode, MarkersError } from '../errors/markers-error.js';

function replace(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

export function toPlainData(value: unknown, module: string, file: string): unknown {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value, replace);
  } catch (error) {
    throw new MarkersError(
      ErrorCode.PROBE_MODULE_REPORT,
      `report() of probe module "${module}" (${file}) returned data that is not plain: ${(error as Error).message}`,
      { module, file },
      { cause: error },
    );
  }
  return text === undefined ? null : JSON.parse(text);
}
