/**
 * The control server: a Unix socket server that runs in markers' own worker
 * inside the traced process, reads command lines, and dispatches them to the
 * command table (commands.ts).
 *
 * Invariants:
 *   - Nothing a client sends can throw out of this file: every bad line gets
 *     an error reply, and a socket error only closes that connection.
 *   - Replies to one connection keep the order in which they were produced;
 *     commands run concurrently, so replies may not follow request order
 *     (the client matches them by id).
 *   - The server holds no timer while no command runs (a running command
 *     has a `working` keepalive, KEEPALIVE_MS). While no client is
 *     connected it is an idle listening socket: it wakes nothing.
 *   - What a client can make the target hold is bounded (see LIMITS):
 *     connections beyond MAX_CONNECTIONS are refused with one coded line;
 *     a connection runs at most MAX_IN_FLIGHT commands at a time, and its
 *     socket is paused (no more reading, so no more commands) while
 *     commands wait or while more than HIGH_WATER bytes of replies are
 *     queued for it, so a client that pipelines requests and never reads
 *     makes the kernel's socket buffers fill up, not this process.
 *     Progress notices are dropped, not queued, for such a client.
 *   - At each connection the socket's directory is checked again: it must
 *     still be private to this process's user, so that the kernel's
 *     permission check still means "this user or root" (peer.ts says why
 *     the peer's own credentials cannot be read).
 */
import { chmodSync, renameSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type {
  ControlCommand,
  ControlNotice,
  ControlResult,
  NoticeData,
} from '../abi/control-commands.js';
import {
  encodeFrameHead,
  encodeLine,
  KEEPALIVE_MS,
  LineSplitter,
  PROTOCOL_VERSION,
  type Request,
  validateRequest,
} from '../abi/control-protocol.js';
import { toWireError } from '../abi/wire-error.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { listenOn, socketDirectoryRefusal, temporaryPath } from './socket-dir.js';

/** What one client may make the target hold. */
export const LIMITS = {
  /** Concurrent control connections; more are refused with ERR_TOO_MANY_CONNECTIONS. */
  MAX_CONNECTIONS: 32,
  /** Commands of one connection running at once; the rest wait, and reading pauses. */
  MAX_IN_FLIGHT: 8,
  /** Reply bytes queued for one connection above which reading pauses. */
  HIGH_WATER: 1 << 20,
} as const;

/** What the server holds right now, for `stats` and the tests of the limits above. */
export interface ServerUsage {
  readonly connections: number;
  readonly refusedConnections: number;
  /** Reply bytes written by commands but not yet taken by the kernel, over all connections. */
  readonly queuedReplyBytes: number;
  /** Command lines read and waiting for a slot, over all connections. */
  readonly queuedCommands: number;
  /** Connections not read from right now (backpressure). */
  readonly pausedConnections: number;
  readonly droppedNotices: number;
}

/** A request id as the protocol allows it, or null: an invalid one is never echoed. */
function usableId(id: unknown): number | null {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 && id <= 0xffffffff
    ? id
    : null;
}

/** One client connection, as commands see it. */
export interface Connection {
  readonly closed: boolean;
  /** Sends a stream notice for command `id` (progress, end). */
  event<E extends ControlNotice>(id: number, event: E, data: NoticeData<E>): void;
  /**
   * Sends a binary frame; resolves once the socket has taken it
   * (backpressure). What `alongside` sends leaves in the same write, just
   * ahead of the frame (one syscall, one pass through the socket's stream).
   */
  frame(id: number, header: unknown, payload: Uint8Array, alongside?: () => void): Promise<void>;
  /** Runs `fn` when the client goes away (or at once if it has). */
  onClose(fn: () => void): void;
  /** Resolves once everything sent so far was handed to the kernel (or the client is gone). */
  flush(): Promise<void>;
}

/** The request a server command answers: whose connection, which request id (for its events and frames). */
export interface RequestContext {
  readonly connection: Connection;
  readonly requestId: number;
}

export type ServerCommand = (args: Record<string, unknown>, context: RequestContext) => unknown;

/**
 * Adds command `name` to a command table, its result typed by
 * abi/control-commands.ts: what the server answers is what the client checks.
 * The arguments stay untyped: they come from an untrusted peer, and the
 * command checks each one it reads.
 */
export function defineCommand<C extends ControlCommand>(
  commands: Map<string, ServerCommand>,
  name: C,
  command: (
    args: Record<string, unknown>,
    context: RequestContext,
  ) => ControlResult<C> | Promise<ControlResult<C>>,
): void {
  commands.set(name, command);
}

class ClientConnection implements Connection {
  readonly #socket: Socket;
  readonly #closeHandlers: (() => void)[] = [];
  readonly #run: (line: string, connection: ClientConnection) => Promise<void>;
  /** Lines read and not yet started: at most one read chunk's worth (reading pauses). */
  readonly #waiting: string[] = [];
  #inFlight = 0;
  #closed = false;
  /** Ids of the commands running now; the keepalive names the oldest. */
  readonly #running = new Set<number>();
  #keepalive: NodeJS.Timeout | undefined;
  droppedNotices = 0;

  constructor(socket: Socket, run: (line: string, connection: ClientConnection) => Promise<void>) {
    this.#socket = socket;
    this.#run = run;
    socket.on('drain', () => this.#pump());
    socket.once('close', () => {
      this.#closed = true;
      this.#waiting.length = 0;
      clearInterval(this.#keepalive);
      for (const fn of this.#closeHandlers.splice(0)) {
        try {
          fn();
        } catch {
          // A command's cleanup must not stop the others'.
        }
      }
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get queuedBytes(): number {
    return this.#closed ? 0 : this.#socket.writableLength;
  }

  get queuedCommands(): number {
    return this.#waiting.length;
  }

  get paused(): boolean {
    return this.#socket.isPaused();
  }

  /** A command line arrived: run it when a slot is free and the client keeps up. */
  enqueue(line: string): void {
    if (this.#closed) return;
    this.#waiting.push(line);
    this.#pump();
  }

  #congested(): boolean {
    return this.#socket.writableLength > LIMITS.HIGH_WATER;
  }

  // Starts waiting commands while slots are free and replies are being taken;
  // reading resumes only when nothing waits, so what is queued here stays
  // within one read chunk (64 KiB) plus one line (MAX_LINE_BYTES).
  #pump(): void {
    while (
      !this.#closed &&
      this.#waiting.length > 0 &&
      this.#inFlight < LIMITS.MAX_IN_FLIGHT &&
      !this.#congested()
    ) {
      const line = this.#waiting.shift() as string;
      this.#inFlight++;
      void this.#run(line, this).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
    if (this.#closed) return;
    if (this.#waiting.length > 0 || this.#congested()) this.#socket.pause();
    else this.#socket.resume();
  }

  /** Command `id` started: the client hears `working` notices until every running command ended. */
  begin(id: number): void {
    this.#running.add(id);
    if (this.#keepalive !== undefined || this.#closed) return;
    this.#keepalive = setInterval(() => {
      const [oldest] = this.#running;
      // Not queued behind replies: a congested client is hearing from us anyway.
      if (oldest !== undefined && !this.#congested()) {
        this.send({ v: PROTOCOL_VERSION, id: oldest, event: 'working', data: null });
      }
    }, KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  end(id: number): void {
    this.#running.delete(id);
    if (this.#running.size > 0) return;
    clearInterval(this.#keepalive);
    this.#keepalive = undefined;
  }

  send(message: object): void {
    if (this.#closed) return;
    this.#socket.write(encodeLine(message));
    if (this.#congested()) this.#socket.pause();
  }

  event<E extends ControlNotice>(id: number, event: E, data: NoticeData<E>): void {
    // A notice is superseded by the next one: for a client that does not read, drop it.
    if (event === 'progress' && this.#congested()) {
      this.droppedNotices++;
      return;
    }
    this.send({ v: PROTOCOL_VERSION, id, event, data });
  }

  frame(id: number, header: unknown, payload: Uint8Array, alongside?: () => void): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const socket = this.#socket;
    const head = encodeFrameHead(id, header, payload.length);
    // The payload is written from where it lies, often a ring's slot in
    // shared memory, so this resolves only once the socket is done with it
    // (written out, or failed with the socket): the caller hands the slot
    // back to its producer then, never while the bytes may still be read.
    // One packet in flight at a time is also the backpressure: a slow client
    // slows draining (the ring drops, counted) rather than queueing here.
    return new Promise((resolve) => {
      // A socket that closes mid-write calls back with an error; 'close' as well, in case.
      const done = (): void => {
        socket.off('close', done);
        resolve();
      };
      socket.on('close', done);
      socket.cork();
      // First: a progress notice must not see this frame as congestion.
      alongside?.();
      socket.write(head);
      socket.write(payload, done);
      socket.uncork();
    });
  }

  onClose(fn: () => void): void {
    if (this.#closed) fn();
    else this.#closeHandlers.push(fn);
  }

  flush(): Promise<void> {
    if (this.#closed || this.#socket.writableLength === 0) return Promise.resolve();
    // Writes complete in order: the callback of an empty write runs once
    // every earlier byte has left this process.
    return new Promise((resolve) => {
      const done = (): void => {
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.once('close', done);
      this.#socket.write(EMPTY, done);
    });
  }
}

const EMPTY = new Uint8Array(0);

export class ControlServer {
  readonly #commands: ReadonlyMap<string, ServerCommand>;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #connections = new Set<ClientConnection>();
  #refused = 0;
  #droppedNotices = 0;
  #path: string | undefined;

  constructor(commands: ReadonlyMap<string, ServerCommand>) {
    this.#commands = commands;
    this.#server = createServer({ allowHalfOpen: false }, (socket) => this.#accept(socket));
  }

  get path(): string | undefined {
    return this.#path;
  }

  /**
   * Listens on `path` and makes it mode 0600. The socket is created under a
   * temporary name (temporaryPath()) and renamed over `path`, atomically: the
   * doorbell there (listen.ts) is replaced without a moment in which `path`
   * is missing, so a client connecting then reaches one or the other.
   */
  async listen(path: string): Promise<void> {
    const temporary = temporaryPath(path);
    try {
      unlinkSync(temporary);
    } catch {
      // Usually absent.
    }
    await listenOn(this.#server, temporary, path);
    // The directory is already 0700; this keeps the socket private even if it is moved.
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
    this.#path = path;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    if (this.#path !== undefined) {
      try {
        unlinkSync(this.#path);
      } catch {
        // Already gone.
      }
    }
  }

  /** What the server holds now (see ServerUsage). */
  usage(): ServerUsage {
    let queuedReplyBytes = 0;
    let queuedCommands = 0;
    let pausedConnections = 0;
    let droppedNotices = this.#droppedNotices;
    for (const connection of this.#connections) {
      queuedReplyBytes += connection.queuedBytes;
      queuedCommands += connection.queuedCommands;
      if (connection.paused) pausedConnections++;
      droppedNotices += connection.droppedNotices;
    }
    return {
      connections: this.#connections.size,
      refusedConnections: this.#refused,
      queuedReplyBytes,
      queuedCommands,
      pausedConnections,
      droppedNotices,
    };
  }

  /** Why a new connection must be refused, or undefined (see the header). */
  #refusal(): { code: string; message: string } | undefined {
    if (this.#connections.size >= LIMITS.MAX_CONNECTIONS) {
      return {
        code: ErrorCode.TOO_MANY_CONNECTIONS,
        message: `the control server already has ${LIMITS.MAX_CONNECTIONS} connections, its limit; close some (other markers commands) and retry`,
      };
    }
    if (this.#path === undefined) return undefined;
    return socketDirectoryRefusal(this.#path);
  }

  #accept(socket: Socket): void {
    socket.on('error', () => socket.destroy());
    const refusal = this.#refusal();
    if (refusal !== undefined) {
      this.#refused++;
      // One coded line, then close: the fd is held only until the line is out.
      socket.end(encodeLine({ v: PROTOCOL_VERSION, id: null, ok: false, error: refusal }));
      socket.setTimeout(1000, () => socket.destroy());
      return;
    }
    this.#sockets.add(socket);
    const connection = new ClientConnection(socket, (line, c) => this.#onLine(line, c));
    this.#connections.add(connection);
    const splitter = new LineSplitter();
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.#connections.delete(connection);
      this.#droppedNotices += connection.droppedNotices;
    });
    socket.on('data', (chunk: Buffer) => {
      splitter.push(
        chunk,
        (line) => connection.enqueue(line),
        () =>
          connection.send({
            v: PROTOCOL_VERSION,
            id: null,
            ok: false,
            error: {
              code: ErrorCode.PROTOCOL,
              message: 'command line too long; it was skipped up to its newline',
            },
          }),
      );
    });
  }

  async #onLine(line: string, connection: ClientConnection): Promise<void> {
    if (line.trim() === '') return;
    let request: Request;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new MarkersError(ErrorCode.PROTOCOL, 'a command line is not valid JSON');
      }
      request = validateRequest(parsed);
    } catch (error) {
      const id = (() => {
        try {
          return usableId((JSON.parse(line) as { id?: unknown } | null)?.id);
        } catch {
          return null;
        }
      })();
      connection.send({ v: PROTOCOL_VERSION, id, ok: false, error: toWireError(error) });
      return;
    }
    await this.#run(request, connection);
  }

  async #run(request: Request, connection: ClientConnection): Promise<void> {
    const { id, cmd } = request;
    connection.begin(id);
    try {
      const command = this.#commands.get(cmd);
      if (command === undefined) {
        throw new MarkersError(
          ErrorCode.UNKNOWN_COMMAND,
          `unknown command "${cmd}"; this server knows: ${[...this.#commands.keys()].join(', ')}`,
          { cmd },
        );
      }
      const result = await command(request.args ?? {}, { connection, requestId: id });
      connection.send({ v: PROTOCOL_VERSION, id, ok: true, result: result ?? null });
    } catch (error) {
      connection.send({ v: PROTOCOL_VERSION, id, ok: false, error: toWireError(error) });
    } finally {
      connection.end(id);
    }
  }
}
