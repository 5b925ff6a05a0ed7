/**
 * Decodes byte-packed little-endian CTF values from a packet buffer. A
 * Cursor walks one packet between a start and an end (the packet's content
 * size); every read is bounds-checked against that end, so a value that runs
 * past it is reported as corruption at its own byte offset in the file.
 */
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import type { CtfType, StructType } from './ctf-type.js';

export type FieldValue = number | bigint | string | boolean | unknown;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const utf8 = new TextDecoder('utf-8');

export function corrupt(
  file: string,
  offset: number,
  what: string,
  details: object = {},
): MarkersError {
  return new MarkersError(ErrorCode.TRACE_CORRUPT, `${file} at byte ${offset}: ${what}`, {
    file,
    offset,
    ...details,
  });
}

export class Cursor {
  pos: number;

  /**
   * @param buf the packet's bytes
   * @param end where readable content stops (bytes into buf)
   * @param fileOffset where buf starts in the file, for error messages
   */
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
    readonly file: string,
    readonly fileOffset: number,
  ) {
    this.pos = start;
  }

  /** The file offset of the cursor. */
  get offset(): number {
    return this.fileOffset + this.pos;
  }

  need(bytes: number, what: string): void {
    if (this.pos + bytes > this.end) {
      throw corrupt(
        this.file,
        this.offset,
        `${what} needs ${bytes} bytes but only ${this.end - this.pos} remain in the packet content`,
      );
    }
  }

  /** An integer; 64-bit values come back as bigint when `exact`, else as number when safe. */
  int(size: number, signed: boolean, exact: boolean, what: string): number | bigint {
    this.need(size / 8, what);
    const at = this.pos;
    this.pos += size / 8;
    switch (size) {
      case 8:
        return signed ? this.buf.readInt8(at) : this.buf.readUInt8(at);
      case 16:
        return signed ? this.buf.readInt16LE(at) : this.buf.readUInt16LE(at);
      case 32:
        return signed ? this.buf.readInt32LE(at) : this.buf.readUInt32LE(at);
      default: {
        const value = signed ? this.buf.readBigInt64LE(at) : this.buf.readBigUInt64LE(at);
        return exact || value > MAX_SAFE || value < MIN_SAFE ? value : Number(value);
      }
    }
  }

  string(what: string): string {
    const nul = this.buf.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) {
      throw corrupt(
        this.file,
        this.offset,
        `${what}: string without a NUL before the end of the packet content`,
      );
    }
    const text = utf8.decode(this.buf.subarray(this.pos, nul));
    this.pos = nul + 1;
    return text;
  }

  /** A payload value, as a marker field: safe 64-bit ints become numbers, enums booleans or labels. */
  value(type: CtfType, what: string, exact = false): FieldValue {
    switch (type.kind) {
      case 'int':
        return this.int(type.size, type.signed, exact, what);
      case 'float': {
        this.need(type.size / 8, what);
        const at = this.pos;
        this.pos += type.size / 8;
        return type.size === 64 ? this.buf.readDoubleLE(at) : this.buf.readFloatLE(at);
      }
      case 'string':
        return this.string(what);
      case 'enum': {
        const raw = this.int(type.container.size, type.container.signed, true, what);
        const label = type.labels.get(BigInt(raw));
        if (label === 'true') return true;
        if (label === 'false') return false;
        return label ?? raw;
      }
      case 'array': {
        const items: FieldValue[] = [];
        for (let i = 0; i < type.length; i++) items.push(this.value(type.element, what, exact));
        return items;
      }
      case 'struct':
        return this.struct(type, what, exact);
    }
  }

  /** A header struct: 64-bit ints exact (bigint), arrays as arrays. */
  struct(type: StructType, what: string, exact = true): Record<string, FieldValue> {
    const out: Record<string, FieldValue> = {};
    for (const field of type.fields)
      out[field.name] = this.value(field.type, `${what} ${field.name}`, exact);
    return out;
  }
}
