/**
 * The metadata generator: renders a trace description as CTF 1.8 TSDL text,
 * describing exactly the byte layout of abi/trace-layout.ts. The writer side (src/record)
 * calls it when it finishes a trace directory; our reader (reader/) parses the
 * same subset back.
 *
 * Conventions the reader relies on (append-only, like layout.ts):
 * - every type is byte-aligned (`align = 8`) and little-endian;
 * - `%x` fields use the `uint64_hex_t` alias (base 16), `%b` fields the
 *   `bool_t` enum over uint8 (labels "false"/"true"), `%j` fields the `json_t`
 *   string alias, so a reader recovers the marker's field types;
 * - a field name that is a TSDL keyword or starts with `_` gets one leading
 *   `_`, which CTF readers strip;
 * - thread identity is in each packet context (`thread_id`) and in the env
 *   (`stream_<id>_thread_id`, `stream_<id>_thread_name`), which babeltrace2
 *   prints with its trace information;
 * - a marker's declared pairing key is in the env too, as
 *   `stream_<stream>_event_<id>_key = "FIELD"`: CTF 1.8 has no event
 *   attribute for it, and babeltrace2 warns about unknown ones.
 */

import type {
  EventDescription,
  StreamDescription,
  TraceDescription,
} from '../abi/trace-description.js';
import { TRACE_LAYOUT_VERSION, TSDL_KEYWORDS } from '../abi/trace-layout.js';
import type { Field } from '../marker/format.js';

/** Type names the metadata declares; the reader maps them back to field types. */
export const TypeAlias = {
  UINT8: 'uint8_t',
  UINT16: 'uint16_t',
  UINT32: 'uint32_t',
  UINT64: 'uint64_t',
  UINT64_HEX: 'uint64_hex_t',
  INT64: 'int64_t',
  DOUBLE: 'double_t',
  BOOL: 'bool_t',
  JSON: 'json_t',
  CLOCK: 'uint64_clock_t',
} as const;

export const CLOCK_NAME = 'monotonic';

const NS_PER_S = 1_000_000_000n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A field or env name as TSDL may spell it: keywords and leading `_` get one more `_`. */
export function escapeName(name: string): string {
  return TSDL_KEYWORDS.has(name) || name.startsWith('_') ? `_${name}` : name;
}

/** Reverses escapeName, as CTF readers do: one leading `_` is dropped. */
export function unescapeName(name: string): string {
  return name.startsWith('_') ? name.slice(1) : name;
}

/** The env key holding the pairing key field of event `eventId` of stream `streamId`. */
export function eventKeyEnv(streamId: number, eventId: number): string {
  return `stream_${streamId}_event_${eventId}_key`;
}

/** An env key: anything outside [A-Za-z0-9_] becomes `_`, a leading digit gets `_`, then escapeName. */
export function sanitiseEnvKey(key: string): string {
  let clean = key.replace(/[^A-Za-z0-9_]/g, '_');
  if (clean === '' || /^[0-9]/.test(clean)) clean = `_${clean}`;
  return escapeName(clean);
}

/** A TSDL string literal: C escapes for quotes, backslashes and control characters. */
export function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const FIELD_TYPE_ALIAS: Record<Field['type'], string> = {
  int64: TypeAlias.INT64,
  uint64: TypeAlias.UINT64,
  float64: TypeAlias.DOUBLE,
  string: 'string',
  bool: TypeAlias.BOOL,
  json: TypeAlias.JSON,
};

function fieldType(field: Field): string {
  return field.spec === 'x' ? TypeAlias.UINT64_HEX : FIELD_TYPE_ALIAS[field.type];
}

function envValue(value: string | number): string {
  // TSDL env values are unsigned integer constants or strings; anything else is quoted.
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? String(value)
    : quote(String(value));
}

function renderEnv(trace: TraceDescription): string {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(trace.env))
    entries.set(sanitiseEnvKey(key), envValue(value));
  // Ours come last so that a caller's key cannot hide them.
  entries.set('tracer_name', quote('markers'));
  entries.set('trace_layout_version', String(TRACE_LAYOUT_VERSION));
  for (const stream of trace.streams) {
    entries.set(`stream_${stream.id}_thread_id`, String(stream.threadId));
    entries.set(`stream_${stream.id}_thread_name`, quote(stream.threadName));
    for (const event of stream.events) {
      if (event.key !== undefined) entries.set(eventKeyEnv(stream.id, event.id), quote(event.key));
    }
  }
  const lines = [...entries].map(([key, value]) => `\t${key} = ${value};`);
  return `env {\n${lines.join('\n')}\n};`;
}

function renderEvent(event: EventDescription, streamId: number): string {
  const fields = event.fields.map((f) => `\t\t${fieldType(f)} ${escapeName(f.name)};`);
  const body = fields.length === 0 ? '' : `\n${fields.join('\n')}\n\t`;
  return `event {
\tname = ${quote(event.name)};
\tid = ${event.id};
\tstream_id = ${streamId};
\tfields := struct {${body}};
};`;
}

function renderStream(stream: StreamDescription): string {
  const events = stream.events.map((e) => renderEvent(e, stream.id));
  return [
    `stream {
\tid = ${stream.id};
\tpacket.context := struct {
\t\t${TypeAlias.CLOCK} timestamp_begin;
\t\t${TypeAlias.CLOCK} timestamp_end;
\t\t${TypeAlias.UINT64} content_size;
\t\t${TypeAlias.UINT64} packet_size;
\t\t${TypeAlias.UINT64} packet_seq_num;
\t\t${TypeAlias.UINT64} events_discarded;
\t\t${TypeAlias.UINT32} thread_id;
\t};
\tevent.header := struct {
\t\t${TypeAlias.UINT16} id;
\t\t${TypeAlias.CLOCK} timestamp;
\t};
};`,
    ...events,
  ].join('\n\n');
}

/** Renders the TSDL text of a trace: "/* CTF 1.8 *\/" first, then types, trace, env, clock, streams and events. */
export function renderMetadata(trace: TraceDescription): string {
  if (!UUID.test(trace.uuid))
    throw new TypeError(`trace uuid "${trace.uuid}" is not a 36-char uuid`);
  // Floor division keeps `offset` in [0, 1 s) even for an offset before the epoch.
  let offsetS = trace.clockOffsetNs / NS_PER_S;
  let offsetNs = trace.clockOffsetNs % NS_PER_S;
  if (offsetNs < 0n) {
    offsetNs += NS_PER_S;
    offsetS -= 1n;
  }
  const precision = Math.max(0, Math.round(trace.clockPrecisionNs ?? 1));
  const parts = [
    '/* CTF 1.8 */',
    `/* markers trace layout ${TRACE_LAYOUT_VERSION}: byte-packed, little-endian */`,
    `typealias integer { size = 8; align = 8; signed = false; } := ${TypeAlias.UINT8};
typealias integer { size = 16; align = 8; signed = false; } := ${TypeAlias.UINT16};
typealias integer { size = 32; align = 8; signed = false; } := ${TypeAlias.UINT32};
typealias integer { size = 64; align = 8; signed = false; } := ${TypeAlias.UINT64};
typealias integer { size = 64; align = 8; signed = false; base = 16; } := ${TypeAlias.UINT64_HEX};
typealias integer { size = 64; align = 8; signed = true; } := ${TypeAlias.INT64};
typealias floating_point { exp_dig = 11; mant_dig = 53; align = 8; } := ${TypeAlias.DOUBLE};
typealias enum : ${TypeAlias.UINT8} { "false" = 0, "true" = 1 } := ${TypeAlias.BOOL};
typealias string { encoding = UTF8; } := ${TypeAlias.JSON};`,
    `trace {
\tmajor = 1;
\tminor = 8;
\tuuid = ${quote(trace.uuid.toLowerCase())};
\tbyte_order = le;
\tpacket.header := struct {
\t\t${TypeAlias.UINT32} magic;
\t\t${TypeAlias.UINT8} uuid[16];
\t\t${TypeAlias.UINT32} stream_id;
\t};
};`,
    renderEnv(trace),
    `clock {
\tname = ${CLOCK_NAME};
\tdescription = "monotonic nanoseconds, offset to the Unix epoch";
\tfreq = 1000000000;
\tprecision = ${precision};
\toffset_s = ${offsetS};
\toffset = ${offsetNs};
\tabsolute = true;
};`,
    `typealias integer { size = 64; align = 8; signed = false; map = clock.${CLOCK_NAME}.value; } := ${TypeAlias.CLOCK};`,
    ...trace.streams.map(renderStream),
  ];
  return `${parts.join('\n\n')}\n`;
}
