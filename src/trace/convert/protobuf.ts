/**
 * A minimal protobuf encoder: varints (uint64 and two's-complement int64),
 * fixed64 doubles, length-delimited strings and nested messages, all written
 * into one growable buffer that is reused from message to message.
 *
 * Nested messages are written in place: begin() writes the tag and reserves
 * a 4-byte length, end() patches it as a redundant (non-minimal) varint, as
 * Perfetto's own protozero writer does. Protobuf parsers accept such varints,
 * and no child message is ever built and copied. A nested message is thus
 * limited to 2^28 - 1 bytes, far above one trace event.
 */

const WireType = {
  VARINT: 0,
  FIXED64: 1,
  LENGTH_DELIMITED: 2,
} as const;

const encoder = new TextEncoder();
const U64_MASK = (1n << 64n) - 1n;
const NESTED_LENGTH_BYTES = 4;
const MAX_NESTED = 2 ** 28 - 1;

export class ProtoWriter {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  private len = 0;
  /** Start offsets of the open nested messages' length fields. */
  private readonly open: number[] = [];

  private reserve(bytes: number): void {
    if (this.len + bytes <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + bytes));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private rawVarint(value: bigint | number): void {
    this.reserve(10);
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff) {
      let v = value;
      while (v > 0x7f) {
        this.buf[this.len++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.len++] = v;
      return;
    }
    // int64 negatives are sent as their 64-bit two's complement: always 10 bytes.
    let v = BigInt(value) & U64_MASK;
    while (v > 0x7fn) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  /** uint32/uint64/int32/int64/bool/enum fields. */
  varint(field: number, value: bigint | number | boolean): this {
    this.tag(field, WireType.VARINT);
    this.rawVarint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return this;
  }

  double(field: number, value: number): this {
    this.tag(field, WireType.FIXED64);
    this.reserve(8);
    this.view.setFloat64(this.len, value, true);
    this.len += 8;
    return this;
  }

  string(field: number, value: string): this {
    this.tag(field, WireType.LENGTH_DELIMITED);
    // UTF-8 takes at most 3 bytes per UTF-16 unit; encode in place, then write the length before it.
    this.reserve(5 + value.length * 3);
    const start = this.len + 5;
    const { written } = encoder.encodeInto(value, this.buf.subarray(start));
    this.rawVarint(written);
    this.buf.copyWithin(this.len, start, start + written);
    this.len += written;
    return this;
  }

  /** Opens a nested message as field `field`; close it with end(). */
  begin(field: number): this {
    this.tag(field, WireType.LENGTH_DELIMITED);
    this.reserve(NESTED_LENGTH_BYTES);
    this.open.push(this.len);
    this.len += NESTED_LENGTH_BYTES;
    return this;
  }

  end(): this {
    const at = this.open.pop();
    if (at === undefined) throw new Error('ProtoWriter.end() without begin()');
    const size = this.len - at - NESTED_LENGTH_BYTES;
    if (size > MAX_NESTED) throw new RangeError(`nested protobuf message of ${size} bytes`);
    this.buf[at] = (size & 0x7f) | 0x80;
    this.buf[at + 1] = ((size >>> 7) & 0x7f) | 0x80;
    this.buf[at + 2] = ((size >>> 14) & 0x7f) | 0x80;
    this.buf[at + 3] = (size >>> 21) & 0x7f;
    return this;
  }

  /** A copy of the bytes written since the last take(), and a reset. */
  take(): Uint8Array {
    if (this.open.length > 0) throw new Error('ProtoWriter.take() inside an open message');
    const bytes = this.buf.slice(0, this.len);
    this.len = 0;
    return bytes;
  }
}
