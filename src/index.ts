export { type ControlHandle, type ListenOptions, listen } from './control/listen.js';
export {
  ErrorCode,
  isMarkersError,
  MarkersError,
} from './errors/markers-error.js';
export type { CheckFormat, CheckName, Conversion, Field, FormatArgs } from './marker/format.js';
export { FieldType } from './marker/format.js';
export { type Marker, marker } from './marker/marker.js';
export { connect, listMarkers } from './registry/api.js';
export type { ConnectOptions, Probe, SkippedMarker } from './registry/probe.js';
export { type MarkerInfo, MarkerMode } from './registry/registry.js';
export { VERSION } from './version.js';
