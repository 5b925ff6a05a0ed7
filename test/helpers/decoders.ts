/**
 * Decoders of our three output formats back into plain events, written
 * without our converters' code: a line parser for text, JSON.parse for JSON
 * lines, protobufjs with a .proto written from Perfetto's documented field
 * numbers for Perfetto. The conformance suite compares what they return
 * with the sample trace.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export interface DecodedEvent {
  readonly ts: bigint;
  readonly thread: string;
  /** For Perfetto: "B:", "E:" or "I:" then the event name. */
  readonly name: string;
  readonly fields: Record<string, unknown>;
}
export interface DecodedDiscard {
  readonly thread: string;
  readonly events: number;
}
export interface Decoded {
  readonly events: DecodedEvent[];
  readonly discarded: DecodedDiscard[];
}

// ---- text -----------------------------------------------------------------

const LINE =
  /^\[(\d\d):(\d\d):(\d\d)\.(\d{9})\] \((?:\+\?\.\?{9}|[+-]\d+\.\d{9})\) (.*)\/(\d+) (.*)$/;

/** Scans one value of a `{ name = value, ... }` list starting at `i`; returns [text, next index]. */
function scanValue(s: string, i: number): [string, number] {
  let depth = 0;
  let inString = false;
  let j = i;
  for (; j < s.length; j++) {
    const c = s[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) break;
      depth--;
    } else if (c === ',' && depth === 0) break;
  }
  return [s.slice(i, j).trim(), j];
}

function textValue(raw: string): unknown {
  if (/^-?\d+$/.test(raw) || /^0x[0-9a-f]+$/.test(raw)) return BigInt(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return JSON.parse(raw);
}

/** Text lines carry only the time of day: `dayStartNs` gives the date back. */
export function decodeText(bytes: Buffer, dayStartNs: bigint): Decoded {
  const decoded: Decoded = { events: [], discarded: [] };
  for (const line of bytes.toString('utf8').split('\n')) {
    if (line === '') continue;
    const m = LINE.exec(line);
    if (m === null) throw new Error(`unparsable text line: ${line}`);
    const [, h, min, sec, frac, thread, , rest] = m as unknown as string[];
    const ts =
      dayStartNs +
      (BigInt(Number(h) * 3600 + Number(min) * 60 + Number(sec)) * 1_000_000_000n +
        BigInt(frac as string));
    const warn = /^WARNING: (\d+) events discarded/.exec(rest as string);
    if (warn !== null) {
      decoded.discarded.push({ thread: thread as string, events: Number(warn[1]) });
      continue;
    }
    const colon = (rest as string).indexOf(': {');
    const name = (rest as string).slice(0, colon);
    const body = (rest as string).slice(colon + 3);
    const fields: Record<string, unknown> = {};
    let i = 0;
    for (;;) {
      while (body[i] === ' ' || body[i] === ',') i++;
      if (body[i] === '}' || i >= body.length) break;
      const eq = body.indexOf(' = ', i);
      const key = body.slice(i, eq);
      const [raw, next] = scanValue(body, eq + 3);
      fields[key] = textValue(raw);
      i = next;
    }
    decoded.events.push({ ts, thread: thread as string, name, fields });
  }
  return decoded;
}

// ---- JSON lines -----------------------------------------------------------

export function decodeJsonLines(bytes: Buffer): Decoded {
  const decoded: Decoded = { events: [], discarded: [] };
  for (const line of bytes.toString('utf8').split('\n')) {
    if (line === '') continue;
    const o = JSON.parse(line) as {
      ts: string;
      thread: string;
      marker?: string;
      fields?: Record<string, unknown>;
      discarded?: { events: number };
    };
    if (typeof o.ts !== 'string') throw new Error(`ts must be a string: ${line}`);
    if (o.discarded !== undefined)
      decoded.discarded.push({ thread: o.thread, events: o.discarded.events });
    else
      decoded.events.push({
        ts: BigInt(o.ts),
        thread: o.thread,
        name: o.marker as string,
        fields: o.fields ?? {},
      });
  }
  return decoded;
}

// ---- Perfetto -------------------------------------------------------------

const PROTO = readFileSync(fileURLToPath(new URL('./perfetto-min.proto', import.meta.url)), 'utf8');
const root = protobuf.parse(PROTO).root;
const TraceMessage = root.lookupType('perfetto.protos.Trace');

interface Annotation {
  name: string;
  boolValue?: boolean;
  uintValue?: string;
  intValue?: string;
  doubleValue?: number;
  stringValue?: string;
  pointerValue?: string;
  legacyJsonValue?: string;
}
export interface PerfettoPacket {
  timestamp?: string;
  trustedPacketSequenceId?: number;
  sequenceFlags?: number;
  trackDescriptor?: {
    uuid: string;
    name?: string;
    parentUuid?: string;
    process?: { pid: number; processName?: string };
    thread?: { pid: number; tid: string; threadName?: string };
  };
  trackEvent?: {
    type?: string;
    trackUuid?: string;
    categories?: string[];
    name?: string;
    debugAnnotations?: Annotation[];
  };
}

export function perfettoPackets(bytes: Buffer): PerfettoPacket[] {
  const message = TraceMessage.decode(bytes);
  const plain = TraceMessage.toObject(message, {
    longs: String,
    enums: String,
    defaults: false,
  }) as {
    packet?: PerfettoPacket[];
  };
  return plain.packet ?? [];
}

function annotationValue(a: Annotation): unknown {
  if (a.boolValue !== undefined) return a.boolValue;
  if (a.uintValue !== undefined) return BigInt(a.uintValue);
  if (a.intValue !== undefined) return BigInt(a.intValue);
  if (a.pointerValue !== undefined) return BigInt(a.pointerValue);
  if (a.doubleValue !== undefined) return a.doubleValue;
  if (a.stringValue !== undefined) return a.stringValue;
  if (a.legacyJsonValue !== undefined) return JSON.parse(a.legacyJsonValue);
  return undefined;
}

const TYPE_LETTER: Record<string, string> = {
  TYPE_SLICE_BEGIN: 'B',
  TYPE_SLICE_END: 'E',
  TYPE_INSTANT: 'I',
};

export function decodePerfetto(bytes: Buffer): Decoded {
  const decoded: Decoded = { events: [], discarded: [] };
  const threads = new Map<string, string>();
  for (const p of perfettoPackets(bytes)) {
    if (p.trackDescriptor?.thread !== undefined) {
      threads.set(p.trackDescriptor.uuid, p.trackDescriptor.thread.threadName ?? '');
    } else if (p.trackDescriptor?.parentUuid !== undefined) {
      // An async lane: its events belong to the thread of its parent track.
      const parent = threads.get(p.trackDescriptor.parentUuid);
      if (parent !== undefined) threads.set(p.trackDescriptor.uuid, parent);
    }
    const e = p.trackEvent;
    if (e === undefined) continue;
    const thread = threads.get(e.trackUuid ?? '') ?? `?${e.trackUuid}`;
    const fields: Record<string, unknown> = {};
    for (const a of e.debugAnnotations ?? []) fields[a.name] = annotationValue(a);
    if (e.name === 'markers:discarded') {
      decoded.discarded.push({ thread, events: Number(fields.events) });
      continue;
    }
    decoded.events.push({
      ts: BigInt(p.timestamp ?? '0'),
      thread,
      name: `${TYPE_LETTER[e.type ?? ''] ?? '?'}:${e.name}`,
      fields,
    });
  }
  return decoded;
}
