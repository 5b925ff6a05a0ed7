/**
 * The client side of the control protocol, used by the CLI: one connection
 * to one target, requests matched to replies by id, and per-request handlers
 * for stream notices and binary frames (record, tail).
 *
 * The target is untrusted: every line is checked (src/abi/control-shapes.ts) before a
 * caller sees it. Anything malformed fails the connection with one
 * ERR_PROTOCOL error that every pending request rejects with; nothing the
 * target sends can throw anything else out of here. Connecting to the
 * right socket, with the ownership checks, is discovery.ts's openTarget().
 */

import { connect as netConnect, type Socket } from 'node:net';
import type {
  ControlArgs,
  ControlCommand,
  ControlNotice,
  ControlResult,
  NoticeArgs,
} from '../abi/control-commands.js';
import {
  encodeLine,
  type Frame,
  PROTOCOL_VERSION,
  type ServerLine,
  ServerStreamDecoder,
} from '../abi/control-protocol.js';
import {
  errorReply,
  eventLine,
  NOTICE_SHAPES,
  REPLY_SHAPES,
  replyLine,
} from '../abi/control-shapes.js';
import { type Check, WireShapeError } from '../abi/wire-check.js';
import { ErrorCode, isMarkersError, MarkersError } from '../errors/markers-error.js';
import { SerialQueue } from '../serial/serial-queue.js';

/** A command name that abi/control-commands.ts does not list. */
type Unlisted<C extends string> = C extends ControlCommand ? never : C;

export interface StreamHandlers {
  /** A notice for this request (progress, end), before or after its reply. */
  readonly onEvent?: (...notice: NoticeArgs) => void;
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
  /** Frames are handed over one at a time, in arrival order. */
  readonly #frames = new SerialQueue();
  #frameError: unknown;
  /** Why this side gave up on the connection (a malformed message), if it did. */
  #failure: MarkersError | undefined;

  private constructor(socket: Socket, path: string, pid: number | undefined) {
    this.#socket = socket;
    this.path = path;
    this.pid = pid;
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#isClosed = true;
        const gone =
          this.#failure ??
          new MarkersError(
            ErrorCode.TARGET_EXITED,
            `${this.#who} closed the connection (it exited or stopped its control server)`,
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

  get #who(): string {
    return this.pid === undefined ? this.path : `process ${this.pid}`;
  }

  /** Gives up on a target that sent something malformed: one ERR_PROTOCOL for everyone waiting. */
  #fail(problem: string): void {
    this.#failure ??= new MarkersError(
      ErrorCode.PROTOCOL,
      `${this.#who} sent a malformed message: ${problem}; not trusting this connection further`,
      { pid: this.pid, path: this.path },
    );
    this.#frameError ??= this.#failure;
    this.#socket.destroy();
  }

  /** The failure that closed the connection, if this side closed it (see #fail). */
  get failure(): MarkersError | undefined {
    return this.#failure;
  }

  /**
   * Sends a command; resolves with its result, checked against its shape
   * (abi/control-commands.ts types both), rejects with the server's
   * MarkersError. A command without required arguments may leave them out.
   */
  request<C extends ControlCommand>(
    cmd: C,
    ...rest: Record<never, never> extends ControlArgs[C]
      ? [args?: ControlArgs[C], handlers?: StreamHandlers]
      : [args: ControlArgs[C], handlers?: StreamHandlers]
  ): Promise<ControlResult<C>>;
  /** A command outside abi/control-commands.ts (tests of the server's refusals): unchecked. */
  request<C extends string>(
    cmd: Unlisted<C>,
    args?: Record<string, unknown>,
    handlers?: StreamHandlers,
  ): Promise<unknown>;
  request(cmd: string, args: object = {}, handlers?: StreamHandlers): Promise<unknown> {
    const id = this.#nextId++;
    if (handlers !== undefined) this.#streams.set(id, handlers);
    return new Promise<unknown>((resolve, reject) => {
      if (this.#isClosed) {
        reject(
          new MarkersError(ErrorCode.TARGET_EXITED, `connection to ${this.path} is closed`, {
            path: this.path,
          }),
        );
        return;
      }
      this.#pending.set(id, { resolve, reject, cmd });
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
    if (this.#failure !== undefined) return;
    try {
      this.#decoder.push(
        chunk,
        (line) => this.#onLine(line),
        (frame) => this.#onFrame(frame),
      );
    } catch (error) {
      // A stream we cannot parse cannot be trusted further.
      this.#fail(error instanceof Error ? error.message : String(error));
    }
  }

  #onLine(raw: ServerLine): void {
    if (this.#failure !== undefined) return;
    try {
      if ('event' in raw) {
        const line = eventLine(raw, 'notice');
        const event = line.event as ControlNotice;
        const check = Object.hasOwn(NOTICE_SHAPES, event) ? NOTICE_SHAPES[event] : undefined;
        const handlers = this.#streams.get(line.id);
        if (check === undefined || handlers?.onEvent === undefined) return;
        handlers.onEvent(event, check((raw as { data?: unknown }).data, `${event}.data`));
        return;
      }
      const line = replyLine(raw, 'reply');
      if (!line.ok) errorReply(raw, 'reply');
      const error = (raw as { error?: { code: string; message: string; details?: unknown } }).error;
      if (line.id === null) {
        // Not the answer to a request: the target refuses this connection (too many
        // connections) or could not read what we sent. Either way nothing more comes.
        if (error !== undefined) this.#failWith(error.code, error.message);
        return;
      }
      const pending = this.#pending.get(line.id);
      if (pending === undefined) return;
      if (line.ok) {
        // Checked while still pending: a malformed result rejects it with the rest.
        const check = (REPLY_SHAPES as Readonly<Record<string, Check<unknown> | undefined>>)[
          pending.cmd
        ];
        const result = (raw as { result?: unknown }).result;
        const checked = check === undefined ? result : check(result, `${pending.cmd} result`);
        this.#pending.delete(line.id);
        pending.resolve(checked);
      } else if (error !== undefined) {
        this.#pending.delete(line.id);
        const details =
          typeof error.details === 'object' &&
          error.details !== null &&
          !Array.isArray(error.details)
            ? (error.details as Record<string, unknown>)
            : {};
        pending.reject(
          new MarkersError(error.code, error.message, { ...details, cmd: pending.cmd }),
        );
      }
    } catch (error) {
      if (!(error instanceof WireShapeError)) throw error;
      this.#fail(error.message);
    }
  }

  /** The target's own coded refusal, for no request in particular: every pending request gets it. */
  #failWith(code: string, message: string): void {
    this.#failure ??= new MarkersError(code, `${this.#who}: ${message}`, {
      pid: this.pid,
      path: this.path,
    });
    this.#socket.destroy();
  }

  #onFrame(frame: Frame): void {
    if (this.#failure !== undefined) return;
    const handler = this.#streams.get(frame.id)?.onFrame;
    if (handler === undefined) return;
    // Frames are handed over in order; a slow consumer pauses the socket (backpressure to the target).
    void this.#frames.run(async () => {
      if (this.#failure !== undefined) return;
      try {
        const result = handler(frame);
        if (result !== undefined) {
          this.#socket.pause();
          try {
            await result;
          } finally {
            this.#socket.resume();
          }
        }
      } catch (error) {
        // A frame that does not hold what it claims ends the connection: nothing
        // after it can be trusted. Other failures (a full disk) are kept for
        // drained(), and later frames still run so the stream is not wedged.
        if (error instanceof WireShapeError) this.#fail(error.message);
        else if (isMarkersError(error, ErrorCode.PROTOCOL)) this.#fail(error.message);
        this.#frameError ??= error;
      }
    });
  }

  /** Resolves once every frame received so far has been handled. */
  async drained(): Promise<void> {
    await this.#frames.settled();
    if (this.#frameError !== undefined) throw this.#frameError;
  }
}
