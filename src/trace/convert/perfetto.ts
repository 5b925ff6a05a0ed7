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

function annotation(name: string, field: FieldModel | undefined, value: FieldValue): ProtoWriter {
  const a = new ProtoWriter().string(DebugAnnotation.NAME, name);
  if (typeof value === 'boolean') return a.varint(DebugAnnotation.BOOL_VALUE, value);
  if (typeof value === 'string' && field?.type !== 'json')
    return a.string(DebugAnnotation.STRING_VALUE, value);
  if (
    typeof value === 'bigint' ||
    (typeof value === 'number' && field?.type !== 'float64' && Number.isInteger(value))
  ) {
    if (field?.spec === 'x') return a.varint(DebugAnnotation.POINTER_VALUE, value);
    if (field?.type === 'uint64') return a.varint(DebugAnnotation.UINT_VALUE, value);
    return a.varint(DebugAnnotation.INT_VALUE, value);
  }
  if (typeof value === 'number' && field?.type !== 'json')
    return a.double(DebugAnnotation.DOUBLE_VALUE, value);
  return a.string(DebugAnnotation.LEGACY_JSON_VALUE, JSON.stringify(value) ?? 'null');
}

export class PerfettoFormatter implements Formatter {
  private readonly tracks = new Map<number, ThreadTrack>();
  private readonly pid: number;
  private readonly processName: string;
  private first = true;

  constructor(trace: Trace) {
    const { pid, argv0 } = trace.model.env;
    this.pid = typeof pid === 'number' && pid > 0 && pid < 2 ** 31 ? pid : 1;
    this.processName = typeof argv0 === 'string' ? argv0 : 'node';
  }

  /** One TracePacket, framed as field 1 of Trace. */
  private packet(fill: (p: ProtoWriter) => void): Uint8Array {
    const p = new ProtoWriter();
    fill(p);
    p.varint(TracePacket.TRUSTED_PACKET_SEQUENCE_ID, SEQUENCE_ID);
    if (this.first) {
      p.varint(TracePacket.SEQUENCE_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
      this.first = false;
    }
    return new ProtoWriter().message(TraceProto.PACKET, p).finish();
  }

  start(): Uint8Array {
    const process = new ProtoWriter()
      .varint(ProcessDescriptor.PID, this.pid)
      .string(ProcessDescriptor.PROCESS_NAME, this.processName);
    const track = new ProtoWriter()
      .varint(TrackDescriptor.UUID, PROCESS_TRACK_UUID)
      .string(TrackDescriptor.NAME, this.processName)
      .message(TrackDescriptor.PROCESS, process);
    return this.packet((p) => p.message(TracePacket.TRACK_DESCRIPTOR, track));
  }

  record(record: TraceRecord): Uint8Array {
    let track = this.tracks.get(record.streamId);
    let descriptor: Uint8Array | undefined;
    if (track === undefined) {
      track = { uuid: PROCESS_TRACK_UUID + 1 + record.streamId, open: [] };
      this.tracks.set(record.streamId, track);
      const thread = new ProtoWriter()
        .varint(ThreadDescriptor.PID, this.pid)
        .varint(ThreadDescriptor.TID, this.pid + record.threadId)
        .string(ThreadDescriptor.THREAD_NAME, record.threadName);
      const desc = new ProtoWriter()
        .varint(TrackDescriptor.UUID, track.uuid)
        .string(TrackDescriptor.NAME, record.threadName)
        .message(TrackDescriptor.THREAD, thread);
      descriptor = this.packet((p) => p.message(TracePacket.TRACK_DESCRIPTOR, desc));
    }
    const event = new ProtoWriter().varint(TrackEvent.TRACK_UUID, track.uuid);
    if (record.type === 'discarded') {
      event
        .varint(TrackEvent.TYPE, TrackEventType.INSTANT)
        .string(TrackEvent.CATEGORIES, 'markers')
        .string(TrackEvent.NAME, 'markers:discarded')
        .message(TrackEvent.DEBUG_ANNOTATIONS, annotation('events', undefined, record.events))
        .message(TrackEvent.DEBUG_ANNOTATIONS, annotation('packets', undefined, record.packets));
    } else {
      const colon = record.name.indexOf(':');
      const provider = record.name.slice(0, colon);
      const eventName = record.name.slice(colon + 1);
      const opens = SLICE_OPEN.exec(eventName);
      const closes = SLICE_CLOSE.exec(eventName);
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
      event
        .varint(TrackEvent.TYPE, type)
        .string(TrackEvent.CATEGORIES, provider)
        .string(TrackEvent.NAME, name);
      for (const field of record.event.fields) {
        event.message(
          TrackEvent.DEBUG_ANNOTATIONS,
          annotation(field.name, field, record.fields[field.name]),
        );
      }
    }
    const packet = this.packet((p) =>
      p.varint(TracePacket.TIMESTAMP, record.timestamp).message(TracePacket.TRACK_EVENT, event),
    );
    return descriptor === undefined ? packet : Buffer.concat([descriptor, packet]);
  }
}
