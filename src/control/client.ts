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
 *
 * Two things a target may answer before any reply (control/listen.ts): its
 * doorbell's `moved` line (the control worker now listens on the same path:
 * connect again and send again, none of our commands ran) and `working`
 * keepalives. While a request waits, the target must send something at
 * least every replyTimeoutMs (a running command sends `working` every
 * second), else every waiting request fails with ERR_TARGET_UNRESPONSIVE,
 * saying why if /proc tells: stopped, or a main thread that never let the
 * control worker start.
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
import { controlWorkerStarted, processState } from './peer.js';

/** How long a waiting request may hear nothing from the target, by default (--reply-timeout). */
export const DEFAULT_REPLY_TIMEOUT_MS = 10_000;
/** How many `moved` lines one connection follows (one is the norm: the doorbell's). */
const MAX_MOVES = 3;

export interface ClientOptions {
  /** How long a waiting request may hear nothing from the target (default DEFAULT_REPLY_TIMEOUT_MS). */
  readonly replyTimeoutMs?: number;
}

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

/** Why a target that accepted a connection says nothing, as far as /proc tells. */
function silenceReason(path: string, pid: number | undefined): string {
  if (pid === undefined) return 'it may be stopped or blocked';
  const state = processState(pid);
  if (state === 'T' || state === 't') {
    return `it is stopped (state ${state}: SIGSTOP, Ctrl-Z or a debugger); 'kill -CONT ${pid}' resumes it`;
  }
  const started = controlWorkerStarted(path, pid);
  if (started === false) {
    return "its main thread did not answer; it may be blocked (busy loop, synchronous work): markers' control worker starts at the first contact and needs the main thread's event loop to turn once for it (docs/control.md)";
  }
  if (started === true) {
    return 'its control server stopped answering (the process may be overloaded, swapping, or stuck in a native call)';
  }
  return "it may be stopped, or its main thread blocked before markers' control worker started (docs/control.md)";
}

export class ControlClient {
  readonly path: string;
  readonly pid: number | undefined;
  #socket: Socket;
  #decoder = new ServerStreamDecoder();
  #closedResolve: () => void = () => {};
  /** Lines sent before the first answer: what a `moved` line makes this client send again. */
  readonly #sent: Buffer[] = [];
  #answered = false;
  #moves = 0;
  readonly #replyTimeoutMs: number;
  /** Armed while a request waits; refreshed by every chunk the target sends. */
  #silence: NodeJS.Timeout | undefined;
  /** Frame handlers running (the socket is paused by us, so silence is ours). */
  #framesBusy = 0;
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

  private constructor(
    socket: Socket,
    path: string,
    pid: number | undefined,
    options: ClientOptions,
  ) {
    this.#socket = socket;
    this.path = path;
    this.pid = pid;
    const timeout = options.replyTimeoutMs;
    this.#replyTimeoutMs =
      timeout !== undefined && Number.isFinite(timeout) && timeout > 0
        ? timeout
        : DEFAULT_REPLY_TIMEOUT_MS;
    this.closed = new Promise((resolve) => {
      this.#closedResolve = resolve;
    });
    this.#attach(socket);
  }

  // Only the current socket counts: the one a `moved` line replaced closes quietly.
  #attach(socket: Socket): void {
    socket.once('close', () => {
      if (socket !== this.#socket) return;
      this.#isClosed = true;
      this.#disarm();
      const gone =
        this.#failure ??
        new MarkersError(
          ErrorCode.TARGET_EXITED,
          `${this.#who} closed the connection (it exited or stopped its control server)`,
          { pid: this.pid, path: this.path },
        );
      for (const pending of this.#pending.values()) pending.reject(gone);
      this.#pending.clear();
      this.#closedResolve();
    });
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      if (socket !== this.#socket) return;
      this.#silence?.refresh();
      this.#receive(chunk);
    });
  }

  /**
   * The target's doorbell answered (listen.ts): it ran nothing and closes;
   * its control worker now listens on the same path. Connect again and send
   * every request again, in order. Bounded, so a broken target cannot keep
   * this client moving.
   */
  #move(): void {
    const old = this.#socket;
    if (++this.#moves > MAX_MOVES) {
      this.#fail('it asked to connect again too many times');
      return;
    }
    const socket = netConnect(this.path);
    this.#socket = socket;
    this.#decoder = new ServerStreamDecoder();
    old.destroy();
    this.#attach(socket);
    for (const line of this.#sent) socket.write(line);
  }

  /** Starts the silence deadline if a request waits and it is not running. */
  #arm(): void {
    if (this.#silence !== undefined || this.#pending.size === 0) return;
    this.#silence = setTimeout(() => this.#silent(), this.#replyTimeoutMs);
    // The socket keeps the process alive while it matters; this timer alone never does.
    this.#silence.unref();
  }

  #disarm(): void {
    clearTimeout(this.#silence);
    this.#silence = undefined;
  }

  #silent(): void {
    this.#silence = undefined;
    if (this.#pending.size === 0 || this.#failure !== undefined) return;
    if (this.#framesBusy > 0) {
      // We paused reading to handle frames (a slow disk): not the target's silence.
      this.#arm();
      return;
    }
    const waiting = [...new Set([...this.#pending.values()].map((p) => p.cmd))].join('", "');
    this.#failure = new MarkersError(
      ErrorCode.TARGET_UNRESPONSIVE,
      `${this.#who} sent nothing for ${this.#replyTimeoutMs} ms while "${waiting}" waited: ${silenceReason(this.path, this.pid)}; giving up (--reply-timeout MS waits longer)`,
      { pid: this.pid, path: this.path, replyTimeoutMs: this.#replyTimeoutMs },
    );
    this.#frameError ??= this.#failure;
    this.#socket.destroy();
  }

  static connect(path: string, pid?: number, options: ClientOptions = {}): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect(path);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new ControlClient(socket, path, pid, options));
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
      this.#pending.set(id, {
        resolve: (value) => {
          if (this.#pending.size === 0) this.#disarm();
          resolve(value);
        },
        reject,
        cmd,
      });
      this.#arm();
      const line = encodeLine({ v: PROTOCOL_VERSION, id, cmd, args });
      if (!this.#answered) this.#sent.push(line);
      this.#socket.write(line);
    });
  }

  /** Sends raw bytes, for tests of the server's robustness. */
  writeRaw(bytes: Uint8Array | string): void {
    if (!this.#answered) this.#sent.push(Buffer.from(bytes));
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
    const { id, event } = raw as { id?: unknown; event?: unknown };
    if (id === null && event !== undefined) {
      // The doorbell's: `working` (its thread is alive) or, before any answer, `moved`.
      if (event === 'moved' && !this.#answered) this.#move();
      return;
    }
    // The worker answers: nothing will ask to move again.
    this.#answered = true;
    this.#sent.length = 0;
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
        if (this.#pending.size === 0) this.#disarm();
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
    this.#answered = true;
    this.#sent.length = 0;
    const handler = this.#streams.get(frame.id)?.onFrame;
    if (handler === undefined) return;
    // Frames are handed over in order; a slow consumer pauses the socket (backpressure to the target).
    void this.#frames.run(async () => {
      if (this.#failure !== undefined) return;
      try {
        const result = handler(frame);
        if (result !== undefined) {
          const socket = this.#socket;
          socket.pause();
          this.#framesBusy++;
          try {
            await result;
          } finally {
            this.#framesBusy--;
            this.#silence?.refresh();
            socket.resume();
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
