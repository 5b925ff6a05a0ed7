/**
 * The binary layout of a markers CTF 1.8 stream, shared by the writer side
 * (src/record: ring buffers whose sub-buffers are packets) and the reader side
 * (src/trace: metadata, our reader, converters). Append-only: never reorder
 * or remove fields; a change here is a change of TRACE_LAYOUT_VERSION and of
 * the metadata that describes it.
 *
 * Every type is byte-aligned (TSDL `align = 8`) and little-endian, so nothing
 * is ever padded and an event can start at any byte.
 *
 * A stream file holds one thread's packets; each thread is its own stream
 * class (stream_id = stream index in the trace), so event ids are allocated per
 * thread with no coordination between threads.
 *
 * Packet (one ring sub-buffer):
 *   header   u32 magic (0xC1FC1FC1), u8 uuid[16], u32 stream_id          24 bytes
 *   context  u64 timestamp_begin, u64 timestamp_end (clock ns),
 *            u64 content_size, u64 packet_size (bits, headers included),
 *            u64 packet_seq_num, u64 events_discarded (running count),
 *            u32 thread_id (worker_threads threadId; 0 = main)              52 bytes
 *   events   until content_size; bytes after it up to packet_size are padding
 *
 * Event:
 *   header   u16 id (per stream class), u64 timestamp (clock ns)           10 bytes
 *   payload  the marker's fields in format order:
 *            int64 / uint64 / float64: 8 bytes LE
 *            bool: u8 (0 or 1)
 *            string / json: UTF-8 bytes then one NUL
 */

export const TRACE_LAYOUT_VERSION = 1;

export const CTF_MAGIC = 0xc1fc1fc1;

export const PacketHeader = {
  MAGIC: 0,
  UUID: 4,
  STREAM_ID: 20,
  SIZE: 24,
} as const;

/** Byte offsets from the start of the packet. */
export const PacketContext = {
  TIMESTAMP_BEGIN: 24,
  TIMESTAMP_END: 32,
  CONTENT_SIZE: 40,
  PACKET_SIZE: 48,
  PACKET_SEQ_NUM: 56,
  EVENTS_DISCARDED: 64,
  THREAD_ID: 72,
  /** Where the first event starts. */
  END: 76,
} as const;

/** A trace uuid (36-char text) as the 16 bytes of PacketHeader.UUID. */
export function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replaceAll('-', '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const EventHeader = {
  ID: 0,
  TIMESTAMP: 2,
  SIZE: 10,
} as const;

/** Largest event id: the header's id is a u16. */
export const MAX_EVENT_ID = 0xffff;

/** Bytes a field of each type takes, for fixed-size types. */
export const FIXED_FIELD_SIZE = {
  int64: 8,
  uint64: 8,
  float64: 8,
  bool: 1,
} as const;

/** TSDL keywords a field may not be named; the writer prefixes them with `_`. */
export const TSDL_KEYWORDS: ReadonlySet<string> = new Set([
  'align',
  'callsite',
  'const',
  'char',
  'clock',
  'double',
  'enum',
  'env',
  'event',
  'floating_point',
  'float',
  'integer',
  'int',
  'long',
  'short',
  'signed',
  'stream',
  'string',
  'struct',
  'trace',
  'typealias',
  'typedef',
  'unsigned',
  'variant',
  'void',
  '_Bool',
  '_Complex',
  '_Imaginary',
]);
