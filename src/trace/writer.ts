/**
 * The CTF trace directory writer: a PacketSink that appends each packet to
 * its thread's stream file, with the metadata on disk before any packet that
 * needs it.
 *
 * Files: DIR/metadata and one DIR/<thread name>-<stream id> per thread that
 * recorded something. Packets are written with synchronous writes, so the
 * sink also serves the crash path (an uncaught exception leaves no event
 * loop turn for asynchronous I/O); in a recording they run on the consumer's
 * thread, never on the application's.
 *
 * What a reader finds if the writer stops at any moment (killed, full disk):
 *   - Metadata first. Once begin() gave the trace description, a packet
 *     whose stream or event classes the metadata on disk does not describe
 *     yet is written only after the metadata was rewritten to describe it.
 *     The metadata is replaced atomically (a temporary file, then rename), so
 *     it is never empty or half written: a SIGKILL leaves a readable trace.
 *   - Whole packets. A packet that could not be written completely is cut
 *     off again (ftruncate), so a stream file ends on a packet boundary.
 *   - The cut is in the trace. After a lost packet, an empty packet whose
 *     events_discarded includes the lost events is appended (it fits where
 *     the cut-off bytes were), and later packets of that stream carry the
 *     raised count, so babeltrace2 and our reader report the loss.
 *   - A trace directory (or stream file) deleted or replaced while recording
 *     is detected (the directory's inode and link count, the file's link
 *     count): nothing more is written anywhere, every later packet is
 *     counted as lost, and the error is ERR_TRACE_DIR_GONE.
 * Failures never throw out of packet(): a packet that could not be written is
 * counted (lostPackets, lostEvents) and the first error is kept and reported
 * once as a warning. finish() throws when the metadata cannot be written, or
 * the directory is gone, since the trace is then not what was recorded.
 */
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { StreamDescription, TraceDescription } from '../abi/trace-description.js';
import { PacketContext } from '../abi/trace-layout.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { emitMarkersWarning } from '../errors/warn.js';
import { renderMetadata } from './metadata.js';

/** Extra facts about a packet, for accounting. */
export interface PacketInfo {
  /** Events in the packet. */
  readonly events: number;
}

/** Where a recording's consumer delivers packets (src/record/consumer/delivery.ts). */
export interface PacketSink {
  /**
   * The trace as known when the recording starts (uuid, clock, env), before
   * any packet: a sink may write what readers need first. Optional.
   */
  begin?(trace: TraceDescription): void | Promise<void>;
  /** `bytes` are only valid during the call: copy them to keep them. */
  packet(stream: StreamDescription, bytes: Uint8Array, info?: PacketInfo): void | Promise<void>;
  /** Every packet was delivered: write the metadata. */
  finish(trace: TraceDescription): void | Promise<void>;
  /** Events this sink could not store (write failures), if it counts them. */
  readonly lostEvents?: number;
  /** The first storage error, if any. */
  readonly error?: MarkersError | undefined;
}

export interface TraceDirectorySink extends PacketSink {
  readonly dir: string;
  readonly lostEvents: number;
  readonly lostPackets: number;
  readonly bytesWritten: number;
  readonly error: MarkersError | undefined;
  /** Stream files written so far, by stream id. */
  readonly files: ReadonlyMap<number, string>;
}

function writeError(what: string, path: string, cause: unknown): MarkersError {
  const code = (cause as { code?: unknown })?.code;
  return new MarkersError(
    ErrorCode.TRACE_WRITE,
    `cannot write ${what} ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
    { path, errno: typeof code === 'string' ? code : undefined },
    { cause },
  );
}

/** Refuses a non-empty or unusable directory; creates it when missing. */
export function prepareTraceDirectory(dir: string): void {
  let entries: string[] | undefined;
  try {
    if (!statSync(dir).isDirectory()) {
      throw new MarkersError(
        ErrorCode.TRACE_DIR_NOT_EMPTY,
        `trace output ${dir} exists and is not a directory`,
        { path: dir },
      );
    }
    entries = readdirSync(dir);
  } catch (error) {
    if (error instanceof MarkersError) throw error;
    if ((error as { code?: unknown }).code !== 'ENOENT') {
      throw writeError('trace directory', dir, error);
    }
  }
  if (entries !== undefined && entries.length > 0) {
    throw new MarkersError(
      ErrorCode.TRACE_DIR_NOT_EMPTY,
      `trace directory ${dir} is not empty (${entries.length} entries); choose a new directory, markers never overwrites a trace`,
      { path: dir, entries: entries.length },
    );
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw writeError('trace directory', dir, error);
  }
}

// Positional: a cut packet is rewritten in place (see #writeCut), which an
// O_APPEND descriptor would not allow.
function writeAll(fd: number, bytes: Uint8Array, at: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
}

/** One stream file being written. */
interface StreamFile {
  readonly fd: number;
  readonly path: string;
  /** Bytes of whole packets in the file: where a failed write is cut back to. */
  size: number;
  /** Events this writer lost in this stream, added to every later events_discarded. */
  lost: number;
  /** Where the file's last packet starts, when it is a cut packet (see #writeCut). */
  cutAt: number | undefined;
}

class DirectorySink implements TraceDirectorySink {
  readonly dir: string;
  lostEvents = 0;
  lostPackets = 0;
  bytesWritten = 0;
  error: MarkersError | undefined;
  readonly files = new Map<number, string>();
  readonly #streams = new Map<number, StreamFile>();
  /** The directory as created: its inode, and an open descriptor to see it deleted. */
  readonly #dirFd: number | undefined;
  readonly #dirIno: number | undefined;
  #gone: MarkersError | undefined;
  #trace: TraceDescription | undefined;
  /** What the metadata on disk describes: event classes per stream. */
  readonly #described = new Map<number, StreamDescription>();
  #finished = false;

  constructor(dir: string) {
    this.dir = dir;
    try {
      this.#dirFd = openSync(dir, 'r');
      this.#dirIno = fstatSync(this.#dirFd).ino;
    } catch {
      // Without a handle on the directory, a replaced directory goes unnoticed; writing still works.
      this.#dirFd = undefined;
      this.#dirIno = undefined;
    }
  }

  begin(trace: TraceDescription): void {
    this.#trace = trace;
  }

  packet(stream: StreamDescription, bytes: Uint8Array, info?: PacketInfo): void {
    const events = info?.events ?? 0;
    if (this.#gone !== undefined || this.#checkDirectory() !== undefined) {
      this.#lose(events);
      return;
    }
    if (!this.#describe(stream)) {
      this.#lose(events);
      return;
    }
    const path = this.files.get(stream.id) ?? join(this.dir, fileName(stream));
    let file = this.#streams.get(stream.id);
    try {
      if (file === undefined) {
        // A new file (the directory was empty); 'w' also serves a device such as /dev/full.
        const fd = openSync(path, 'w');
        this.files.set(stream.id, path);
        file = { fd, path, size: 0, lost: 0, cutAt: undefined };
        this.#streams.set(stream.id, file);
      }
    } catch (error) {
      this.#lose(events);
      this.#fail(writeError('stream file', path, error));
      return;
    }
    const out = file.lost > 0 ? withDiscarded(bytes, file.lost) : bytes;
    try {
      writeAll(file.fd, out, file.size);
      file.size += out.length;
      file.cutAt = undefined;
      this.bytesWritten += out.length;
    } catch (error) {
      this.#cutBack(file);
      this.#lose(events);
      file.lost += events;
      this.#fail(writeError('stream file', path, error));
      this.#writeCut(file, out, events);
      return;
    }
    // A stream file unlinked (its directory deleted) takes every later packet with it.
    try {
      if (fstatSync(file.fd).nlink === 0) {
        this.#goneError(`stream file ${path} was deleted while recording`);
      }
    } catch {
      // fstat of an open descriptor does not fail in practice; nothing to add.
    }
  }

  finish(trace: TraceDescription): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const file of this.#streams.values()) {
      try {
        closeSync(file.fd);
      } catch {
        // Written data is in the kernel already; a failing close loses nothing more.
      }
    }
    this.#streams.clear();
    const gone = this.#gone ?? this.#checkDirectory();
    this.#closeDir();
    if (gone !== undefined) throw gone;
    try {
      this.#writeMetadata(trace);
    } catch (error) {
      const failure = writeError('metadata', join(this.dir, 'metadata'), error);
      this.#fail(failure);
      throw failure;
    }
  }

  // Rewrites the metadata when this stream or some of its event classes are
  // not described on disk yet. False when that failed: the packet would be unreadable.
  #describe(stream: StreamDescription): boolean {
    const trace = this.#trace;
    if (trace === undefined) return true;
    const known = this.#described.get(stream.id);
    if (known === stream || (known !== undefined && known.events.length >= stream.events.length)) {
      return true;
    }
    this.#described.set(stream.id, stream);
    const streams = [...this.#described.values()].sort((a, b) => a.id - b.id);
    try {
      this.#writeMetadata({ ...trace, streams });
      return true;
    } catch (error) {
      if (known === undefined) this.#described.delete(stream.id);
      else this.#described.set(stream.id, known);
      this.#fail(writeError('metadata', join(this.dir, 'metadata'), error));
      return false;
    }
  }

  // Atomic: readers see the old metadata or the new one, never a part.
  #writeMetadata(trace: TraceDescription): void {
    const path = join(this.dir, 'metadata');
    const temp = join(this.dir, `.metadata-${process.pid}.tmp`);
    try {
      const fd = openSync(temp, 'w');
      try {
        writeAll(fd, Buffer.from(renderMetadata(trace), 'utf8'), 0);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, path);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // Not created, or already renamed.
      }
      throw error;
    }
  }

  // Cuts a partly written packet off again, so the file ends on a packet boundary.
  #cutBack(file: StreamFile): void {
    try {
      ftruncateSync(file.fd, file.size);
    } catch {
      // A device (/dev/full) cannot be truncated; nothing of it is readable anyway.
    }
  }

  // After a lost packet: an empty packet carrying the raised events_discarded,
  // where the lost one would have been, so readers report the cut. When the
  // file already ends with a cut packet (the disk stays full), that one is
  // rewritten in place with the larger count and the newer packet_seq_num
  // (the gap reports the lost packets), so a full disk needs no new space.
  #writeCut(file: StreamFile, lostPacket: Uint8Array, events: number): void {
    const cut = lostPacket.slice(0, PacketContext.END);
    const dv = new DataView(cut.buffer);
    // The lost packet's count (already raised by earlier losses) plus its own events.
    setU64(
      dv,
      PacketContext.EVENTS_DISCARDED,
      readU64(dv, PacketContext.EVENTS_DISCARDED) + events,
    );
    setU64(dv, PacketContext.TIMESTAMP_END, readU64(dv, PacketContext.TIMESTAMP_BEGIN));
    setU64(dv, PacketContext.CONTENT_SIZE, PacketContext.END * 8);
    setU64(dv, PacketContext.PACKET_SIZE, PacketContext.END * 8);
    const at = file.cutAt ?? file.size;
    try {
      writeAll(file.fd, cut, at);
      file.cutAt = at;
      file.size = at + cut.length;
    } catch {
      this.#cutBack(file);
    }
  }

  #lose(events: number): void {
    this.lostPackets++;
    this.lostEvents += events;
  }

  // The directory this sink created must still be the one at its path.
  #checkDirectory(): MarkersError | undefined {
    if (this.#gone !== undefined || this.#dirFd === undefined) return this.#gone;
    try {
      if (fstatSync(this.#dirFd).nlink === 0) {
        return this.#goneError(`trace directory ${this.dir} was deleted while recording`);
      }
      if (statSync(this.dir).ino !== this.#dirIno) {
        return this.#goneError(`trace directory ${this.dir} was replaced while recording`);
      }
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        return this.#goneError(`trace directory ${this.dir} was deleted while recording`);
      }
    }
    return undefined;
  }

  #goneError(message: string): MarkersError {
    this.#gone ??= new MarkersError(
      ErrorCode.TRACE_DIR_GONE,
      `${message}; the events from then on are lost (counted), and what was written before went with the old directory`,
      { path: this.dir },
    );
    // This error replaces a storage error seen first: it is the cause to report.
    if (this.error?.code !== ErrorCode.TRACE_DIR_GONE) {
      this.error = undefined;
      this.#fail(this.#gone);
    }
    return this.#gone;
  }

  #closeDir(): void {
    if (this.#dirFd === undefined) return;
    try {
      closeSync(this.#dirFd);
    } catch {
      // Nothing was written through it.
    }
  }

  #fail(error: MarkersError): void {
    if (this.error !== undefined) return;
    this.error = error;
    emitMarkersWarning(
      `${error.message}; events that could not be written are counted as lost`,
      error.code,
    );
  }
}

const TWO_32 = 4294967296;

function readU64(dv: DataView, offset: number): number {
  return dv.getUint32(offset, true) + dv.getUint32(offset + 4, true) * TWO_32;
}

function setU64(dv: DataView, offset: number, v: number): void {
  dv.setUint32(offset, v >>> 0, true);
  dv.setUint32(offset + 4, (v / TWO_32) >>> 0, true);
}

/** A copy of `packet` whose events_discarded is raised by `extra`. */
function withDiscarded(packet: Uint8Array, extra: number): Uint8Array {
  const out = packet.slice();
  const dv = new DataView(out.buffer);
  setU64(dv, PacketContext.EVENTS_DISCARDED, readU64(dv, PacketContext.EVENTS_DISCARDED) + extra);
  return out;
}

/** `main-0`, `worker-3`: the thread's name, made safe for a file name, and its stream id. */
function fileName(stream: StreamDescription): string {
  const name = stream.threadName.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '');
  return `${name === '' ? 'thread' : name}-${stream.id}`;
}

/**
 * A sink writing a CTF trace directory. Refuses a directory that exists and
 * is not empty (ERR_TRACE_DIR_NOT_EMPTY) and one that cannot be created
 * (ERR_TRACE_WRITE).
 */
export function createTraceDirectory(dir: string): TraceDirectorySink {
  prepareTraceDirectory(dir);
  return new DirectorySink(dir);
}
