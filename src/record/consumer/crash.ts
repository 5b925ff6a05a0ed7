/**
 * The flight recorder's last act: when the process dies of an uncaught
 * exception while an overwrite-mode recording is active, the main thread
 * writes every ring of that recording as a trace directory before it exits.
 *
 * Where: $MARKERS_CRASH_DIR (or the current directory) /
 * markers-crash-<pid>-<UTC time>[-<n>]/, or the recording's `crashDir`.
 *
 * It runs in `uncaughtExceptionMonitor`, on the dying thread, with no event
 * loop turn left: everything is synchronous (the trace directory sink writes
 * with writeSync). The main thread's own ring is exact: its producer is this
 * thread. Workers may still be writing while their rings are copied; their
 * open packet is closed on their behalf, so an event being written at that
 * very moment may be cut (the copy's seqlock drops a packet reused meanwhile).
 *
 * Two halves: the consumer of an overwrite-mode recording tells the main
 * thread which rings to write (requestCrashWatch, record:crash-watch, sent
 * again whenever a thread joins), and the main thread's handler keeps that
 * list (watchCrash, registered by record/thread-handlers.ts) and dumps it.
 */

import { join } from 'node:path';
import { type CrashWatch, RecordOp } from '../../abi/thread-ops.js';
import { uuidBytes } from '../../abi/trace-layout.js';
import { getCoordinator } from '../../threads/coordinator.js';
import { createTraceDirectory } from '../../trace/writer.js';
import { copyStream, traceDescription, trailerPacket } from './assemble.js';
import { RingReader } from './ring-reader.js';
import { StreamState } from './stream.js';

/**
 * The consumer's half: replaces the main thread's list of rings to write out
 * for this recording (an empty list stops watching). Resolves once the main
 * thread has it.
 */
export async function requestCrashWatch(watch: CrashWatch, timeoutMs: number): Promise<void> {
  await getCoordinator().request(RecordOp.CRASH_WATCH, watch, { threads: [0], timeoutMs });
}

const watched = new Map<string, CrashWatch>();
let installed = false;

/** Replaces the list of rings watched for a recording (the CRASH_WATCH command). */
export function watchCrash(watch: CrashWatch): number {
  if (watch.rings.length === 0) watched.delete(watch.sessionId);
  else watched.set(watch.sessionId, watch);
  if (!installed) {
    installed = true;
    process.on('uncaughtExceptionMonitor', onCrash);
  }
  return watched.size;
}

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function onCrash(): void {
  let n = 0;
  const base = join(
    process.env.MARKERS_CRASH_DIR ?? process.cwd(),
    `markers-crash-${process.pid}-${stamp(new Date())}`,
  );
  for (const watch of watched.values()) {
    const dir = watch.dir ?? (n === 0 ? base : `${base}-${n}`);
    n++;
    try {
      dump(watch, dir);
      process.stderr.write(`markers: flight recorder written to ${dir}\n`);
    } catch (error) {
      try {
        process.stderr.write(
          `markers: could not write the flight recorder to ${dir}: ${(error as Error).message}\n`,
        );
      } catch {
        // The process is dying; nothing else can be done.
      }
    }
  }
}

function dump(watch: CrashWatch, dir: string): void {
  const sink = createTraceDirectory(dir);
  const uuid = uuidBytes(watch.uuid ?? '');
  const streams = watch.rings.map(
    (r) => new StreamState(RingReader.attach(r.sab, r.metaSab), r.threadName),
  );
  for (const stream of streams) {
    stream.ring.close();
    const description = stream.description;
    if (description.events.length === 0) continue;
    const copy = copyStream(stream, uuid);
    stream.lostOffset = copy.lostOffset;
    for (const packet of copy.packets) {
      stream.deliveredDiscarded = packet.discarded;
      sink.packet(description, packet.bytes, { events: packet.events });
    }
    const trailer = trailerPacket(stream, uuid);
    if (trailer !== undefined) sink.packet(description, trailer, { events: 0 });
  }
  sink.finish(traceDescription(watch.uuid ?? '', watch.originMs ?? 0, streams, { crash: 1 }));
}
