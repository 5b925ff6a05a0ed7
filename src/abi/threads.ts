/**
 * The threads protocol: the messages every thread that imports markers
 * exchanges on one BroadcastChannel (src/threads/ implements it), and the
 * ThreadsHolder every copy of markers in a thread shares on globalThis
 * (Globals.THREADS). Append-only: never reorder, rename or remove a field;
 * bump THREADS_PROTOCOL for a change an older peer would misread. Threads on
 * another protocol use another channel name, so they never hear each other.
 *
 *   hello {thread}                              a thread joined; every peer answers `here`
 *   here  {thread}                              so the newcomer learns who exists
 *   bye   {thread}                              a thread is exiting
 *   command {id, from, to, op, args}            run handler `op` in the threads listed in `to`
 *   reply {id, to, thread, ok, result | error}  one thread's answer (an Outcome)
 */
import type { Outcome } from './envelope.js';
import { Globals } from './globals.js';

/** The holder's version is the protocol's: one number for the channel and the shared object. */
export const THREADS_PROTOCOL = Globals.THREADS.version;
export const THREADS_CHANNEL = `markers:threads:${THREADS_PROTOCOL}`;

/**
 * The worker_threads environment-data key under which a main thread that is
 * a member says so to every worker created after it joined (and to theirs:
 * environment data is copied into each new worker). Its value is a
 * MainMember. A worker's first request then waits for the main thread's
 * reply instead of leaving it out because its `here` has not arrived yet.
 */
export const MAIN_MEMBER_KEY = 'markers:threads:main';

export interface MainMember {
  readonly protocol: number;
  readonly thread: ThreadInfo;
}

/** The workerData key that marks markers' own workers; its value is the thread's name. */
export const INTERNAL_KEY = 'markers:internal-thread';

export interface ThreadInfo {
  /** worker_threads threadId; 0 is the main thread. */
  readonly id: number;
  readonly name: string;
  /** markers' own threads (control server, consumer): they receive no commands. */
  readonly internal: boolean;
}

/** One thread's answer to a command. */
export type Reply<Result = unknown> = Outcome<Result> & { readonly thread: ThreadInfo };

export type ThreadMessage =
  | { readonly type: 'hello' | 'here' | 'bye'; readonly thread: ThreadInfo }
  | {
      readonly type: 'command';
      readonly id: number;
      readonly from: ThreadInfo;
      readonly to: readonly number[];
      readonly op: string;
      readonly args: unknown;
    }
  | (Outcome & {
      readonly type: 'reply';
      readonly id: number;
      readonly to: number;
      readonly thread: ThreadInfo;
    });

/**
 * What the threads use of their BroadcastChannel, typed structurally so that
 * the package's public types need no @types/node.
 */
export interface ThreadsChannel {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: unknown) => void) | null;
}

/** A thread's place among the process's threads, before (and until) its coordinator exists. */
export interface Membership {
  readonly self: ThreadInfo;
  readonly channel: ThreadsChannel;
  readonly peers: Map<number, ThreadInfo>;
  /** Commands that arrived before the coordinator took over, in arrival order. */
  readonly queued: unknown[];
}

/**
 * What globalThis[Globals.THREADS] holds. `coordinator` is set once it
 * exists; `membership` while only the join has run (the coordinator clears
 * it when it takes over).
 */
export interface ThreadsHolder {
  readonly protocol: number;
  membership: Membership | undefined;
  coordinator: unknown;
}
