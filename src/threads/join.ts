/**
 * Joining the process's threads at import, for the price of one
 * BroadcastChannel and no tracer code; in a main thread that has no worker
 * yet, for nothing until the first worker is created (joinThreadsWhenNeeded).
 *
 * A thread that imports markers must be reachable by the CLI from then on, so
 * it announces itself on the coordinator's channel (src/abi/threads.ts has the
 * protocol). Until something is asked of it, this membership is all it has:
 * it answers `hello` with `here`, keeps the list of peers, forgets the ones
 * that say `bye`, and says `bye` itself when a worker exits. The first
 * `command` addressed to it loads the coordinator, which takes the channel,
 * the peers and the queued commands over (getCoordinator() does the same when
 * this thread issues a request first); the coordinator then loads the thread
 * services (record, probe modules, control) the command needs.
 *
 * The channel is unref'd: it never keeps a process alive, and it wakes no
 * thread while nothing is sent.
 */
import { channel } from 'node:diagnostics_channel';
import { Globals, hasGlobal, keyOf, readGlobal } from '../abi/globals.js';
import {
  INTERNAL_KEY,
  MAIN_MEMBER_KEY,
  type MainMember,
  type Membership,
  THREADS_CHANNEL,
  THREADS_PROTOCOL,
  type ThreadInfo,
  type ThreadsChannel,
  type ThreadsHolder,
} from '../abi/threads.js';
import { warnError } from '../errors/warn.js';

/**
 * node:worker_threads, loaded on first use: in a main thread without workers
 * it is seven of Node's modules (stream among them), about 2 ms, that the
 * import of markers does not need (bench:import).
 */
function workerThreads(): typeof import('node:worker_threads') {
  return process.getBuiltinModule('node:worker_threads');
}

/** This thread's ThreadsHolder, shared by every copy of the package (ERR_REGISTRY_VERSION when another copy's protocol differs). */
export function threadsHolder(): ThreadsHolder | undefined {
  return readGlobal<ThreadsHolder>(Globals.THREADS);
}

/** This thread's name when it is one of markers' own workers (spawn.ts marks them), else undefined. */
export function internalThreadName(): string | undefined {
  const { isMainThread, workerData } = workerThreads();
  if (isMainThread || typeof workerData !== 'object' || workerData === null) return undefined;
  const name = (workerData as Record<string, unknown>)[INTERNAL_KEY];
  return typeof name === 'string' ? name : undefined;
}

/**
 * What every thread does as it becomes a member, whether by the join or by a
 * coordinator of its own (coordinator.ts): a worker counts the main thread
 * among `peers` if the main thread was a member when the worker was created;
 * the main thread says it is one to every worker created from now on (and
 * theirs), through MAIN_MEMBER_KEY of abi/threads.ts.
 */
export function enterAsMember(self: ThreadInfo, peers: Map<number, ThreadInfo>): void {
  const main = knownMainMember();
  if (main !== undefined) peers.set(main.id, main);
  announceMainMember(self);
}

function announceMainMember(self: ThreadInfo): void {
  const { isMainThread, setEnvironmentData } = workerThreads();
  if (!isMainThread || typeof setEnvironmentData !== 'function') return;
  const value: MainMember = { protocol: THREADS_PROTOCOL, thread: self };
  setEnvironmentData(MAIN_MEMBER_KEY, value);
}

/** In a worker: the main thread, if it was a member (of this protocol) when this worker's line of spawns began. */
function knownMainMember(): ThreadInfo | undefined {
  const { isMainThread, getEnvironmentData } = workerThreads();
  if (isMainThread || typeof getEnvironmentData !== 'function') return undefined;
  const value = getEnvironmentData(MAIN_MEMBER_KEY) as Partial<MainMember> | undefined;
  return value?.protocol === THREADS_PROTOCOL ? value.thread : undefined;
}

export function defaultThreadName(): string {
  const { isMainThread, threadId } = workerThreads();
  return isMainThread ? 'main' : `worker-${threadId}`;
}

type StubMessage = { readonly type?: unknown; readonly thread?: ThreadInfo; readonly to?: unknown };

/**
 * Makes this thread a member of the process's threads, once per thread
 * whichever copy of markers calls it first. Creates one BroadcastChannel and
 * nothing else: no timer, worker, socket or file.
 */
export function joinThreads(): void {
  // Another copy joined first, maybe at another protocol: the import goes on,
  // and getCoordinator() refuses that holder when a command needs it.
  if (hasGlobal(Globals.THREADS)) return;
  const { BroadcastChannel, isMainThread, threadId } = workerThreads();
  // An internal worker that imports markers (an inherited --import, say) joins as internal.
  const internalName = internalThreadName();
  const self: ThreadInfo =
    internalName !== undefined
      ? { id: threadId, name: internalName, internal: true }
      : { id: threadId, name: defaultThreadName(), internal: false };
  const channel = new BroadcastChannel(THREADS_CHANNEL);
  // Never keep the process alive for control traffic.
  (channel as unknown as { unref(): void }).unref();
  const shared: ThreadsChannel = channel as unknown as ThreadsChannel;
  const membership: Membership = { self, channel: shared, peers: new Map(), queued: [] };
  enterAsMember(self, membership.peers);
  const holder: ThreadsHolder = { protocol: THREADS_PROTOCOL, membership, coordinator: undefined };
  Object.defineProperty(globalThis, keyOf(Globals.THREADS), { value: holder });
  const post = (message: unknown): void => {
    try {
      channel.postMessage(message);
    } catch {
      // A closed channel (thread exiting) has nobody left to tell.
    }
  };
  let upgrading = false;
  channel.onmessage = (event: unknown) => {
    const message = (event as { data: StubMessage }).data;
    const thread = message?.thread;
    switch (message?.type) {
      case 'hello':
        if (thread !== undefined) membership.peers.set(thread.id, thread);
        post({ type: 'here', thread: self });
        return;
      case 'here':
        if (thread !== undefined) membership.peers.set(thread.id, thread);
        return;
      case 'bye':
        if (thread !== undefined) membership.peers.delete(thread.id);
        return;
      case 'command':
        if (!Array.isArray(message.to) || !message.to.includes(self.id)) return;
        membership.queued.push(message);
        if (upgrading) return;
        upgrading = true;
        // The coordinator takes the channel over and runs the queued commands.
        void import('./coordinator.js').then(
          (module) => module.getCoordinator(),
          (error: unknown) =>
            warnError(
              error,
              `markers: thread ${self.name} cannot answer commands`,
              'ERR_HANDLER_FAILED',
            ),
        );
        return;
      default:
        // Replies answer requests, and only a coordinator makes requests.
        return;
    }
  };
  post({ type: 'hello', thread: self });
  if (!isMainThread) {
    process.once('exit', () => {
      const coordinator = holder.coordinator as { close(): void } | undefined;
      if (coordinator !== undefined) {
        coordinator.close();
        return;
      }
      post({ type: 'bye', thread: self });
      channel.close();
    });
  }
}

/**
 * Node publishes each new Worker here, in its constructor, in the thread that
 * creates it, before the worker runs a line. Held: a channel with a
 * subscriber must stay referenced (../shared/reference/diagnostics-channels.md).
 */
const workerCreated = channel('worker_threads');

/**
 * joinThreads() now, or, in a Node main thread that has no worker yet, when
 * its first worker is created. Until then nothing can ask this thread
 * anything: the CLI reaches a process through a control server, whose
 * coordinator joins (getCoordinator), and a command from another thread needs
 * a worker, whose creation joins first. So the import of markers loads none
 * of worker_threads in a process that never uses it.
 *
 * A worker thread always has Node's internal/worker/io loaded (its port), and
 * so has a main thread that created a worker or used a MessageChannel or a
 * BroadcastChannel: there the join is free and happens now. Bun and Deno join
 * now, as does anything that is not Node.
 */
export function joinThreadsWhenNeeded(): void {
  if (hasGlobal(Globals.THREADS)) return;
  const loaded = (process as { moduleLoadList?: unknown }).moduleLoadList;
  const deferrable =
    process.versions.bun === undefined &&
    process.versions.deno === undefined &&
    Array.isArray(loaded) &&
    !loaded.includes('NativeModule internal/worker/io');
  if (!deferrable) {
    joinThreads();
    return;
  }
  const onWorker = (): void => {
    workerCreated.unsubscribe(onWorker);
    try {
      joinThreads();
    } catch (error) {
      // Inside the application's new Worker(): never its problem.
      warnError(error, 'markers: this thread cannot join the threads', 'ERR_HANDLER_FAILED');
    }
  };
  workerCreated.subscribe(onWorker);
}
