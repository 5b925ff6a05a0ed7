/**
 * The package root on Node, Bun and Deno.
 *
 * Importing it loads the core (core.ts: declaration and registry code) and
 * joins this thread to the process's threads, so the CLI can reach it: one
 * BroadcastChannel, no tracer code, no timer, worker, socket or file; a main
 * thread with no worker yet joins at its first new Worker() instead, so the
 * import loads none of Node's worker_threads (threads/join.ts). The
 * rest of the API loads on first use, behind the same names and contracts:
 * add a lazily loaded function with `onFirstCall(() => import(...), 'name')`,
 * and its types with `export type` (erased, so they load nothing).
 *
 * What a user's code may reach, and why each value is here:
 *   marker, connect, listMarkers, record, listen, loadProbeModule, aggregate,
 *   channelMarker, MarkersError, ErrorCode    DESIGN's API
 *   tracingChannelMarker, installCatalogue, channelStats
 *                     Node's own channels (DESIGN "Node's own channels", README)
 *   ProbeModuleManager  loadProbeModule() across every thread, workers started
 *                     later included: what the CLI's `load` does, for an
 *                     application that loads probe modules from its own code
 *                     (docs/probe.md). Loaded on first use.
 *   isMarkersError, MarkerMode, FieldType, VERSION, defineProbeModule
 *                     helpers for the above (a type guard, enums, typing)
 * Nothing else: the recording's consumer (RecordingConsumer and its PacketSink),
 * the trace writer (createTraceDirectory, TraceDirectorySink), the
 * coordinator and the control server are internal (src/abi holds what their
 * threads share), and the package's `exports` reach no other file. The types
 * of the values above stay importable from here, erased at run time.
 * test/core-root-exports.test.ts holds this list; README's "The API" says
 * the same to users.
 */
// First: this copy's registry, if it is the thread's first, is the Node one
// (channel markers' activity hooks, forget() for probe modules).
import './registry/node-registry.js';
import { resolve } from 'node:path';
import type { AggregateOptions } from './abi/aggregate.js';
import type { PendingAggregation } from './aggregate/aggregate.js';
import { StartingAggregation } from './aggregate/pending.js';
import type { CatalogueOptions } from './channels/install.js';
import { loadOnce, onFirstCall } from './lazy.js';
import { type PendingRecording, type RecordOptions, StartingRecording } from './record/pending.js';
import { joinThreadsWhenNeeded } from './threads/join.js';

export type {
  AggregateOptions,
  AggregateSpec,
  GroupSnapshot,
  HistSnapshot,
  KeyValue,
  LatencyCounters,
  PartSnapshot,
} from './abi/aggregate.js';
export type { RecordingStats, ThreadRecordingStats } from './abi/recording-stats.js';
export type { ProbeEntryInfo, ThreadModuleInfo } from './abi/thread-ops.js';
export type {
  AggregateSnapshot,
  Aggregation,
  PendingAggregation,
  ThreadProblem,
} from './aggregate/aggregate.js';
export type {
  AggregateGroup,
  AggregateResult,
  Bucket as AggregateBucket,
} from './aggregate/snapshot/summarize.js';
// Channel markers are declarations, like marker(): they load with the root,
// and subscribe to their channel only while enabled.
export { channelStats } from './channels/bind.js';
export {
  channelMarker,
  type EndFormat,
  type TracingChannelMarkers,
  tracingChannelMarker,
} from './channels/channel-marker.js';
export type { CatalogueOptions } from './channels/install.js';
export type { ChannelLike, ChannelSourceInfo, TracingChannelLike } from './channels/source.js';
export type { ControlHandle, ListenOptions } from './control/listen.js';
// The core, as browser.ts exports it too: the one list is core.ts.
export * from './core.js';
export type { LoadedProbeModule } from './probe/load.js';
export type {
  LoadOptions,
  ManagerOptions,
  ProbeModuleInfo,
  ProbeThreads,
  ThreadModuleError,
  ThreadReport,
} from './probe/manager.js';
export { ProbeModuleManager } from './probe/manager-on-demand.js';
export type {
  ProbeContext,
  ProbeModule,
  ProbeModuleEntry,
  ProbeModuleFunction,
} from './probe/module-shape.js';
export type { RecordingOptions } from './record/options.js';
export type { PendingRecording, Recording, RecordOptions } from './record/pending.js';

/**
 * Starts the control server (same as `node --import markers/register`).
 * Calling it again returns the same server. Rejects with
 * ERR_UNSAFE_SOCKET_DIR or ERR_CONTROL_SERVER (see control/listen.ts).
 */
export const listen = onFirstCall(() => import('./control/listen.js'), 'listen');

/**
 * Declares the catalogue's markers for Node's and the installed libraries'
 * diagnostics channels in this thread (see channels/install.ts); resolves to
 * their names. The control server does it in every thread by itself.
 */
export async function installCatalogue(options?: CatalogueOptions): Promise<readonly string[]> {
  return (await loadCatalogue()).installCatalogue(options);
}
const loadCatalogue = loadOnce(() => import('./channels/install.js'));

/** Loads a probe module into this thread only (see probe/load.ts). */
export const loadProbeModule = onFirstCall(() => import('./probe/load.js'), 'loadProbeModule');

const loadRecord = loadOnce(() => import('./record/record.js'));

/**
 * Starts recording the markers `options.markers` matches, in every thread
 * (and threads started later), into the trace directory `options.output`.
 * Returns the Recording at once; await it to know every thread records.
 *
 * @throws (through the promise) MarkersError ERR_INVALID_ARGUMENT,
 *   ERR_INVALID_PATTERN, ERR_TRACE_DIR_NOT_EMPTY, ERR_TRACE_WRITE.
 */
export function record(options: RecordOptions): PendingRecording {
  const started = loadRecord().then((loaded) => loaded.startRecording(options));
  return new StartingRecording(outputOf(options), started);
}

// The absolute output path, known before record.ts loads (it resolves it the same way).
function outputOf(options: RecordOptions): string {
  const output = (options as Partial<RecordOptions> | undefined)?.output;
  return typeof output === 'string' && output !== '' ? resolve(output) : '';
}

const loadAggregator = loadOnce(() => import('./aggregate/aggregate.js'));

/**
 * Counts and histograms of the markers `options.markers` matches, in every
 * thread (and threads started later): see aggregate/aggregate.ts. Returns the
 * aggregation at once; await it to know every thread aggregates. Option
 * errors (ERR_INVALID_ARGUMENT, ERR_INVALID_PATTERN, ERR_WHERE_SYNTAX,
 * ERR_WHERE_FIELD, ERR_AGGREGATE_FIELD) arrive through the promise.
 */
export function aggregate(options: AggregateOptions): PendingAggregation {
  const id = globalThis.crypto.randomUUID();
  return new StartingAggregation(id, () =>
    loadAggregator().then((aggregator) => ({ real: aggregator.aggregate(options, { id }) })),
  );
}

joinThreadsWhenNeeded();
