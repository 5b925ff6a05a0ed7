/**
 * The shapes of what a target sends, as the CLI checks them: one check per
 * command result, the trace frame headers and the stream descriptions they
 * carry. Every client reply goes through REPLY_SHAPES (client.ts) before a
 * command sees it, so no command reads a field nobody checked.
 *
 * The server's commands (src/control/*-commands.ts) answer with these
 * shapes and trace-wire.ts's frames: append-only, as they are. A result
 * field the CLI reads is added here first; abi/control-commands.ts derives
 * the result types from these checks.
 *
 * Stream descriptions are rebuilt, not passed through: a stream id becomes
 * part of a file name (the trace writer) and event names and fields go into
 * TSDL metadata, so the fields are derived again from the format with our
 * own parser, and the id must be a uint32.
 */
import { parseFormat } from '../marker/format.js';
import { validateName } from '../marker/name.js';
import type { EventDescription, StreamDescription } from './trace-description.js';
import { EventHeader } from './trace-layout.js';
import type { TraceFrameHeader, WireTrace } from './trace-wire.js';
import {
  anything,
  bool,
  type Check,
  dictionary,
  either,
  int,
  list,
  nullable,
  num,
  object,
  oneOf,
  optional,
  str,
  WireShapeError,
} from './wire-check.js';

const U32 = 0xffff_ffff;
/** Event classes per stream: a real application has thousands of markers, never millions. */
const MAX_EVENT_CLASSES = 1 << 16;
const MAX_STREAMS = 1 << 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^-?[0-9]{1,30}$/;
/** An error code: ERR_*, an errno name, or Node's own (ABORT_ERR); never free text. */
const CODE = /^[A-Z][A-Z0-9_]{0,79}$/;

const wireError = object({ code: str(80, CODE), message: str(64 * 1024) });
const thread = object({ id: int(0, U32), name: str(256), internal: optional(bool) });
const outcome = object({ thread, ok: bool, error: optional(wireError) });
const count = num(0);

const threadRecording = object({
  threadId: int(0, U32),
  threadName: str(256),
  recorded: count,
  discarded: count,
  overwritten: count,
  bufferUse: num(0, 1e6),
});

const recordingStats = object({
  mode: oneOf('discard', 'overwrite'),
  elapsedMs: count,
  threads: list(threadRecording, MAX_STREAMS),
  recorded: count,
  discarded: count,
  overwritten: count,
  lost: count,
  bytes: count,
  packets: count,
  errors: list(wireError, 10_000),
  /** Markers that matched but got no event id (absent from older targets). */
  skippedMarkers: optional(count),
});

const patterns = list(str(4096), 10_000);

/** One event class, its fields derived again from its format by our own parser. */
const eventDescription: Check<EventDescription> = (value, where) => {
  const e = object({
    id: int(0, 0xffff),
    name: str(1024),
    format: str(64 * 1024),
    key: optional(str(1024)),
  })(value, where);
  try {
    validateName(e.name);
    const fields = parseFormat(e.format, e.name);
    if (e.key === undefined) return { id: e.id, name: e.name, format: e.format, fields };
    // The key goes into the trace's env: it must be one of the event's own field names.
    if (!fields.some((f) => f.name === e.key))
      throw new Error(`key "${e.key}" is not a field of "${e.format}"`);
    return { id: e.id, name: e.name, format: e.format, fields, key: e.key };
  } catch (error) {
    throw new WireShapeError(`${where}: ${(error as Error).message}`);
  }
};

/** A stream description, rebuilt from checked values only. */
export const streamDescription: Check<StreamDescription> = (value, where) => {
  const s = object({
    id: int(0, U32),
    threadId: int(0, U32),
    threadName: str(256),
    events: list(anything, MAX_EVENT_CLASSES),
  })(value, where);
  const events = s.events.map((e, i) => eventDescription(e, `${where}.events[${i}]`));
  const ids = new Set(events.map((e) => e.id));
  if (ids.size !== events.length) throw new WireShapeError(`${where}.events has duplicate ids`);
  return { id: s.id, threadId: s.threadId, threadName: s.threadName, events };
};

/** The trace description of a recording, rebuilt from checked values. */
export const wireTrace: Check<WireTrace> = (value, where) => {
  const t = object({
    uuid: str(36, UUID),
    clockOffsetNs: str(31, DECIMAL),
    clockPrecisionNs: optional(num(0, 1e12)),
    env: dictionary(either(str(4096), num(-Number.MAX_VALUE), 'a string or a number'), 1000),
    streams: list(anything, MAX_STREAMS),
  })(value, where);
  const streams = t.streams.map((s, i) => streamDescription(s, `${where}.streams[${i}]`));
  return {
    uuid: t.uuid,
    clockOffsetNs: t.clockOffsetNs,
    ...(t.clockPrecisionNs === undefined ? {} : { clockPrecisionNs: t.clockPrecisionNs }),
    env: t.env,
    streams,
  };
};

/** The JSON header of a trace frame, checked against its payload's length. */
export function traceFrameHeader(value: unknown, payloadLength: number): TraceFrameHeader {
  const { type } = object({ type: oneOf('packet', 'trace', 'begin') })(value, 'frame header');
  const header = value as Record<string, unknown>;
  if (type === 'trace' || type === 'begin') {
    if (payloadLength !== 0) throw new WireShapeError(`a "${type}" frame carries no payload`);
    return { type, trace: wireTrace(header.trace, 'frame header.trace') };
  }
  const eventsFrom = optional(int(0, MAX_EVENT_CLASSES))(
    header.eventsFrom,
    'frame header.eventsFrom',
  );
  // An event takes at least its header: a count beyond that is a lie.
  const events = int(0, Math.floor(payloadLength / EventHeader.SIZE))(
    header.events,
    'frame header.events',
  );
  if (payloadLength === 0) throw new WireShapeError('a "packet" frame needs a payload');
  const stream = streamDescription(header.stream, 'frame header.stream');
  return eventsFrom === undefined ? { type, stream, events } : { type, stream, events, eventsFrom };
}

const processInfo = object({
  pid: int(1, U32),
  command: str(128 * 1024),
  argv: list(str(128 * 1024), 10_000),
  node: str(64),
  markers: str(64),
  protocol: int(0, U32),
  threads: list(thread, MAX_STREAMS),
  uptimeMs: count,
});

const processMarker = object({
  name: str(1024),
  format: str(64 * 1024),
  key: optional(str(1024)),
  mode: str(32),
  hits: count,
  probes: count,
  threads: list(int(0, U32), MAX_STREAMS),
  locations: list(str(4096), 10_000),
});

const threadStats = object({ markers: count, enabled: count, hits: count, heapUsed: count });

const recording = object({ patterns, stats: recordingStats });

const probeEntry = object({ pattern: str(4096), markers: list(str(1024), 100_000) });
const threadModule = object({ thread, probes: list(probeEntry, 10_000), errors: count });
const probeModule = object({
  name: str(256),
  path: str(64 * 1024),
  threads: list(threadModule, MAX_STREAMS),
  errors: optional(list(object({ thread, error: wireError }), MAX_STREAMS)),
});

const startedSummary = {
  patterns,
  mode: oneOf('discard', 'overwrite'),
  threads: list(object({ id: int(0, U32), name: str(256) }), MAX_STREAMS),
  errors: list(wireError, 10_000),
};

const anyNumber = num(-Number.MAX_VALUE);
const keyValue = either(either(str(4096), anyNumber, 'a string or a number'), bool, 'a scalar');
const bucket = object({ lo: nullable(anyNumber), hi: nullable(anyNumber), count });
const aggregateGroup = object({
  key: dictionary(keyValue, 1000),
  thread: optional(object({ id: int(0, U32), name: str(256) })),
  count,
  sum: nullable(anyNumber),
  min: nullable(anyNumber),
  max: nullable(anyNumber),
  mean: nullable(anyNumber),
  invalid: count,
  p50: optional(nullable(anyNumber)),
  p90: optional(nullable(anyNumber)),
  p99: optional(nullable(anyNumber)),
  p999: optional(nullable(anyNumber)),
  buckets: optional(list(bucket, 100_000)),
  le: optional(list(count, 100_000)),
});
const aggregateResult = object({
  time: count,
  kind: str(32),
  layout: optional(nullable(oneOf('log-linear', 'linear'))),
  groups: list(aggregateGroup, 1_000_000),
  other: nullable(aggregateGroup),
  otherCount: count,
  dropped: count,
  invalid: count,
  errors: count,
  markers: list(str(1024), 1_000_000),
  skipped: list(
    object({ marker: str(1024), code: str(80, CODE), message: str(64 * 1024) }),
    1_000_000,
  ),
  latency: nullable(object({ pending: count, evicted: count, unmatchedEnds: count })),
});
/** aggregate-read and -stop: `result` for the CLI's views, `counts` for the metrics agent (checked there). */
const aggregateReading = object({ result: optional(aggregateResult), counts: optional(anything) });

/**
 * The result of each command the CLI sends, as it may use it. Its types are
 * the results of abi/control-commands.ts: the CLI reads what was checked.
 */
export const REPLY_SHAPES = {
  info: processInfo,
  list: object({ markers: list(processMarker, 1_000_000), threads: list(outcome, MAX_STREAMS) }),
  stats: object({
    threads: list(
      (value, where) => ({
        ...outcome(value, where),
        ...object({ stats: optional(threadStats) })(value, where),
      }),
      MAX_STREAMS,
    ),
    recordings: object({ flight: nullable(recording), streaming: list(recording, 10_000) }),
  }),
  enable: object(startedSummary),
  disable: object({ patterns }),
  snapshot: recording,
  record: (value, where) => {
    const r = object({ ...startedSummary, uuid: str(36, UUID) })(value, where);
    return { ...r, trace: wireTrace((value as { trace?: unknown }).trace, `${where}.trace`) };
  },
  stop: object({ stats: list(recordingStats, 10_000) }),
  load: probeModule,
  unload: object({ name: str(256) }),
  probes: object({ modules: list(probeModule, 10_000) }),
  report: object({
    name: str(256),
    threads: list(object({ thread, report: anything, error: optional(wireError) }), MAX_STREAMS),
  }),
  resume: anything,
  aggregate: object({
    id: str(256),
    markers: optional(list(str(1024), 1_000_000)),
    problems: optional(
      list(object({ thread, code: str(80, CODE), message: str(64 * 1024) }), MAX_STREAMS),
    ),
  }),
  'aggregate-read': aggregateReading,
  'aggregate-stop': aggregateReading,
} as const satisfies Readonly<Record<string, Check<unknown>>>;

/** A reply line: a result or an error for request `id` (null: for no request in particular). */
export const replyLine = object({
  v: int(0, U32),
  id: nullable(int(0, U32)),
  ok: bool,
});

export const errorReply = object({ error: wireError });

/** A stream notice: `progress` carries recording stats, `end` the final ones. */
export const eventLine = object({ v: int(0, U32), id: int(0, U32), event: str(64) });

export const NOTICE_SHAPES = {
  progress: recordingStats,
  end: recordingStats,
} as const satisfies Readonly<Record<string, Check<unknown>>>;
