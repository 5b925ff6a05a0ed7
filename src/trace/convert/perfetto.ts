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
 *   `provider:x_begin` opens a slice named `provider:x`, and the
 *   `provider:x_end` that pairing.ts matches to it closes it (by the key
 *   field the marker declared, by its `ms` for channel markers, by an `id`
 *   or `key` field, else by nesting: src/pairing/rule.ts), whatever order
 *   overlapping operations end in. Each slice goes on an async track, a child of its thread's track
 *   named after the slice: one lane per operation open at the same time,
 *   reused once free, so every track holds properly nested slices (what
 *   Perfetto requires of a track) and overlapping requests show side by
 *   side. An end with no open start stays an instant event.
 * - Lost events are instant events `markers:discarded` with counts.
 *
 * Field numbers are from perfetto's protos/perfetto/trace/ (trace.proto,
 * trace_packet.proto, track_event/track_event.proto,
 * track_event/track_descriptor.proto, track_event/debug_annotation.proto,
 * track_event/{process,thread}_descriptor.proto).
 */
import type { FieldModel, FieldValue, Trace, TraceEntry } from '../reader/reader.js';
import type { Formatter } from './formatter.js';
import { type Fields, SlicePairer, sliceClosing, sliceOpening } from './pairing.js';
import { ProtoWriter } from './protobuf.js';

export const TraceProto = { PACKET: 1 } as const;
export const TracePacket = {
  TIMESTAMP: 8,
  TRUSTED_PACKET_SEQUENCE_ID: 10,
  TRACK_EVENT: 11,
  SEQUENCE_FLAGS: 13,
  TRACK_DESCRIPTOR: 60,
} as const;
export const TrackDescriptor = { UUID: 1, NAME: 2, PROCESS: 3, THREAD: 4, PARENT_UUID: 5 } as const;
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
/** Async lane tracks get uuids from here on, clear of the thread tracks' (1 + stream id). */
const LANE_UUID_BASE = 2 ** 32;

interface Lane {
  readonly uuid: number;
  busy: boolean;
}

interface ThreadTrack {
  readonly uuid: number;
  readonly pairer: SlicePairer<Lane>;
  /** Lanes by slice name. */
  readonly lanes: Map<string, Lane[]>;
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
  private nextLane = LANE_UUID_BASE;

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

  /** A free lane for slice `name` under `track`, its descriptor written first when new. */
  private lane(track: ThreadTrack, name: string): Lane {
    let lanes = track.lanes.get(name);
    if (lanes === undefined) {
      lanes = [];
      track.lanes.set(name, lanes);
    }
    let lane = lanes.find((l) => !l.busy);
    if (lane === undefined) {
      lane = { uuid: this.nextLane++, busy: false };
      lanes.push(lane);
      this.beginPacket()
        .begin(TracePacket.TRACK_DESCRIPTOR)
        .varint(TrackDescriptor.UUID, lane.uuid)
        .varint(TrackDescriptor.PARENT_UUID, track.uuid)
        .string(TrackDescriptor.NAME, name)
        .end();
      this.endPacket();
    }
    lane.busy = true;
    return lane;
  }

  entry(record: TraceEntry): Uint8Array {
    const w = this.w;
    let track = this.tracks.get(record.streamId);
    if (track === undefined) {
      track = {
        uuid: PROCESS_TRACK_UUID + 1 + record.streamId,
        pairer: new SlicePairer<Lane>(),
        lanes: new Map(),
      };
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
    if (record.type === 'discarded') {
      this.beginPacket()
        .varint(TracePacket.TIMESTAMP, record.timestamp)
        .begin(TracePacket.TRACK_EVENT)
        .varint(TrackEvent.TRACK_UUID, track.uuid)
        .varint(TrackEvent.TYPE, TrackEventType.INSTANT)
        .string(TrackEvent.CATEGORIES, 'markers')
        .string(TrackEvent.NAME, 'markers:discarded');
      annotation(w, 'events', undefined, record.events);
      annotation(w, 'packets', undefined, record.packets);
    } else {
      const provider = record.name.slice(0, record.name.indexOf(':'));
      const fields = record.fields as Fields;
      let type: number = TrackEventType.INSTANT;
      let name = record.name;
      let uuid = track.uuid;
      const opens = sliceOpening(record.name);
      const closes = opens === undefined ? sliceClosing(record.name) : undefined;
      if (opens !== undefined) {
        const lane = this.lane(track, opens);
        track.pairer.open(opens, record.timestamp, fields, record.event, lane);
        type = TrackEventType.SLICE_BEGIN;
        name = opens;
        uuid = lane.uuid;
      } else if (closes !== undefined) {
        const open = track.pairer.close(closes, record.timestamp, fields, record.event);
        if (open !== undefined) {
          open.value.busy = false;
          type = TrackEventType.SLICE_END;
          name = closes;
          uuid = open.value.uuid;
        }
      }
      this.beginPacket()
        .varint(TracePacket.TIMESTAMP, record.timestamp)
        .begin(TracePacket.TRACK_EVENT)
        .varint(TrackEvent.TRACK_UUID, uuid)
        .varint(TrackEvent.TYPE, type)
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
