/**
 * The process-wide coordinator: how a command reaches every thread.
 *
 * JavaScript objects cannot cross isolates, so each thread that imports
 * markers has its own registry. To act on all of them (enable a pattern, start
 * a recording, load a probe module), every such thread joins one
 * BroadcastChannel and runs commands from its own event loop. The messages
 * (hello, here, bye, command, reply) are the threads protocol, defined in
 * src/abi/threads.ts.
 *
 * A reply therefore also means "this thread's event loop has turned since the
 * command was sent", which is what quiescence across threads needs (the
 * kernel's synchronize_sched()): no call that started before can still be on
 * that thread's stack.
 *
 * A sticky command also applies to threads that join later: its issuer sends
 * it to every thread it learns of after sending it (a newcomer's hello, or a
 * late answer to the issuer's own hello when the issuer is itself new), until
 * it is released. Only the issuer re-sends, and only to threads the command
 * was not addressed to, so a thread never receives one sticky command twice.
 *
 * The channel is unref'd: it never keeps a process alive, and it wakes no
 * thread while nothing is sent.
 *
 * Importing markers only joins (join.ts: the channel, hello/here/bye); this
 * coordinator takes the membership over on the first command or request, and
 * the handlers of the thread services (services.ts) load when the first
 * command they answer arrives.
 */
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import { Globals, keyOf } from '../abi/globals.js';
import type { ThreadArgs, ThreadOpName, ThreadResult } from '../abi/thread-ops.js';
import {
  type Membership,
  type ThreadMessage as Message,
  type Reply,
  THREADS_CHANNEL,
  THREADS_PROTOCOL,
  type ThreadInfo,
  type ThreadsChannel,
  type ThreadsHolder,
} from '../abi/threads.js';
import { toWireError } from '../abi/wire-error.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { defaultThreadName, enterAsMember, internalThreadName, threadsHolder } from './join.js';

export { type Reply, THREADS_PROTOCOL, type ThreadInfo };

export type CommandHandler = (args: unknown, from: ThreadInfo) => unknown;

/** An op name that abi/thread-ops.ts does not list. */
type Unlisted<Op extends string> = Op extends ThreadOpName ? never : Op;

/** A handler of a thread operation of abi/thread-ops.ts, typed by the map. */
export type OpHandler<Op extends ThreadOpName> = (
  args: ThreadArgs<Op>,
  from: ThreadInfo,
) => ThreadResult<Op> | Promise<ThreadResult<Op>>;

export interface RequestOptions {
  /** Which threads: every application thread (default), or these thread ids. */
  readonly threads?: 'all' | readonly number[];
  /** How long to wait for each reply; a thread that does not answer gets ERR_THREAD_TIMEOUT. */
  readonly timeoutMs?: number;
  /** Also send the command to threads that join later, until released. */
  readonly sticky?: boolean;
  /** Replies of threads that joined later and ran a sticky command. */
  readonly onLateReply?: (reply: Reply) => void;
}

export interface RequestResult<Result = unknown> {
  readonly replies: readonly Reply<Result>[];
  /** For a sticky command: pass to release() to stop sending it to new threads. */
  readonly stickyId: number | undefined;
}

interface Pending {
  readonly waiting: Set<number>;
  readonly replies: Reply[];
  readonly done: () => void;
  /** Set for sticky commands: replies after the request resolved go here. */
  readonly late: ((reply: Reply) => void) | undefined;
}

interface Sticky {
  readonly op: string;
  readonly args: unknown;
  readonly late: ((reply: Reply) => void) | undefined;
}

export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * How long a worker's first request waits for the main thread's `here` when
 * it has not heard it yet. A main thread that imported markers answers a
 * worker's hello on its next turn, but a worker's first request can come
 * sooner (a record() or aggregate() right after the import), and would leave
 * the main thread out until its answer made it a late joiner. A main thread
 * that joined before the worker was created says so in the worker's
 * environment data (join.ts enterAsMember) and is waited for with no
 * bound; this covers one that joined in the worker's creation (join.ts
 * joinThreadsWhenNeeded). A main thread without markers costs this once.
 */
export const MAIN_ANSWER_WAIT_MS = 100;

// The handlers of every thread service, loaded when a command first needs one.
let services: Promise<unknown> | undefined;
function loadServices(): Promise<unknown> {
  services ??= import('./services.js');
  return services;
}

export class Coordinator {
  readonly self: ThreadInfo;
  readonly #channel: ThreadsChannel;
  readonly #peers = new Map<number, ThreadInfo>();
  readonly #handlers = new Map<string, CommandHandler>();
  readonly #pending = new Map<number, Pending>();
  readonly #sticky = new Map<number, Sticky>();
  #nextId = 1;
  #closed = false;
  /** Resolves once the main thread is known, or MAIN_ANSWER_WAIT_MS after the first request asked. */
  #mainKnown: Promise<void> | undefined;
  #onMainKnown: (() => void) | undefined;

  /**
   * A new member of the threads, or, given `joined`, the coordinator of a
   * thread that already joined (join.ts): it takes the channel and the peers
   * over and runs the commands queued meanwhile, in order.
   */
  constructor(self: ThreadInfo, joined?: Membership) {
    this.self = self;
    const receive = (event: unknown): void => this.#receive((event as { data: Message }).data);
    if (joined !== undefined) {
      this.#channel = joined.channel;
      for (const [id, peer] of joined.peers) this.#peers.set(id, peer);
      this.#channel.onmessage = receive;
      for (const message of joined.queued.splice(0)) this.#receive(message as Message);
      return; // the join said hello, and says bye when a worker exits
    }
    const channel = new BroadcastChannel(THREADS_CHANNEL);
    // Never keep the process alive for control traffic.
    (channel as unknown as { unref(): void }).unref();
    this.#channel = channel as unknown as ThreadsChannel;
    this.#channel.onmessage = receive;
    enterAsMember(self, this.#peers);
    this.#post({ type: 'hello', thread: self });
    if (!isMainThread) process.once('exit', () => this.close());
  }

  /** The application threads known now, this one included (unless internal), by id. */
  threads(): ThreadInfo[] {
    const all = [...this.#peers.values()].filter((t) => !t.internal);
    if (!this.self.internal) all.push(this.self);
    return all.sort((a, b) => a.id - b.id);
  }

  /**
   * A thread known to exist before it answered our hello: the thread that
   * spawned this one (it cannot have said bye before we joined). Requests go
   * to it, and a blocked one times out instead of being left out.
   */
  assume(thread: ThreadInfo): void {
    if (thread.id !== this.self.id && !this.#peers.has(thread.id)) this.#meet(thread);
  }

  /** Runs `handler` when `op` is sent to this thread. One handler per op. */
  handle<Op extends ThreadOpName>(op: Op, handler: OpHandler<Op>): () => void;
  /** An op outside abi/thread-ops.ts (tests, experiments): untyped; a known op never falls here. */
  handle<Op extends string>(op: Unlisted<Op>, handler: CommandHandler): () => void;
  handle(op: string, handler: CommandHandler): () => void {
    this.#handlers.set(op, handler);
    return () => {
      if (this.#handlers.get(op) === handler) this.#handlers.delete(op);
    };
  }

  /**
   * Runs `op` in every application thread (or the ones listed), this one
   * included, and resolves with one reply per thread once all have answered
   * or timed out. Never rejects: failures are replies with ok false.
   */
  request<Op extends ThreadOpName>(
    op: Op,
    args: ThreadArgs<Op>,
    options?: RequestOptions,
  ): Promise<RequestResult<ThreadResult<Op>>>;
  request<Op extends string>(
    op: Unlisted<Op>,
    args: unknown,
    options?: RequestOptions,
  ): Promise<RequestResult>;
  async request(op: string, args: unknown, options: RequestOptions = {}): Promise<RequestResult> {
    if (!isMainThread && !this.#peers.has(0)) await this.#mainAnswer();
    const targets =
      options.threads === undefined || options.threads === 'all'
        ? this.threads()
        : this.threads().filter((t) => (options.threads as readonly number[]).includes(t.id));
    const id = this.#nextId++;
    const late = options.onLateReply;
    if (options.sticky === true) this.#sticky.set(id, { op, args, late });
    const replies: Reply[] = [];
    const remote = targets.filter((t) => t.id !== this.self.id);
    const local = targets.find((t) => t.id === this.self.id);
    const remoteDone = new Promise<void>((resolve) => {
      if (remote.length === 0) {
        resolve();
        return;
      }
      const waiting = new Set(remote.map((t) => t.id));
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const timer = setTimeout(() => {
        for (const tid of waiting) {
          const thread = this.#peers.get(tid) ?? {
            id: tid,
            name: `thread ${tid}`,
            internal: false,
          };
          replies.push({
            thread,
            ok: false,
            error: {
              code: ErrorCode.THREAD_TIMEOUT,
              message: `thread ${thread.name} (id ${tid}) did not answer "${op}" within ${timeoutMs} ms; its event loop may be blocked`,
            },
          });
        }
        waiting.clear();
        finish();
      }, timeoutMs);
      timer.unref();
      const finish = (): void => {
        clearTimeout(timer);
        if (late === undefined) this.#pending.delete(id);
        resolve();
      };
      this.#pending.set(id, { waiting, replies, done: finish, late });
      this.#post({ type: 'command', id, from: this.self, to: [...waiting], op, args });
    });
    if (local !== undefined) replies.push(await this.#run(op, args, this.self));
    await remoteDone;
    replies.sort((a, b) => a.thread.id - b.thread.id);
    return { replies, stickyId: options.sticky === true ? id : undefined };
  }

  #mainAnswer(): Promise<void> {
    this.#mainKnown ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, MAIN_ANSWER_WAIT_MS);
      timer.unref();
      this.#onMainKnown = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    return this.#mainKnown;
  }

  /** Stops sending a sticky command to threads that join later. */
  release(stickyId: number): void {
    this.#sticky.delete(stickyId);
    this.#pending.delete(stickyId);
  }

  /** Says bye and leaves the channel. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#post({ type: 'bye', thread: this.self });
    this.#channel.close();
  }

  async #run(op: string, args: unknown, from: ThreadInfo): Promise<Reply> {
    let handler = this.#handlers.get(op);
    try {
      if (handler === undefined && !this.self.internal) {
        await loadServices();
        handler = this.#handlers.get(op);
      }
      if (handler === undefined) {
        throw new MarkersError(
          ErrorCode.UNKNOWN_COMMAND,
          `thread ${this.self.name} has no handler for "${op}"; is it running another markers version?`,
          { op },
        );
      }
      return { thread: this.self, ok: true, result: await handler(args, from) };
    } catch (error) {
      return { thread: this.self, ok: false, error: toWireError(error) };
    }
  }

  #receive(message: Message): void {
    switch (message.type) {
      case 'hello':
        this.#meet(message.thread);
        this.#post({ type: 'here', thread: this.self });
        return;
      case 'here':
        this.#meet(message.thread);
        return;
      case 'bye':
        this.#peers.delete(message.thread.id);
        this.#forgetPeer(message.thread);
        return;
      case 'command':
        if (!message.to.includes(this.self.id)) return;
        void this.#run(message.op, message.args, message.from).then((reply) =>
          this.#post(
            reply.ok
              ? {
                  type: 'reply',
                  id: message.id,
                  to: message.from.id,
                  thread: this.self,
                  ok: true,
                  result: reply.result,
                }
              : {
                  type: 'reply',
                  id: message.id,
                  to: message.from.id,
                  thread: this.self,
                  ok: false,
                  error: reply.error,
                },
          ),
        );
        return;
      case 'reply': {
        if (message.to !== this.self.id) return;
        const pending = this.#pending.get(message.id);
        if (pending === undefined) return;
        const reply: Reply = message.ok
          ? { thread: message.thread, ok: true, result: message.result }
          : {
              thread: message.thread,
              ok: false,
              error: message.error ?? { code: 'ERR_HANDLER_FAILED', message: 'no error given' },
            };
        if (pending.waiting.delete(message.thread.id)) {
          pending.replies.push(reply);
          if (pending.waiting.size === 0) pending.done();
        } else if (pending.late !== undefined) {
          pending.late(reply);
        }
        return;
      }
    }
  }

  /**
   * A thread is new to us either because it just started (hello) or because
   * we did (its here answers our hello). In the second case a sticky command
   * we issued before its answer arrived was not addressed to it, so it is a
   * newcomer for sticky commands all the same.
   */
  #meet(thread: ThreadInfo): void {
    const known = this.#peers.has(thread.id);
    this.#peers.set(thread.id, thread);
    if (thread.id === 0) this.#onMainKnown?.();
    if (!known) this.#resendSticky(thread);
  }

  #resendSticky(thread: ThreadInfo): void {
    if (thread.internal) return;
    for (const [id, sticky] of this.#sticky) {
      if (!this.#pending.has(id)) {
        this.#pending.set(id, {
          waiting: new Set(),
          replies: [],
          done: () => {},
          late: sticky.late,
        });
      }
      this.#post({
        type: 'command',
        id,
        from: this.self,
        to: [thread.id],
        op: sticky.op,
        args: sticky.args,
      });
    }
  }

  // A thread that exits while we wait for it will never answer.
  #forgetPeer(thread: ThreadInfo): void {
    for (const pending of this.#pending.values()) {
      if (pending.waiting.delete(thread.id)) {
        pending.replies.push({
          thread,
          ok: false,
          error: {
            code: ErrorCode.THREAD_EXITED,
            message: `thread ${thread.name} (id ${thread.id}) exited before answering`,
          },
        });
        if (pending.waiting.size === 0) pending.done();
      }
    }
  }

  #post(message: Message): void {
    try {
      this.#channel.postMessage(message);
    } catch {
      // A closed channel (thread exiting) has nobody left to tell.
    }
  }
}

/**
 * This thread's coordinator, shared by every copy of markers in the thread
 * (like the registry), created on first use. A thread that joined at import
 * (join.ts) keeps its membership; one asking for an internal coordinator
 * first leaves as an application thread, then joins again as internal.
 */
export function getCoordinator(options: { internal?: boolean; name?: string } = {}): Coordinator {
  // threadsHolder() refuses (ERR_REGISTRY_VERSION) a holder of another protocol.
  const found = threadsHolder();
  // Possibly another copy's Coordinator class: same protocol, so it is used as is.
  if (found?.coordinator !== undefined) return found.coordinator as Coordinator;
  // markers' own workers are internal from their first registration on, even
  // when something imports markers in them before their entry module runs.
  const internalName = internalThreadName();
  const self: ThreadInfo =
    internalName !== undefined
      ? { id: threadId, name: internalName, internal: true }
      : {
          id: threadId,
          name: options.name ?? defaultThreadName(),
          internal: options.internal ?? false,
        };
  const joined = found?.membership;
  let coordinator: Coordinator;
  if (joined !== undefined && joined.self.internal === self.internal) {
    coordinator = new Coordinator(joined.self, joined);
  } else {
    if (joined !== undefined) {
      // Joined as an application thread at import (an inherited --import, say).
      try {
        joined.channel.postMessage({ type: 'bye', thread: joined.self });
        joined.channel.close();
      } catch {
        // Already closed.
      }
    }
    coordinator = new Coordinator(self);
  }
  if (found !== undefined) {
    found.membership = undefined;
    found.coordinator = coordinator;
  } else {
    const holder: ThreadsHolder = {
      protocol: THREADS_PROTOCOL,
      membership: undefined,
      coordinator,
    };
    Object.defineProperty(globalThis, keyOf(Globals.THREADS), { value: holder });
  }
  return coordinator;
}
