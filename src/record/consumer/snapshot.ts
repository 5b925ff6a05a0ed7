/**
 * A snapshot: what the buffers hold now, newest events included, written
 * into a sink of its own and finished, while the recording goes on. Each
 * thread first closes its open packet (record:flush); the packets are then
 * copied, never consumed (assemble.ts, copyStream). Meant for overwrite mode
 * (the flight recorder); in discard mode it holds the packets not drained yet.
 */

import { RingState } from '../../abi/ring.js';
import { RecordOp } from '../../abi/thread-ops.js';
import type { TraceDescription } from '../../abi/trace-description.js';
import { getCoordinator } from '../../threads/coordinator.js';
import type { PacketSink } from '../../trace/writer.js';
import { copyStream } from './assemble.js';
import type { Delivery } from './delivery.js';
import type { StreamState } from './stream.js';

export async function writeSnapshot(
  recording: { readonly id: string; readonly uuid: Uint8Array; readonly timeoutMs: number },
  /** The streams once every thread flushed (a thread may have joined meanwhile). */
  streams: () => readonly StreamState[],
  delivery: Delivery,
  sink: PacketSink,
  trace: (streams: readonly StreamState[]) => TraceDescription,
): Promise<void> {
  await getCoordinator().request(
    RecordOp.FLUSH,
    { sessionId: recording.id },
    { timeoutMs: recording.timeoutMs },
  );
  const all = streams();
  for (const stream of all) {
    if (stream.ring.state === RingState.EXITED) stream.ring.close();
    const description = stream.description;
    if (description.events.length === 0) continue;
    for (const packet of copyStream(stream, recording.uuid).packets) {
      await delivery.to(sink, description, packet.bytes, packet.events);
    }
  }
  await sink.finish(trace(all));
}
