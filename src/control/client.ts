/**
 * The client side of the control protocol, used by the CLI: one connection
 * to one target, requests matched to replies by id, and per-request handlers
 * for stream notices and binary frames (record, tail).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import {
  encodeLine,
  type Frame,
  PROTOCOL_VERSION,
  type ServerLine,
  ServerStreamDecoder,
} from './protocol.js';

export interface StreamHandlers {
  /** A notice for this request (progress, end), before or after its reply. */
  readonly onEvent?: (event: string, data: unknown) => void;
  /** A binary frame for this request. May return a promise: reading pauses until it settles. */
  readonly onFrame?: (frame: Frame) => void | Promise<void>;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly cmd: string;
}

/** Maps a connect() failure to the errors the CLI documents. */
function connectError(path: string, pid: number | undefined, error: NodeJS.ErrnoException): Error {
  const who = pid === undefined ? path : `process ${pid} (${path})`;
  switch (error.code) {
    case 'ENOENT':
      return new MarkersError(
        ErrorCode.NO_TARGET,
        `no instrumented process ${pid ?? ''} here: ${path} does not exist; run 'markers ps'`,
        { pid, path },
      );
    case 'ECONNREFUSED':
      return new MarkersError(
        ErrorCode.TARGET_UNREACHABLE,
        `${who} does not answer: the process has exited (stale socket)`,
        { pid, path },
      );
    case 'EACCES':
    case 'EPERM':
      return new MarkersError(
        ErrorCode.TARGET_UNREACHABLE,
        `${who}: permission denied; only the user running the process (or root) can control it`,
        { pid, path },
      );
    default:
      return new MarkersError(
        ErrorCode.TARGET_UNREACHABLE,
        `cannot connect to ${who}: ${error.message}`,
        { pid, path },
      );
  }
}

export class ControlClient {
  readonly path: string;
  readonly pid: number | undefined;
  readonly #socket: Socket;
  readonly #decoder = new ServerStreamDecoder();
  readonly #pending = new Map<number, Pending>();
  readonly #streams = new Map<number, StreamHandlers>();
  readonly closed: Promise<void>;
  #nextId = 1;
  #isClosed = false;
  #frameQueue: Promise<void> = Promise.resolve();
  #frameError: unknown;

  private constructor(socket: Socket, path: string, pid: number | undefined) {
    this.#socket = socket;
    this.path = path;
    this.pid = pid;
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#isClosed = true;
        const gone = new MarkersError(
          ErrorCode.TARGET_EXITED,
          `${pid === undefined ? path : `process ${pid}`} closed the connection (it exited or stopped its control server)`,
          { pid, path },
        );
        for (const pending of this.#pending.values()) pending.reject(gone);
        this.#pending.clear();
        resolve();
      });
    });
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
  }

  static connect(path: string, pid?: number): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect(path);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new ControlClient(socket, path, pid));
      });
      socket.once('error', (error) => reject(connectError(path, pid, error)));
    });
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Sends a command; resolves with its result, rejects with the server's MarkersError. */
  request<T = unknown>(
    cmd: string,
    args: Record<string, unknown> = {},
    handlers?: StreamHandlers,
  ): Promise<T> {
    const id = this.#nextId++;
    if (handlers !== undefined) this.#streams.set(id, handlers);
    return new Promise<T>((resolve, reject) => {
      if (this.#isClosed) {
        reject(
          new MarkersError(ErrorCode.TARGET_EXITED, `connection to ${this.path} is closed`, {
            path: this.path,
          }),
        );
        return;
      }
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, cmd });
      this.#socket.write(encodeLine({ v: PROTOCOL_VERSION, id, cmd, args }));
    });
  }

  /** Sends raw bytes, for tests of the server's robustness. */
  writeRaw(bytes: Uint8Array | string): void {
    this.#socket.write(bytes);
  }

  close(): void {
    this.#socket.end();
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    try {
      this.#decoder.push(
        chunk,
        (line) => this.#onLine(line),
        (frame) => this.#onFrame(frame),
      );
    } catch {
      // A stream we cannot parse cannot be trusted further.
      this.#socket.destroy();
    }
  }

  #onLine(line: ServerLine): void {
    if ('event' in line) {
      this.#streams.get(line.id)?.onEvent?.(line.event, line.data);
      return;
    }
    if (line.id === null) return;
    const pending = this.#pending.get(line.id);
    if (pending === undefined) return;
    this.#pending.delete(line.id);
    if (line.ok) {
      pending.resolve(line.result);
    } else {
      pending.reject(
        new MarkersError(line.error.code, line.error.message, {
          ...(line.error.details ?? {}),
          cmd: pending.cmd,
        }),
      );
    }
  }

  #onFrame(frame: Frame): void {
    const handler = this.#streams.get(frame.id)?.onFrame;
    if (handler === undefined) return;
    // Frames are handed over in order; a slow consumer pauses the socket (backpressure to the target).
    this.#frameQueue = this.#frameQueue
      .then(async () => {
        const result = handler(frame);
        if (result !== undefined) {
          this.#socket.pause();
          try {
            await result;
          } finally {
            this.#socket.resume();
          }
        }
      })
      .catch((error: unknown) => {
        // Kept for drained(); later frames still run so the stream is not wedged.
        this.#frameError ??= error;
      });
  }

  /** Resolves once every frame received so far has been handled. */
  async drained(): Promise<void> {
    await this.#frameQueue;
    if (this.#frameError !== undefined) throw this.#frameError;
  }
}
