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
 *   - The server holds no timer. While no client is connected it is an idle
 *     listening socket: it wakes nothing.
 */
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import {
  encodeFrame,
  encodeLine,
  LineSplitter,
  PROTOCOL_VERSION,
  type Request,
  validateRequest,
  type WireError,
} from './protocol.js';

/** One client connection, as commands see it. */
export interface Connection {
  readonly closed: boolean;
  /** Sends a stream notice for command `id` (progress, end). */
  event(id: number, event: string, data: unknown): void;
  /** Sends a binary frame; resolves once the socket has taken it (backpressure). */
  frame(id: number, header: unknown, payload: Uint8Array): Promise<void>;
  /** Runs `fn` when the client goes away (or at once if it has). */
  onClose(fn: () => void): void;
  /** Resolves once everything sent so far was handed to the kernel (or the client is gone). */
  flush(): Promise<void>;
}

export interface CommandContext {
  readonly connection: Connection;
  readonly requestId: number;
}

export type ServerCommand = (args: Record<string, unknown>, context: CommandContext) => unknown;

export function toWireError(error: unknown): WireError {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code !== 'string') return { code: 'ERR_HANDLER_FAILED', message };
  const details = (error as { details?: unknown }).details;
  return typeof details === 'object' && details !== null
    ? { code, message, details: details as Record<string, unknown> }
    : { code, message };
}

class ClientConnection implements Connection {
  readonly #socket: Socket;
  readonly #closeHandlers: (() => void)[] = [];
  #closed = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.once('close', () => {
      this.#closed = true;
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

  send(message: object): void {
    if (this.#closed) return;
    this.#socket.write(encodeLine(message));
  }

  event(id: number, event: string, data: unknown): void {
    this.send({ v: PROTOCOL_VERSION, id, event, data });
  }

  frame(id: number, header: unknown, payload: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#socket.write(encodeFrame(id, header, payload))) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.on('drain', done);
      this.#socket.on('close', done);
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
  #path: string | undefined;

  constructor(commands: ReadonlyMap<string, ServerCommand>) {
    this.#commands = commands;
    this.#server = createServer({ allowHalfOpen: false }, (socket) => this.#accept(socket));
  }

  get path(): string | undefined {
    return this.#path;
  }

  /** Listens on `path` (a stale file there is replaced) and makes it mode 0600. */
  async listen(path: string): Promise<void> {
    try {
      unlinkSync(path);
    } catch {
      // Usually absent; a stale socket of a dead process with our PID is replaced.
    }
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(path, () => {
        this.#server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      throw new MarkersError(
        ErrorCode.CONTROL_SERVER,
        `cannot listen on ${path}: ${(error as Error).message}`,
        { path },
      );
    });
    // The directory is already 0700; this keeps the socket private even if it is moved.
    chmodSync(path, 0o600);
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

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    const connection = new ClientConnection(socket);
    const splitter = new LineSplitter();
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      splitter.push(
        chunk,
        (line) => this.#onLine(line, connection),
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

  #onLine(line: string, connection: ClientConnection): void {
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
          const id = (JSON.parse(line) as { id?: unknown }).id;
          return typeof id === 'number' ? id : null;
        } catch {
          return null;
        }
      })();
      connection.send({ v: PROTOCOL_VERSION, id, ok: false, error: toWireError(error) });
      return;
    }
    void this.#run(request, connection);
  }

  async #run(request: Request, connection: ClientConnection): Promise<void> {
    const { id, cmd } = request;
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
    }
  }
}
