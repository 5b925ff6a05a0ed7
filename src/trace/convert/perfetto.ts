/**
 * Perfetto protobuf output (TrackEvent). A Perfetto trace is the message
 * `Trace { repeated TracePacket packet = 1; }`, so each TracePacket is
 * written as one length-delimited field 1 and the file streams packet by
 * packet.
 *
 * - One process track (pid from the trace env, else 1), then one thread
 *   track per stream, emitted just before that thread's first record.
 *   Perfetto tids are synthesised: the main thread (threadId 0) gets the pid,
 *   worker N gets pid + N, as Linux gives the main thread tid == pid.
 * - Markers are instant events named `provider:event`, category `provider`,
 *   fields as debug annotations (int64 -> int_value, uint64 -> uint_value,
 *   `%x` -> pointer_value (shown as hex), float -> double_value, string ->
 *   string_value, bool -> bool_value, `%j` -> legacy_json_value).
 * - Pairs become slices: on one thread, `provider:x_start` or
 *   `provider:x_begin` opens a slice named `provider:x`, and
 *   `provider:x_end` closes it when it is the innermost open slice. An end
 *   with no matching innermost begin stays an instant event.
 * - Lost events are instant events `markers:discarded` with counts.
 *
 * Field numbers are from perfetto's protos/perfetto/trace/ (trace.proto,
 * trace_packet.proto, track_event/track_event.proto,
 * track_event/track_descriptor.proto, track_event/debug_annotation.proto,
 * track_event/{process,thread}_descriptor.proto).
 */
import type { FieldModel, FieldValue, Trace, TraceRecord } from '../reader/reader.js';
import type { Formatter } from './formatter.js';
import { ProtoWriter } from './protobuf.js';

export const TraceProto = { PACKET: 1 } as const;
export const TracePacket = {
  TIMESTAMP: 8,
  TRUSTED_PACKET_SEQUENCE_ID: 10,
  TRACK_EVENT: 11,
  SEQUENCE_FLAGS: 13,
  TRACK_DESCRIPTOR: 60,
} as const;
export const TrackDescriptor = { UUID: 1, NAME: 2, PROCESS: 3, THREAD: 4 } as const;
export const ProcessDescriptor = { PID: 1, PROCESS_NAME: 6 } as const;
export const ThreadDescriptor = { PID: 1, TID: 2, THREAD_NAME: 5 } as const;
export const TrackEvent = {
  DEBUG_ANNOTATIONS: 4,
  TYPE: 9,
  TRACK_UUID: 11,
  CATEGORIES: 22,
  NAME: 23,
} as const;
export const TrackEventType = { SLICE_BEGIN: 1, SLICE_END: 2, INSTANT: 3 } as const;
export const DebugAnnotation = {
  BOOL_VALUE: 2,
  UINT_VALUE: 3,
  INT_VALUE: 4,
  DOUBLE_VALUE: 5,
  STRING_VALUE: 6,
  POINTER_VALUE: 7,
  LEGACY_JSON_VALUE: 9,
  NAME: 10,
} as const;
const SEQ_INCREMENTAL_STATE_CLEARED = 1;
const SEQUENCE_ID = 1;
const PROCESS_TRACK_UUID = 1;

const SLICE_OPEN = /^(.+)_(start|begin)$/;
const SLICE_CLOSE = /^(.+)_end$/;

interface ThreadTrack {
  readonly uuid: number;
  /** Names of the open slices, innermost last. */
  readonly open: string[];
}

/** Writes one DebugAnnotation (field `field` of TrackEvent) for a marker field. */
function annotation(
  w: ProtoWriter,
  name: string,
  field: FieldModel | undefined,
  value: FieldValue,
): void {
  w.begin(TrackEvent.DEBUG_ANNOTATIONS).string(DebugAnnotation.NAME, name);
  if (typeof value === 'boolean') w.varint(DebugAnnotation.BOOL_VALUE, value);
  else if (typeof value === 'string' && field?.type !== 'json')
    w.string(DebugAnnotation.STRING_VALUE, value);
  else if (
    typeof value === 'bigint' ||
    (typeof value === 'number' &&
      field?.type !== 'float64' &&
      field?.type !== 'json' &&
      Number.isInteger(value))
  ) {
    if (field?.spec === 'x') w.varint(DebugAnnotation.POINTER_VALUE, value);
    else if (field?.type === 'uint64') w.varint(DebugAnnotation.UINT_VALUE, value);
    else w.varint(DebugAnnotation.INT_VALUE, value);
  } else if (typeof value === 'number' && field?.type !== 'json')
    w.double(DebugAnnotation.DOUBLE_VALUE, value);
  else w.string(DebugAnnotation.LEGACY_JSON_VALUE, JSON.stringify(value) ?? 'null');
  w.end();
}

export class PerfettoFormatter implements Formatter {
  private readonly tracks = new Map<number, ThreadTrack>();
  private readonly pid: number;
  private readonly processName: string;
  /** One writer for the whole conversion: packets are written, taken, and the buffer reused. */
  private readonly w = new ProtoWriter();
  private first = true;

  constructor(trace: Trace) {
    const { pid, argv0 } = trace.model.env;
    this.pid = typeof pid === 'number' && pid > 0 && pid < 2 ** 31 ? pid : 1;
    this.processName = typeof argv0 === 'string' ? argv0 : 'node';
  }

  /** Opens a TracePacket, framed as field 1 of Trace; closed by endPacket(). */
  private beginPacket(): ProtoWriter {
    return this.w.begin(TraceProto.PACKET);
  }

  private endPacket(): void {
    this.w.varint(TracePacket.TRUSTED_PACKET_SEQUENCE_ID, SEQUENCE_ID);
    if (this.first) {
      this.w.varint(TracePacket.SEQUENCE_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
      this.first = false;
    }
    this.w.end();
  }

  start(): Uint8Array {
    this.beginPacket()
      .begin(TracePacket.TRACK_DESCRIPTOR)
      .varint(TrackDescriptor.UUID, PROCESS_TRACK_UUID)
      .string(TrackDescriptor.NAME, this.processName)
      .begin(TrackDescriptor.PROCESS)
      .varint(ProcessDescriptor.PID, this.pid)
      .string(ProcessDescriptor.PROCESS_NAME, this.processName)
      .end()
      .end();
    this.endPacket();
    return this.w.take();
  }

  record(record: TraceRecord): Uint8Array {
    const w = this.w;
    let track = this.tracks.get(record.streamId);
    if (track === undefined) {
      track = { uuid: PROCESS_TRACK_UUID + 1 + record.streamId, open: [] };
      this.tracks.set(record.streamId, track);
      this.beginPacket()
        .begin(TracePacket.TRACK_DESCRIPTOR)
        .varint(TrackDescriptor.UUID, track.uuid)
        .string(TrackDescriptor.NAME, record.threadName)
        .begin(TrackDescriptor.THREAD)
        .varint(ThreadDescriptor.PID, this.pid)
        .varint(ThreadDescriptor.TID, this.pid + record.threadId)
        .string(ThreadDescriptor.THREAD_NAME, record.threadName)
        .end()
        .end();
      this.endPacket();
    }
    this.beginPacket()
      .varint(TracePacket.TIMESTAMP, record.timestamp)
      .begin(TracePacket.TRACK_EVENT)
      .varint(TrackEvent.TRACK_UUID, track.uuid);
    if (record.type === 'discarded') {
      w.varint(TrackEvent.TYPE, TrackEventType.INSTANT)
        .string(TrackEvent.CATEGORIES, 'markers')
        .string(TrackEvent.NAME, 'markers:discarded');
      annotation(w, 'events', undefined, record.events);
      annotation(w, 'packets', undefined, record.packets);
    } else {
      const colon = record.name.indexOf(':');
      const provider = record.name.slice(0, colon);
      const eventName = record.name.slice(colon + 1);
      const opens = SLICE_OPEN.exec(eventName);
      const closes = opens === null ? SLICE_CLOSE.exec(eventName) : null;
      let type: number = TrackEventType.INSTANT;
      let name = record.name;
      if (opens !== null) {
        type = TrackEventType.SLICE_BEGIN;
        name = `${provider}:${opens[1]}`;
        track.open.push(name);
      } else if (closes !== null && track.open.at(-1) === `${provider}:${closes[1]}`) {
        type = TrackEventType.SLICE_END;
        name = track.open.pop() as string;
      }
      w.varint(TrackEvent.TYPE, type)
        .string(TrackEvent.CATEGORIES, provider)
        .string(TrackEvent.NAME, name);
      for (const field of record.event.fields)
        annotation(w, field.name, field, record.fields[field.name]);
    }
    w.end();
    this.endPacket();
    return w.take();
  }
}
