/**
 * The thread operations: every command one thread sends another on the
 * threads channel (abi/threads.ts), with its arguments and its result. The
 * map ThreadOps types the coordinator's handle() and request(), so a handler
 * and its callers cannot disagree on a shape.
 *
 * Names are `area:verb`, one style for all. Append-only: never rename an op
 * or remove a field; a change an older thread would misread bumps
 * THREADS_PROTOCOL (threads of another protocol do not hear each other). A
 * thread asked for an op it does not know answers ERR_UNKNOWN_COMMAND.
 *
 * Arguments come from another thread (maybe another copy of markers), so a
 * handler still checks what it reads; the types say what a caller sends.
 */

import type { SkippedMarker as SkippedByProbe } from '../connect/connected-probe.js';
import type { MarkerInfo } from '../registry/registry.js';
import type { AggregateSpec, PartSnapshot, SkippedMarker } from './aggregate.js';
import type { BufferMode } from './ring.js';
import type { ThreadInfo } from './threads.js';

/** control:list and control:stats, for the control server's commands (control/commands.ts). */
export const ControlOp = {
  /** args {pattern?} -> MarkerInfo[] of this thread. */
  LIST: 'control:list',
  /** args null -> ThreadStats of this thread. */
  STATS: 'control:stats',
} as const;

/** The recorder in each thread (record/thread-handlers.ts). */
export const RecordOp = {
  START: 'record:start',
  FLUSH: 'record:flush',
  STOP: 'record:stop',
  CRASH_WATCH: 'record:crash-watch',
} as const;

/** Probe modules in each thread (probe/thread-handlers.ts). */
export const ProbeOp = {
  PREPARE: 'probe:prepare',
  COMMIT: 'probe:commit',
  LOAD: 'probe:load',
  ABORT: 'probe:abort',
  DISCONNECT: 'probe:disconnect',
  CLEANUP: 'probe:cleanup',
  REPORT: 'probe:report',
  STATUS: 'probe:status',
} as const;

/** Aggregations in each thread (aggregate/thread/handlers.ts). */
export const AggregateOp = {
  START: 'aggregate:start',
  READ: 'aggregate:read',
  STOP: 'aggregate:stop',
} as const;

/** The diagnostics-channel catalogue (channels/thread-handlers.ts). */
export const ChannelsOp = { INSTALL: 'channels:install' } as const;

/** What a recording sends to every thread (structured-cloned). */
export interface ThreadStartArgs {
  /**
   * The recording's id. Named `sessionId` on the wire since the first
   * protocol, and kept (append-only); the code calls the recording's
   * consumer a RecordingConsumer and this its `id`.
   */
  readonly sessionId: string;
  readonly patterns: readonly string[];
  readonly mode: BufferMode;
  readonly subBufferSize: number;
  readonly subBuffers: number;
  /** Trace uuid, 16 bytes as hex. */
  readonly uuid: string;
  readonly originMs: number;
  readonly flushMs: number;
  readonly maxStringBytes: number;
  readonly metaBytes: number;
  /**
   * The consumer delivers this thread's last packets when the process exits,
   * and the main thread's exit waits for it (abi/ring.ts, record/thread-handlers.ts).
   * Set here, by the producer, so no exit can come before the consumer attached.
   */
  readonly exitDrain?: boolean;
}

/** record:crash-watch: the rings the main thread writes out if the process dies of an uncaught exception. */
export interface CrashWatch {
  readonly sessionId: string;
  readonly uuid?: string;
  readonly originMs?: number;
  readonly dir?: string | undefined;
  /** Every ring of the recording; empty to stop watching. */
  readonly rings: readonly {
    readonly sab: SharedArrayBuffer;
    readonly metaSab: SharedArrayBuffer;
    readonly threadName: string;
  }[];
}

export interface ThreadStats {
  readonly markers: number;
  readonly enabled: number;
  /** Calls of fire while enabled, summed over this thread's markers. */
  readonly hits: number;
  readonly heapUsed: number;
}

/** What a thread replies to record:start. */
export interface ThreadStartReply {
  readonly sab: SharedArrayBuffer;
  /** The ring's growable event-description area. */
  readonly metaSab: SharedArrayBuffer;
  readonly threadId: number;
  readonly threadName: string;
}

export interface LoadArgs {
  readonly loadId: string;
  readonly path: string;
  /** Transpiled JavaScript of a .ts module, made once by the manager. */
  readonly source?: string | undefined;
}

export interface IdArgs {
  readonly loadId: string;
}

/** One probe entry of a module, as loaded in one thread. */
export interface ProbeEntryInfo {
  readonly pattern: string;
  readonly format: string | null;
  /** Markers it is connected to now. */
  readonly markers: readonly string[];
  /** Matching markers it was not connected to, and why. */
  readonly skipped: readonly SkippedByProbe[];
  /** Exceptions and rejections of this probe so far. */
  readonly errors: number;
  /** Calls that returned a promise not settled yet. */
  readonly inflight: number;
}

/** A probe module in one thread. */
export interface ThreadModuleInfo {
  readonly thread: ThreadInfo;
  readonly probes: readonly ProbeEntryInfo[];
  /** The sum of the probes' errors. */
  readonly errors: number;
}

export type PrepareReply = { readonly name: string; readonly patterns: readonly string[] };
export type StateReply =
  | { readonly loaded: true; readonly info: ThreadModuleInfo }
  | { readonly loaded: false };
export type ReportReply =
  | { readonly loaded: true; readonly report: unknown }
  | { readonly loaded: false };

export type AggregateStartReply =
  | {
      readonly started: true;
      readonly markers: readonly string[];
      readonly skipped: readonly SkippedMarker[];
    }
  | { readonly started: false };

/** Every thread operation: `{ op: { args, result } }`. */
export interface ThreadOps {
  'control:list': { args: { readonly pattern?: string | undefined }; result: MarkerInfo[] };
  'control:stats': { args: null; result: ThreadStats };
  'record:start': { args: ThreadStartArgs; result: ThreadStartReply };
  /** true when this thread records that recording. */
  'record:flush': { args: { readonly sessionId: string }; result: boolean };
  'record:stop': { args: { readonly sessionId: string }; result: boolean };
  /** The number of rings now watched. */
  'record:crash-watch': { args: CrashWatch; result: number };
  'probe:prepare': { args: LoadArgs; result: PrepareReply };
  'probe:commit': { args: IdArgs; result: StateReply };
  'probe:load': { args: LoadArgs; result: StateReply };
  'probe:abort': { args: IdArgs; result: StateReply };
  'probe:disconnect': { args: IdArgs & { readonly waitMs?: number }; result: StateReply };
  'probe:cleanup': { args: IdArgs & { readonly waitMs?: number }; result: StateReply };
  'probe:report': { args: IdArgs; result: ReportReply };
  'probe:status': { args: IdArgs; result: StateReply };
  'aggregate:start': { args: { readonly spec: AggregateSpec }; result: AggregateStartReply };
  'aggregate:read': { args: { readonly id: string }; result: PartSnapshot | null };
  'aggregate:stop': { args: { readonly id: string }; result: PartSnapshot | null };
  /** The number of catalogue markers now declared in the thread. */
  'channels:install': { args: Record<string, never>; result: number };
}

export type ThreadOpName = keyof ThreadOps;
export type ThreadArgs<Op extends ThreadOpName> = ThreadOps[Op]['args'];
export type ThreadResult<Op extends ThreadOpName> = ThreadOps[Op]['result'];
