/**
 * The consumer worker of record(): runs a RecordingConsumer and writes the
 * trace directory, so that draining and file writing never run on the
 * application's threads. It is internal to the coordinator: it receives no
 * commands and records nothing itself.
 *
 * It says it is ready (threads/ready.ts) once it listens. Messages from the
 * parent: abi/ports.ts's ConsumerOps, { id, op, args };
 * each gets { id, ok, result } or { id, ok: false, error } (a WireError).
 * `close` says goodbye to the other threads before the parent terminates
 * this worker: terminate() runs no exit handler, and every thread would
 * otherwise keep this worker in its list of peers, one per recording.
 */
import { parentPort } from 'node:worker_threads';
import type { ConsumerOp, ConsumerOps, ConsumerRequest, PortReply } from '../../abi/ports.js';
import { toWireError } from '../../abi/wire-error.js';
import { getCoordinator } from '../../threads/coordinator.js';
import { signalReady } from '../../threads/ready.js';
import { createTraceDirectory } from '../../trace/writer.js';
import { RecordingConsumer } from './consumer.js';

const coordinator = getCoordinator({ internal: true, name: 'markers-consumer' });

// The coordinator learns its peers from their answers to its hello. The
// thread that called record() must be known before the sticky START goes
// out, or that thread would not be recorded.
async function knowThread(id: number): Promise<void> {
  const end = Date.now() + 10_000;
  while (!coordinator.threads().some((t) => t.id === id) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

let consumer: RecordingConsumer | undefined;

async function run(request: ConsumerRequest): Promise<ConsumerOps[ConsumerOp]['result']> {
  switch (request.op) {
    case 'start': {
      const { caller, dir, options } = request.args;
      await knowThread(caller);
      const sink = createTraceDirectory(dir);
      // At process exit the last packets are written and the metadata finished.
      consumer = await RecordingConsumer.start(options, sink, { exitDrain: true });
      return { id: consumer.id, uuid: consumer.uuid };
    }
    case 'stats':
      return consumer?.stats();
    case 'snapshot':
      return consumer?.snapshot(createTraceDirectory(request.args.dir));
    case 'stop':
      return consumer?.stop();
    case 'close':
      coordinator.close();
      return true;
  }
}

parentPort?.on('message', (request: ConsumerRequest) => {
  run(request).then(
    (result) => parentPort?.postMessage({ id: request.id, ok: true, result } satisfies PortReply),
    (error: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        error: toWireError(error),
      } satisfies PortReply),
  );
});
signalReady();
