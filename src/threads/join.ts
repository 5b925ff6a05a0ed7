/**
 * Joining the process's threads at import, for the price of one
 * BroadcastChannel and no tracer code.
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
import { BroadcastChannel, isMainThread, threadId, workerData } from 'node:worker_threads';
import { Globals, hasGlobal, keyOf, readGlobal } from '../abi/globals.js';
import {
  INTERNAL_KEY,
  type Membership,
  THREADS_CHANNEL,
  THREADS_PROTOCOL,
  type ThreadInfo,
  type ThreadsChannel,
  type ThreadsHolder,
} from '../abi/threads.js';
import { warnError } from '../errors/warn.js';

/** This thread's ThreadsHolder, shared by every copy of the package (ERR_REGISTRY_VERSION when another copy's protocol differs). */
export function threadsHolder(): ThreadsHolder | undefined {
  return readGlobal<ThreadsHolder>(Globals.THREADS);
}

/** This thread's name when it is one of markers' own workers (spawn.ts marks them), else undefined. */
export function internalThreadName(): string | undefined {
  if (isMainThread || typeof workerData !== 'object' || workerData === null) return undefined;
  const name = (workerData as Record<string, unknown>)[INTERNAL_KEY];
  return typeof name === 'string' ? name : undefined;
}

export function defaultThreadName(): string {
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
