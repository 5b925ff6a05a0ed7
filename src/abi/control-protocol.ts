/**
 * The control protocol between the `markers` CLI and the control server in a
 * traced process, over a Unix stream socket.
 *
 * Wire structures are append-only: never reorder, rename or remove a field;
 * bump PROTOCOL_VERSION for any change an older peer would misread.
 *
 * Client -> server: JSON lines, one command per line.
 *   {"v":1,"id":7,"cmd":"list","args":{"pattern":"http:*"}}\n
 *
 * Server -> client: a byte stream of messages, each either
 *   - a JSON line (first byte `{`, ends with `\n`):
 *       {"v":1,"id":7,"ok":true,"result":...}                   the reply
 *       {"v":1,"id":7,"ok":false,"error":{"code":"ERR_..","message":".."}}
 *       {"v":1,"id":7,"event":"progress","data":...}            stream notices
 *       {"v":1,"id":7,"event":"working","data":null}            keepalive (KEEPALIVE_MS)
 *     A protocol error with no usable id (garbage, oversized line) is a reply
 *     with "id":null. Before the control worker runs, the doorbell
 *     (control/listen.ts) answers a connection with `working` lines of
 *     "id":null, then `{"v":1,"id":null,"event":"moved"}`, and closes it: the
 *     client connects again and sends its commands again (none ran).
 *   - a binary frame, for trace data (first byte 0x00, never a JSON line):
 *       u8  0x00          frame marker
 *       u32 id            the command it belongs to (big endian, as all below)
 *       u32 headerLength  bytes of the JSON header that follows
 *       u32 payloadLength bytes of payload after the header
 *       header            UTF-8 JSON, e.g. the stream a packet belongs to
 *       payload           raw bytes, e.g. one CTF packet
 *
 * Limits: a command line is at most MAX_LINE_BYTES; a longer one is answered
 * with ERR_PROTOCOL and skipped up to its newline. A frame is at most
 * MAX_FRAME_BYTES; the client treats a bigger one as a broken stream.
 */
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import type { Outcome } from './envelope.js';
import type { WireError } from './wire-error.js';

export const PROTOCOL_VERSION = 1;
/**
 * While a command runs, the server sends `{"v":1,"id":ID,"event":"working","data":null}`
 * this often (ID: the oldest command running on the connection), and the
 * doorbell (control/listen.ts) `{"v":1,"id":null,"event":"working"}` while
 * its worker starts: a client tells a busy target from a silent one by them
 * (ControlClient's reply deadline). No command running, nothing is sent.
 */
export const KEEPALIVE_MS = 1000;
export const MAX_LINE_BYTES = 1 << 20;
export const MAX_FRAME_BYTES = 64 << 20;
export const FRAME_MARKER = 0x00;
const FRAME_PREFIX = 13;
const NEWLINE = 0x0a;

/** A command as sent by the client: the envelope's request, its `op` spelled `cmd` since version 1. */
export interface Request {
  readonly v: number;
  readonly id: number;
  readonly cmd: string;
  readonly args?: Record<string, unknown>;
}

export type { WireError };

/** Everything the server sends as a line: an answer (the envelope's Outcome), or a stream notice. */
export type ServerLine =
  | (Outcome & { readonly v: number; readonly id: number | null })
  | { readonly v: number; readonly id: number; readonly event: string; readonly data: unknown };

export interface Frame {
  readonly id: number;
  readonly header: unknown;
  readonly payload: Uint8Array;
}

export function encodeLine(message: object): Buffer {
  return Buffer.from(`${JSON.stringify(message)}\n`, 'utf8');
}

/**
 * A frame's prefix and header, for a payload of `payloadLength` bytes that the
 * sender writes right after it. The payload is not copied in: a recording's
 * packet goes to the socket from the ring slot it was written in (a copy of
 * 50 KB per packet cost an allocation, its page faults and the copy, about a
 * fifth of the control worker's CPU while streaming).
 */
export function encodeFrameHead(id: number, header: unknown, payloadLength: number): Buffer {
  const json = JSON.stringify(header ?? null);
  const headLength = Buffer.byteLength(json, 'utf8');
  const out = Buffer.allocUnsafe(FRAME_PREFIX + headLength);
  out[0] = FRAME_MARKER;
  out.writeUInt32BE(id >>> 0, 1);
  out.writeUInt32BE(headLength, 5);
  out.writeUInt32BE(payloadLength, 9);
  out.write(json, FRAME_PREFIX, 'utf8');
  return out;
}

/**
 * Checks one parsed command line. Throws ERR_PROTOCOL for a malformed one and
 * ERR_PROTOCOL_VERSION for another version; the caller turns both into replies.
 */
export function validateRequest(value: unknown): Request {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MarkersError(ErrorCode.PROTOCOL, 'a command must be a JSON object');
  }
  const { v, id, cmd, args } = value as Record<string, unknown>;
  if (v !== PROTOCOL_VERSION) {
    throw new MarkersError(
      ErrorCode.PROTOCOL_VERSION,
      `protocol version ${JSON.stringify(v)} is not supported; this server speaks version ${PROTOCOL_VERSION}`,
      { version: v, supported: PROTOCOL_VERSION },
    );
  }
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || id > 0xffffffff) {
    throw new MarkersError(ErrorCode.PROTOCOL, 'a command needs an integer "id" in [0, 2^32)');
  }
  if (typeof cmd !== 'string' || cmd.length === 0 || cmd.length > 64) {
    throw new MarkersError(ErrorCode.PROTOCOL, `command ${id} needs a "cmd" string`);
  }
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw new MarkersError(
      ErrorCode.PROTOCOL,
      `command ${id} ("${cmd}"): "args" must be an object`,
    );
  }
  return args === undefined
    ? { v, id, cmd }
    : { v, id, cmd, args: args as Record<string, unknown> };
}

/**
 * Splits a byte stream into lines of at most `maxBytes`. Algorithm: chunks are
 * kept until a newline arrives, then joined once; a line that outgrows the
 * limit is dropped as it arrives (memory stays bounded) and reported once as
 * oversized, and reading resumes after its newline.
 */
export class LineSplitter {
  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #skipping = false;

  constructor(maxBytes = MAX_LINE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Calls onLine for every complete line (without its newline) and onOversize per dropped line. */
  push(chunk: Buffer, onLine: (line: string) => void, onOversize: () => void): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.#skipping) {
        this.#size += end - start;
        if (this.#size > this.#maxBytes) {
          this.#chunks = [];
          this.#size = 0;
          this.#skipping = true;
          onOversize();
        } else if (end > start) {
          this.#chunks.push(chunk.subarray(start, end));
        }
      }
      if (nl < 0) return;
      if (this.#skipping) {
        this.#skipping = false;
      } else {
        const line = Buffer.concat(this.#chunks).toString('utf8');
        this.#chunks = [];
        this.#size = 0;
        onLine(line);
      }
      start = nl + 1;
    }
  }
}

/**
 * Decodes what the server sends: JSON lines and binary frames, told apart by
 * their first byte. Used by the client. Throws ERR_PROTOCOL on a stream it
 * cannot resynchronise (bad JSON from the server, an oversized frame).
 */
export class ServerStreamDecoder {
  // Bytes not yet decoded are buf[start, end). The buffer grows by doubling and
  // newlines are searched only in bytes not searched before, so a message of n
  // bytes costs O(n) however it is split into chunks (a hostile server sending
  // a 64 MiB line in 64 KiB chunks must not cost quadratic copying).
  #buf: Buffer = Buffer.alloc(0);
  #start = 0;
  #end = 0;
  #scanned = 0;

  #append(chunk: Buffer): void {
    if (this.#end + chunk.length > this.#buf.length) {
      const live = this.#end - this.#start;
      const size = Math.max(
        live + chunk.length,
        Math.min(this.#buf.length * 2, MAX_FRAME_BYTES * 2),
      );
      const next = Buffer.allocUnsafe(Math.max(size, live + chunk.length, 64 * 1024));
      this.#buf.copy(next, 0, this.#start, this.#end);
      this.#scanned -= this.#start;
      this.#buf = next;
      this.#start = 0;
      this.#end = live;
    }
    chunk.copy(this.#buf, this.#end);
    this.#end += chunk.length;
  }

  push(chunk: Buffer, onLine: (line: ServerLine) => void, onFrame: (frame: Frame) => void): void {
    this.#append(chunk);
    const buf = this.#buf;
    while (this.#start < this.#end) {
      const at = this.#start;
      if (buf[at] === FRAME_MARKER) {
        if (this.#end - at < FRAME_PREFIX) break;
        const id = buf.readUInt32BE(at + 1);
        const headerLength = buf.readUInt32BE(at + 5);
        const payloadLength = buf.readUInt32BE(at + 9);
        if (headerLength + payloadLength > MAX_FRAME_BYTES) {
          throw new MarkersError(
            ErrorCode.PROTOCOL,
            `the server sent a frame of ${headerLength + payloadLength} bytes, over the ${MAX_FRAME_BYTES}-byte limit`,
          );
        }
        const end = at + FRAME_PREFIX + headerLength + payloadLength;
        if (this.#end < end) break;
        const headStart = at + FRAME_PREFIX;
        let header: unknown;
        try {
          header = JSON.parse(buf.toString('utf8', headStart, headStart + headerLength));
        } catch {
          throw new MarkersError(
            ErrorCode.PROTOCOL,
            `the server sent a frame whose header is not JSON (${headerLength} bytes)`,
          );
        }
        // Copied: the payload outlives this buffer, which is reused for the next chunk.
        const payload = new Uint8Array(buf.subarray(headStart + headerLength, end));
        this.#start = end;
        this.#scanned = end;
        onFrame({ id, header, payload });
        continue;
      }
      // Bounded by #end: the bytes beyond it are spare capacity, not data.
      const nl = buf.subarray(0, this.#end).indexOf(NEWLINE, Math.max(at, this.#scanned));
      if (nl < 0) {
        this.#scanned = this.#end;
        if (this.#end - at > MAX_FRAME_BYTES) {
          throw new MarkersError(ErrorCode.PROTOCOL, 'the server sent an unterminated line');
        }
        break;
      }
      const text = buf.toString('utf8', at, nl);
      this.#start = nl + 1;
      this.#scanned = nl + 1;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new MarkersError(
          ErrorCode.PROTOCOL,
          `the server sent a line that is not JSON: ${text.slice(0, 80)}`,
        );
      }
      // Only the shape of an object here; the client checks every field it reads.
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new MarkersError(
          ErrorCode.PROTOCOL,
          `the server sent a line that is not a JSON object: ${text.slice(0, 80)}`,
        );
      }
      onLine(parsed as ServerLine);
    }
    if (this.#start === this.#end) {
      // Everything decoded: start over at the front, and let a big buffer go.
      this.#start = 0;
      this.#end = 0;
      this.#scanned = 0;
      if (this.#buf.length > 1 << 20) this.#buf = Buffer.alloc(0);
    }
  }
}
