export { channelStats } from './channels/bind.js';
export {
  channelMarker,
  type EndFormat,
  type TracingChannelMarkers,
  tracingChannelMarker,
} from './channels/channel-marker.js';
export { type CatalogueOptions, installCatalogue } from './channels/install.js';
export type { ChannelLike, ChannelSourceInfo, TracingChannelLike } from './channels/source.js';
export { type ControlHandle, type ListenOptions, listen } from './control/listen.js';
export {
  ErrorCode,
  isMarkersError,
  MarkersError,
} from './errors/markers-error.js';
export type { CheckFormat, CheckName, Conversion, Field, FormatArgs } from './marker/format.js';
export { FieldType } from './marker/format.js';
export { type Marker, marker } from './marker/marker.js';
export { type LoadedProbeModule, loadProbeModule } from './probe/load.js';
export type { ProbeEntryInfo, ThreadModuleInfo } from './probe/local-module.js';
export {
  type LoadOptions,
  type ManagerOptions,
  type ProbeModuleInfo,
  ProbeModuleManager,
  type ProbeThreads,
  type ThreadModuleError,
  type ThreadReport,
} from './probe/manager.js';
export {
  defineProbeModule,
  type ProbeContext,
  type ProbeModule,
  type ProbeModuleEntry,
  type ProbeModuleFunction,
} from './probe/module-shape.js';
export {
  type PendingRecording,
  type Recording,
  type RecordOptions,
  record,
} from './record/record.js';
export {
  type PacketSink,
  RECORDING_DEFAULTS,
  type RecordingOptions,
  RecordingSession,
  type RecordingStats,
  type ThreadRecordingStats,
} from './record/session.js';
export { connect, listMarkers } from './registry/api.js';
export type { ConnectOptions, Probe, SkippedMarker } from './registry/probe.js';
export { type MarkerInfo, MarkerMode } from './registry/registry.js';
export { createTraceDirectory, type TraceDirectorySink } from './trace/writer.js';
export { VERSION } from './version.js';

import { scheduleChannelHandlers } from './channels/thread-handlers.js';
import { scheduleProbeHandlers } from './probe/thread-handlers.js';
import { installRecordHandlers } from './record/thread-handlers.js';

// Every thread that imports markers answers recording commands (the coordinator's
// START/FLUSH/STOP), so a recording started anywhere reaches it.
installRecordHandlers();

// ... and the probe module manager's commands.
scheduleProbeHandlers();

// ... and the control server's channels:install (the catalogue loads on that command).
scheduleChannelHandlers();
