/**
 * A minimal protobuf encoder: varints (uint64 and two's-complement int64),
 * fixed64 doubles, length-delimited strings, bytes and nested messages. Each
 * message is built in its own growable buffer and copied into its parent
 * with a length prefix; messages here are small (one trace event each), so
 * the copy is cheaper than computing sizes up front.
 */

const WireType = {
  VARINT: 0,
  FIXED64: 1,
  LENGTH_DELIMITED: 2,
} as const;

const encoder = new TextEncoder();
const U64_MASK = (1n << 64n) - 1n;

export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;
  private readonly view8 = new DataView(new ArrayBuffer(8));

  private reserve(bytes: number): void {
    if (this.len + bytes <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + bytes));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
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
    this.view8.setFloat64(0, value, true);
    this.buf.set(new Uint8Array(this.view8.buffer), this.len);
    this.len += 8;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LENGTH_DELIMITED);
    this.rawVarint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  message(field: number, child: ProtoWriter): this {
    return this.bytes(field, child.finish());
  }

  /** The encoded bytes (a view: copy before reusing the writer). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
