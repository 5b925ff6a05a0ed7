/**
 * The CTF trace directory writer: a PacketSink that appends each packet to
 * its thread's stream file and, at finish, writes the metadata.
 *
 * Files: DIR/metadata and one DIR/<thread name>-<stream id> per thread that
 * recorded something. Packets are written with synchronous writes, so the
 * sink also serves the crash path (an uncaught exception leaves no event
 * loop turn for asynchronous I/O); in a recording they run on the consumer's
 * thread, never on the application's.
 *
 * Failures never throw out of packet(): a packet that could not be written
 * is counted (lostPackets, lostEvents) and the first error is kept and
 * reported once as a warning. finish() throws ERR_TRACE_WRITE when the
 * metadata cannot be written, since the trace is then unreadable.
 */
import { closeSync, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { renderMetadata, type StreamDescription, type TraceDescription } from './metadata.js';

/** Extra facts about a packet, for accounting. */
export interface PacketInfo {
  /** Events in the packet. */
  readonly events: number;
}

/** Where drained packets go (the contract of src/record/session.ts). */
export interface PacketSink {
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

class DirectorySink implements TraceDirectorySink {
  readonly dir: string;
  lostEvents = 0;
  lostPackets = 0;
  bytesWritten = 0;
  error: MarkersError | undefined;
  readonly files = new Map<number, string>();
  readonly #fds = new Map<number, number>();
  #finished = false;

  constructor(dir: string) {
    this.dir = dir;
  }

  packet(stream: StreamDescription, bytes: Uint8Array, info?: PacketInfo): void {
    const path = this.files.get(stream.id) ?? join(this.dir, fileName(stream));
    try {
      let fd = this.#fds.get(stream.id);
      if (fd === undefined) {
        this.files.set(stream.id, path);
        fd = openSync(path, 'a');
        this.#fds.set(stream.id, fd);
      }
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      this.bytesWritten += bytes.length;
    } catch (error) {
      this.lostPackets++;
      this.lostEvents += info?.events ?? 0;
      this.#fail(writeError('stream file', path, error));
    }
  }

  finish(trace: TraceDescription): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const fd of this.#fds.values()) {
      try {
        closeSync(fd);
      } catch {
        // Written data is in the kernel already; a failing close loses nothing more.
      }
    }
    this.#fds.clear();
    const path = join(this.dir, 'metadata');
    try {
      const fd = openSync(path, 'w');
      try {
        const text = Buffer.from(renderMetadata(trace), 'utf8');
        let done = 0;
        while (done < text.length) done += writeSync(fd, text, done, text.length - done);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      const failure = writeError('metadata', path, error);
      this.#fail(failure);
      throw failure;
    }
  }

  #fail(error: MarkersError): void {
    if (this.error !== undefined) return;
    this.error = error;
    try {
      process.emitWarning(
        `${error.message}; events that could not be written are counted as lost`,
        {
          type: 'MarkersWarning',
          code: error.code,
        },
      );
    } catch {
      // Reporting must never be what breaks the host.
    }
  }
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
