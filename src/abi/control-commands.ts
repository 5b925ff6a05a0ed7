/**
 * The control commands: what the CLI (and the metrics agent) may send a
 * target over the socket (abi/control-protocol.ts), with their arguments and
 * results, `{ cmd: { args, result } }`. The results are the types of the
 * checks in abi/control-shapes.ts, which the client runs on every reply: a
 * command's caller reads nothing that was not checked, and no result type is
 * written by hand anywhere else.
 *
 * Names are lower-case words joined by `-`; the wire has carried them since
 * protocol 1, so they are never renamed. Append-only: a command or an
 * argument is added, never removed or given another meaning; a change an
 * older peer would misread bumps PROTOCOL_VERSION (ERR_PROTOCOL_VERSION).
 * A target of another markers version that lacks a command answers
 * ERR_UNKNOWN_COMMAND.
 *
 * Arguments cross from an untrusted peer: the server checks every field it
 * reads, and answers ERR_INVALID_ARGUMENT for a bad one.
 */

import type { MarkerInfo } from '../registry/registry.js';
import type { AggregateOptions } from './aggregate.js';
import type { NOTICE_SHAPES, REPLY_SHAPES } from './control-shapes.js';
import type { ThreadInfo } from './threads.js';
import type { WireError } from './wire-error.js';

/** `timeoutMs`: how long each thread may take to answer (default 5 s, at most 10 min). */
interface Timeout {
  readonly timeoutMs?: number;
}

interface RecordingArgs extends Timeout {
  readonly patterns: readonly string[];
  readonly mode?: 'discard' | 'overwrite';
  /** Bytes of one thread's ring buffer. */
  readonly bufferSize?: number;
}

export interface ControlArgs {
  info: Record<string, never>;
  list: Timeout & { readonly pattern?: string };
  stats: Timeout;
  /** The flight recorder (overwrite mode), for `snapshot`. */
  enable: Omit<RecordingArgs, 'mode'>;
  disable: Timeout & { readonly patterns?: readonly string[] };
  snapshot: Record<string, never>;
  /**
   * A streaming recording; `incremental`: send only new event classes with
   * each packet. `subBufferSize` (bytes of one packet) and `flushMs` (how
   * long a packet stays open) are read by the server's record command too.
   */
  record: RecordingArgs & {
    readonly incremental?: boolean;
    readonly subBufferSize?: number;
    readonly flushMs?: number;
  };
  stop: Record<string, never>;
  load: Timeout & {
    readonly path: string;
    /** `main`: the main thread only; `all` (default): every application thread. */
    readonly threads?: 'main' | 'all';
  };
  unload: Timeout & { readonly name: string };
  probes: Record<string, never>;
  report: { readonly name: string };
  /** Lets an application started by `markers run --record` go on. */
  resume: Record<string, never>;
  aggregate: Timeout & {
    readonly options: AggregateOptions;
    /** Also aggregate markers declared later. */
    readonly later?: boolean;
  };
  /** `counts`: the raw counters (the metrics agent), else `result` for the CLI's views. */
  'aggregate-read': { readonly id: string; readonly counts?: boolean };
  'aggregate-stop': { readonly id: string; readonly counts?: boolean };
}

export type ControlCommand = keyof typeof REPLY_SHAPES;
export type ControlResult<C extends ControlCommand> = ReturnType<(typeof REPLY_SHAPES)[C]>;

/**
 * The stream notices a command sends before or after its result (`record`:
 * `progress` every second, `end` with the final counters), typed by their
 * checks as results are.
 */
export type ControlNotice = keyof typeof NOTICE_SHAPES;
export type NoticeData<E extends ControlNotice> = ReturnType<(typeof NOTICE_SHAPES)[E]>;
/** A notice as a handler receives it: `(event, data)`, `data` typed by `event`. */
export type NoticeArgs = { [E in ControlNotice]: [event: E, data: NoticeData<E>] }[ControlNotice];

/** Every control command: `{ cmd: { args, result } }`. */
export type ControlCommands = {
  [C in ControlCommand]: { args: ControlArgs[C]; result: ControlResult<C> };
};

// Names for the parts of results the CLI passes around: still the checked types.
export type TargetInfo = ControlResult<'info'>;
export type ListedMarker = ControlResult<'list'>['markers'][number];
/** One thread's answer within a result: `ok`, or its `error`. */
export type ThreadAnswer = ControlResult<'list'>['threads'][number];
export type RecordingStatsReply = ControlResult<'stop'>['stats'][number];
export type StartedRecording = ControlResult<'record'>;
export type ProbeModuleReply = ControlResult<'load'>;
/** An aggregation's reading, as the CLI's views show it. */
export type AggregateReading = NonNullable<ControlResult<'aggregate-read'>['result']>;
export type AggregateReadingGroup = AggregateReading['groups'][number];

// What the server sends, where it sends more than the CLI checks (the CLI's
// --json prints it whole); defineCommand() holds it to the checked shape.
/** One thread's outcome in a per-thread result. */
export interface ThreadOutcome {
  readonly thread: ThreadInfo;
  readonly ok: boolean;
  readonly error?: WireError;
}

export interface ProcessInfo {
  readonly pid: number;
  readonly command: string;
  readonly argv: readonly string[];
  readonly node: string;
  readonly markers: string;
  readonly protocol: number;
  readonly threads: readonly ThreadInfo[];
  readonly uptimeMs: number;
}

/** A marker merged over the threads that declared it. */
export interface ProcessMarker extends MarkerInfo {
  /** Thread ids in which this marker is declared. */
  readonly threads: readonly number[];
}
