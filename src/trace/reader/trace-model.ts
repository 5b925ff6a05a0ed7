/**
 * From parsed TSDL blocks to the model the stream decoder works from: the
 * trace uuid and packet header, the clock's mapping to Unix-epoch ns, each
 * stream class with its packet context, event header and event classes, and
 * each event's fields mapped back to marker field types.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import type { Conversion, FieldType } from '../../marker/format.js';
import { eventKeyEnv, TypeAlias, unescapeName } from '../metadata.js';
import { type CtfType, type StructType, staticSize } from './ctf-type.js';
import { type AttrValue, type Block, parseTsdl } from './tsdl-parser.js';

export interface FieldModel {
  /** The marker's field name (TSDL escaping removed). */
  readonly name: string;
  readonly type: FieldType;
  readonly spec: Conversion;
  readonly ctf: CtfType;
  /** `event "NAME" field "FIELD"`, built once for error messages. */
  readonly label: string;
}
export interface EventModel {
  readonly id: number;
  readonly name: string;
  readonly streamId: number;
  readonly fields: readonly FieldModel[];
  /** The pairing key field the marker declared (from the env), if any. */
  readonly key?: string;
}
export interface StreamModel {
  readonly id: number;
  readonly packetContext: StructType;
  readonly eventHeader: StructType;
  /** The event header is abi/trace-layout.ts's `u16 id, u64 timestamp`, which the decoder reads directly. */
  readonly compactEventHeader: boolean;
  /** Bytes of packet header + packet context: where the first event starts. */
  readonly headerSize: number;
  readonly events: ReadonlyMap<number, EventModel>;
  /** From the env (`stream_<id>_thread_*`); packet contexts carry the thread id too. */
  readonly threadId: number | undefined;
  readonly threadName: string | undefined;
}
export interface ClockModel {
  readonly name: string;
  readonly freq: bigint;
  /** Unix-epoch ns at clock value 0. */
  readonly offsetNs: bigint;
}
export interface TraceModel {
  readonly dir: string;
  readonly metadataFile: string;
  readonly uuid: string;
  readonly uuidBytes: Uint8Array;
  readonly packetHeader: StructType;
  readonly clock: ClockModel;
  readonly env: Readonly<Record<string, string | number | bigint>>;
  readonly streams: ReadonlyMap<number, StreamModel>;
}

const NS_PER_S = 1_000_000_000n;

function uuidBytes(uuid: string): Uint8Array | undefined {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  return Uint8Array.from(hex.match(/../g) as string[], (h) => Number.parseInt(h, 16));
}

/** The marker field type a CTF type records. */
function fieldTypeOf(type: CtfType): { type: FieldType; spec: Conversion } | undefined {
  switch (type.kind) {
    case 'int':
      if (type.signed) return { type: 'int64', spec: 'd' };
      return type.base === 16 ? { type: 'uint64', spec: 'x' } : { type: 'uint64', spec: 'u' };
    case 'float':
      return { type: 'float64', spec: 'f' };
    case 'string':
      return type.alias === TypeAlias.JSON
        ? { type: 'json', spec: 'j' }
        : { type: 'string', spec: 's' };
    case 'enum':
      return { type: 'bool', spec: 'b' };
    default:
      return undefined;
  }
}

class ModelBuilder {
  constructor(private readonly file: string) {}

  fail(block: Block | undefined, what: string): never {
    const where = block === undefined ? this.file : `${this.file}:${block.line}`;
    throw new MarkersError(ErrorCode.TRACE_METADATA, `${where}: ${what}`, { file: this.file });
  }

  attr(block: Block, name: string, kind: AttrValue['kind']): AttrValue['value'] {
    const value = block.attrs.get(name);
    if (value === undefined || value.kind !== kind) {
      this.fail(
        block,
        `${block.kind} block: "${name}" missing or not ${kind === 'int' ? 'an integer' : `a ${kind}`}`,
      );
    }
    return (value as AttrValue).value;
  }

  struct(block: Block, name: string): StructType {
    const type = block.types.get(name);
    if (type?.kind !== 'struct') this.fail(block, `${block.kind} block: "${name}" is not a struct`);
    return type as StructType;
  }

  build(dir: string, blocks: Block[]): TraceModel {
    const one = (kind: Block['kind']): Block | undefined => {
      const found = blocks.filter((b) => b.kind === kind);
      if (found.length > 1) this.fail(found[1], `more than one ${kind} block`);
      return found[0];
    };
    const trace = one('trace') ?? this.fail(undefined, 'no trace block');
    if (this.attr(trace, 'major', 'int') !== 1n)
      this.fail(trace, 'only CTF major version 1 is supported');
    const byteOrder = trace.attrs.get('byte_order')?.value;
    if (byteOrder !== 'le') this.fail(trace, `only byte_order = le is supported, got ${byteOrder}`);
    const uuid = String(this.attr(trace, 'uuid', 'string')).toLowerCase();
    const bytes = uuidBytes(uuid) ?? this.fail(trace, `bad uuid "${uuid}"`);
    const packetHeader = this.struct(trace, 'packet.header');

    const env: Record<string, string | number | bigint> = {};
    const envBlock = one('env');
    for (const [key, value] of envBlock?.attrs ?? []) {
      // renderMetadata escapes env keys like field names; babeltrace2 shows them as written.
      env[unescapeName(key)] =
        value.kind === 'int' && value.value <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(value.value)
          : value.value;
    }

    const clocks = blocks.filter((b) => b.kind === 'clock');
    const clockBlock = clocks[0] ?? this.fail(undefined, 'no clock block');
    if (clocks.length > 1) this.fail(clocks[1], 'only one clock is supported');
    const freq = clockBlock.attrs.get('freq')?.value ?? 1_000_000_000n;
    if (typeof freq !== 'bigint' || freq <= 0n)
      this.fail(clockBlock, 'clock freq must be a positive integer');
    const offsetS = clockBlock.attrs.get('offset_s')?.value ?? 0n;
    const offset = clockBlock.attrs.get('offset')?.value ?? 0n;
    if (typeof offsetS !== 'bigint' || typeof offset !== 'bigint') {
      this.fail(clockBlock, 'clock offset_s and offset must be integers');
    }
    const clock: ClockModel = {
      name: String(this.attr(clockBlock, 'name', 'ident')),
      freq: freq as bigint,
      offsetNs: (offsetS as bigint) * NS_PER_S + ((offset as bigint) * NS_PER_S) / (freq as bigint),
    };

    const headerSize =
      staticSize(packetHeader) ?? this.fail(trace, 'packet.header must have a fixed size');
    const streams = new Map<number, StreamModel & { events: Map<number, EventModel> }>();
    for (const block of blocks.filter((b) => b.kind === 'stream')) {
      const id = Number(block.attrs.get('id')?.value ?? 0n);
      if (streams.has(id)) this.fail(block, `stream id ${id} is declared twice`);
      const packetContext = this.struct(block, 'packet.context');
      const contextSize =
        staticSize(packetContext) ?? this.fail(block, 'packet.context must have a fixed size');
      const threadId = env[`stream_${id}_thread_id`];
      const threadName = env[`stream_${id}_thread_name`];
      const eventHeader = this.struct(block, 'event.header');
      const [idField, tsField, extra] = eventHeader.fields;
      streams.set(id, {
        id,
        packetContext,
        eventHeader,
        compactEventHeader:
          extra === undefined &&
          idField?.name === 'id' &&
          idField.type.kind === 'int' &&
          idField.type.size === 16 &&
          !idField.type.signed &&
          tsField?.name === 'timestamp' &&
          tsField.type.kind === 'int' &&
          tsField.type.size === 64 &&
          !tsField.type.signed,
        headerSize: headerSize + contextSize,
        events: new Map(),
        threadId: typeof threadId === 'number' ? threadId : undefined,
        threadName: typeof threadName === 'string' ? threadName : undefined,
      });
    }
    for (const block of blocks.filter((b) => b.kind === 'event')) {
      const streamId = Number(block.attrs.get('stream_id')?.value ?? 0n);
      const stream =
        streams.get(streamId) ?? this.fail(block, `event names unknown stream ${streamId}`);
      const id = Number(this.attr(block, 'id', 'int'));
      if (stream.events.has(id))
        this.fail(block, `event id ${id} is declared twice in stream ${streamId}`);
      const payload = block.types.has('fields') ? this.struct(block, 'fields') : undefined;
      const name = String(this.attr(block, 'name', 'string'));
      const fields = (payload?.fields ?? []).map((f): FieldModel => {
        const mapped =
          fieldTypeOf(f.type) ?? this.fail(block, `field "${f.name}" has an unsupported type`);
        const fieldName = unescapeName(f.name);
        return {
          name: fieldName,
          ...mapped,
          ctf: f.type,
          label: `event "${name}" field "${fieldName}"`,
        };
      });
      const key = env[eventKeyEnv(streamId, id)];
      stream.events.set(id, {
        id,
        name,
        streamId,
        fields,
        ...(typeof key === 'string' ? { key } : {}),
      });
    }
    return {
      dir,
      metadataFile: this.file,
      uuid,
      uuidBytes: bytes,
      packetHeader,
      clock,
      env,
      streams,
    };
  }
}

/** Reads and parses DIR/metadata. ERR_TRACE_NOT_FOUND when the directory or file is missing. */
export async function loadTraceModel(dir: string): Promise<TraceModel> {
  const file = join(dir, 'metadata');
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new MarkersError(ErrorCode.TRACE_NOT_FOUND, `no trace directory at ${dir}`, { dir });
  }
  const bytes = await readFile(file).catch(() => undefined);
  if (bytes === undefined) {
    throw new MarkersError(ErrorCode.TRACE_NOT_FOUND, `${dir} holds no metadata file`, {
      dir,
      file,
    });
  }
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x75d11d57) {
    throw new MarkersError(
      ErrorCode.TRACE_METADATA,
      `${file}: packetized metadata is not supported`,
      { file },
    );
  }
  return parseTraceModel(bytes.toString('utf8'), file, dir);
}

/** Parses metadata text; `file` names it in errors. */
export function parseTraceModel(text: string, file: string, dir: string): TraceModel {
  if (!text.startsWith('/* CTF 1.8')) {
    throw new MarkersError(
      ErrorCode.TRACE_METADATA,
      `${file}: does not start with "/* CTF 1.8 */"`,
      { file },
    );
  }
  return new ModelBuilder(file).build(dir, parseTsdl(text, file));
}
