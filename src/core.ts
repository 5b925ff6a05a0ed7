/**
 * The core: what instruments code (`marker`) and what uses markers inside the
 * process (`connect`, `listMarkers`), with their errors and types. It is
 * declaration and registry code only, imports no Node built-in and creates
 * nothing at import, so it runs unchanged in browsers and edge workers (the
 * `browser` and `worker` conditions of package.json reach it through
 * browser.ts) and it is what index.ts loads eagerly on Node, Bun and Deno.
 *
 * This is the one list of what both roots export alike: index.ts and
 * browser.ts take it with `export *` and add only what differs (the lazily
 * loaded Node API, or its ERR_UNSUPPORTED_RUNTIME stand-ins).
 */
import type { ProbeModule } from './probe/module-shape.js';

export type { ConnectOptions } from './connect/connect.js';
export type { Probe, SkippedMarker } from './connect/connected-probe.js';
export { ErrorCode, isMarkersError, MarkersError } from './errors/markers-error.js';
export type {
  CheckArgs,
  CheckFormat,
  CheckName,
  Conversion,
  Field,
  FormatArgs,
} from './marker/format.js';
export { FieldType } from './marker/format.js';
export type { Marker, MarkerOptions } from './marker/marker.js';
export { connect, listMarkers, marker } from './registry/api.js';
export { type MarkerInfo, MarkerMode } from './registry/registry.js';
export { VERSION } from './version.js';

/**
 * Identity helper for typed probe modules: `export default defineProbeModule({ ... })`.
 * Defined here, not in probe/, so that it loads no probe code (the import above is a type).
 */
export function defineProbeModule<M extends ProbeModule>(module: M): M {
  return module;
}
