/**
 * Entry of markers' control worker: an internal thread that owns the control
 * socket, so the target stays controllable while its main thread is busy and
 * trace data is drained and sent without running on an application thread.
 *
 * The coordinator must be created as internal before anything else asks for
 * it (an application-thread coordinator would receive commands), so the
 * server modules are imported only after that.
 *
 * It says it is ready (threads/ready.ts) once it listens, or why it cannot;
 * then abi/ports.ts's ControlWorkerMessage.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ControlWorkerMessage } from '../abi/ports.js';
import { getCoordinator } from '../threads/coordinator.js';
import { signalFailed, signalReady } from '../threads/ready.js';

interface ControlWorkerData {
  readonly path: string;
  /** The application's argv: a worker's own process.argv does not show the command. */
  readonly argv: readonly string[];
}

const coordinator = getCoordinator({ internal: true, name: 'markers-control' });
const { path, argv } = workerData as ControlWorkerData;

try {
  const { buildCommands } = await import('./command-table.js');
  const { ControlServer } = await import('./server.js');
  let server: InstanceType<typeof ControlServer> | undefined;
  const commands = buildCommands(
    coordinator,
    argv,
    () => parentPort?.postMessage({ type: 'resume' } satisfies ControlWorkerMessage),
    () => {
      const memory = process.memoryUsage();
      // rss is the whole process's; heapUsed is this control worker's own heap.
      return { ...server?.usage(), rss: memory.rss, heapUsed: memory.heapUsed };
    },
  );
  server = new ControlServer(commands);
  await server.listen(path);
  signalReady();
} catch (error) {
  signalFailed(error);
}
