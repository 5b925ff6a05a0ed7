/**
 * The commands the probe module manager sends to every thread, and what each
 * thread does with them. Installed once per thread by the thread services
 * (threads/services.ts), when the first command arrives.
 *
 *   probe:prepare    {loadId, path, source?}  import, validate, check formats, reserve the name
 *   probe:commit     {loadId}                 init + connect a prepared module
 *   probe:load       {loadId, path, source?}  prepare + commit; a no-op where the load id is
 *                                             already loaded (the sticky command for late threads)
 *   probe:abort      {loadId}                 undo whatever of the load id exists here
 *   probe:disconnect {loadId, waitMs?}        disconnect and wait until no call is in flight here;
 *                                             after waitMs the calls still in flight are orphaned
 *                                             (ERR_PROBE_MODULE_TIMEOUT), the probes stay disconnected
 *   probe:cleanup    {loadId, waitMs?}        cleanup(ctx) once, and forget the module; after
 *                                             waitMs it is forgotten all the same (ERR_PROBE_MODULE_TIMEOUT)
 *   probe:report     {loadId}                 the module's report here, as plain data
 *   probe:status     {loadId}                 its probes here: markers, skipped, errors
 *
 * Commands from one sender reach a thread in the order sent, so an abort or
 * disconnect sent after a load that timed out still undoes it when the thread
 * wakes; a load id once aborted or disconnected is refused from then on.
 * Replies are `{ loaded: false }` where the load id is not loaded.
 */

import { Globals } from '../abi/globals.js';
import {
  type IdArgs,
  type LoadArgs,
  type PrepareReply,
  ProbeOp,
  type ReportReply,
  type StateReply,
} from '../abi/thread-ops.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { installOnce } from '../threads/install-once.js';
import {
  currentThread,
  forgetMarkersOf,
  type LocalModule,
  prepareModule,
  threadTable,
} from './local-module.js';

function idOf(args: unknown): string {
  const loadId = (args as IdArgs | null)?.loadId;
  if (typeof loadId !== 'string') {
    throw new MarkersError(ErrorCode.INVALID_ARGUMENT, 'probe command without a loadId', {});
  }
  return loadId;
}

function loadArgs(args: unknown): LoadArgs {
  const { path, source } = (args ?? {}) as Partial<LoadArgs>;
  if (typeof path !== 'string' || (source !== undefined && typeof source !== 'string')) {
    throw new MarkersError(ErrorCode.INVALID_ARGUMENT, 'probe load command without a path', {});
  }
  return { loadId: idOf(args), path, source };
}

function find(loadId: string): LocalModule | undefined {
  return threadTable().modules.get(loadId);
}

function state(module: LocalModule | undefined): StateReply {
  return module === undefined ? { loaded: false } : { loaded: true, info: module.info() };
}

async function prepare(args: unknown): Promise<PrepareReply> {
  const { loadId, path, source } = loadArgs(args);
  const module = await prepareModule(path, loadId, source);
  return { name: module.name, patterns: module.info().probes.map((p) => p.pattern) };
}

async function commit(args: unknown): Promise<StateReply> {
  const loadId = idOf(args);
  const module = find(loadId);
  if (module === undefined || module.state !== 'prepared') {
    throw new MarkersError(
      ErrorCode.PROBE_MODULE_NOT_LOADED,
      `probe load ${loadId} is not prepared in this thread (aborted, or prepared elsewhere)`,
      { loadId },
    );
  }
  await module.activate();
  return state(module);
}

async function load(args: unknown): Promise<StateReply> {
  const { loadId, path, source } = loadArgs(args);
  const table = threadTable();
  if (table.dead.has(loadId)) return { loaded: false };
  const existing = find(loadId);
  if (existing !== undefined) return state(existing);
  const module = await prepareModule(path, loadId, source);
  await module.activate();
  return state(module);
}

async function abort(args: unknown): Promise<StateReply> {
  const loadId = idOf(args);
  const module = find(loadId);
  threadTable().dead.add(loadId);
  if (module !== undefined) {
    // A prepared module ran nothing: dropping it is enough. An active one is unloaded.
    if (module.state === 'prepared') threadTable().modules.delete(loadId);
    else await module.unload().catch(() => {});
    forgetMarkersOf(module.path, loadId);
  }
  return { loaded: false };
}

/** How long an unload waits in this thread; none given: until done, as before the option. */
function waitOf(args: unknown): number | undefined {
  const waitMs = (args as { waitMs?: unknown } | null)?.waitMs;
  return typeof waitMs === 'number' && Number.isFinite(waitMs) && waitMs > 0 ? waitMs : undefined;
}

async function disconnect(args: unknown): Promise<StateReply> {
  const loadId = idOf(args);
  const module = find(loadId);
  threadTable().dead.add(loadId);
  if (module === undefined) return { loaded: false };
  const waitMs = waitOf(args);
  if (waitMs === undefined) {
    await module.disconnect();
    return state(module);
  }
  const stuck = await module.disconnectWithin(waitMs);
  if (stuck > 0) {
    const thread = currentThread();
    throw new MarkersError(
      ErrorCode.PROBE_MODULE_TIMEOUT,
      `${stuck} call(s) of probe module "${module.name}" (${module.path}) were still in flight in thread ${thread.name} after ${waitMs} ms; they are orphaned: its probes are disconnected and never run again, and cleanup() ran without waiting for them`,
      { module: module.name, file: module.path, thread: thread.id, inflight: stuck },
    );
  }
  return state(module);
}

async function cleanup(args: unknown): Promise<StateReply> {
  const module = find(idOf(args));
  if (module === undefined) return { loaded: false };
  const waitMs = waitOf(args);
  if (waitMs === undefined) {
    await module.cleanup();
    return { loaded: false };
  }
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    module.cleanup().then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
    }),
  ]).finally(() => clearTimeout(timer));
  if (!done) {
    // A cleanup that never settles must not hold the name: forget the module here.
    module.forget();
    const thread = currentThread();
    throw new MarkersError(
      ErrorCode.PROBE_MODULE_TIMEOUT,
      `cleanup() of probe module "${module.name}" (${module.path}) did not settle in thread ${thread.name} within ${waitMs} ms; the module is unloaded all the same`,
      { module: module.name, file: module.path, thread: thread.id },
    );
  }
  return { loaded: false };
}

async function report(args: unknown): Promise<ReportReply> {
  const module = find(idOf(args));
  if (module === undefined || module.state !== 'active') return { loaded: false };
  return { loaded: true, report: await module.report() };
}

function status(args: unknown): StateReply {
  const module = find(idOf(args));
  return module?.state === 'active' ? state(module) : { loaded: false };
}

/** Makes this thread answer the manager's probe commands, now. Idempotent per thread. */
export function installProbeHandlers(): void {
  installOnce(Globals.PROBE_HANDLERS, (coordinator) => {
    coordinator.handle(ProbeOp.PREPARE, prepare);
    coordinator.handle(ProbeOp.COMMIT, commit);
    coordinator.handle(ProbeOp.LOAD, load);
    coordinator.handle(ProbeOp.ABORT, abort);
    coordinator.handle(ProbeOp.DISCONNECT, disconnect);
    coordinator.handle(ProbeOp.CLEANUP, cleanup);
    coordinator.handle(ProbeOp.REPORT, report);
    coordinator.handle(ProbeOp.STATUS, status);
  });
}
