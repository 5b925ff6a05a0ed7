/**
 * The consumer worker of record(): runs a RecordingSession and writes the
 * trace directory, so that draining and file writing never run on the
 * application's threads. It is internal to the coordinator: it receives no
 * commands and records nothing itself.
 *
 * Messages from the parent: { id, op: 'start' | 'stats' | 'snapshot' | 'stop' | 'close', ... };
 * each gets { id, ok, result } or { id, ok: false, error: { code, message } }.
 * `close` says goodbye to the other threads before the parent terminates
 * this worker: terminate() runs no exit handler, and every thread would
 * otherwise keep this worker in its list of peers, one per recording.
 */
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../abi/wire-error.js';
import { getCoordinator } from '../threads/coordinator.js';
import { createTraceDirectory } from '../trace/writer.js';
import { type RecordingOptions, RecordingSession } from './session.js';

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

interface Request {
  readonly id: number;
  readonly op: 'start' | 'stats' | 'snapshot' | 'stop' | 'close';
  readonly options?: RecordingOptions;
  readonly dir?: string;
  readonly caller?: number;
}

let session: RecordingSession | undefined;

async function run(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'start': {
      await knowThread(request.caller ?? 0);
      const sink = createTraceDirectory(request.dir as string);
      // At process exit the last packets are written and the metadata finished.
      session = await RecordingSession.start(request.options as RecordingOptions, sink, {
        exitDrain: true,
      });
      return { id: session.id, uuid: session.uuid };
    }
    case 'stats':
      return session?.stats();
    case 'snapshot':
      return session?.snapshot(createTraceDirectory(request.dir as string));
    case 'stop':
      return session?.stop();
    case 'close':
      coordinator.close();
      return true;
  }
}

parentPort?.on('message', (request: Request) => {
  run(request).then(
    (result) => parentPort?.postMessage({ id: request.id, ok: true, result }),
    (error: unknown) =>
      parentPort?.postMessage({ id: request.id, ok: false, error: toWireError(error) }),
  );
});
parentPort?.postMessage('ready');
