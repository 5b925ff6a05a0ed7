/**
 * The package root in browsers and edge workers (the `browser` and `worker`
 * conditions of package.json): the core, and the Node-only API names, which
 * fail with ERR_UNSUPPORTED_RUNTIME instead of being missing, so that code
 * shared between Node and a browser bundles and runs on both. Nothing here
 * imports a Node built-in, and nothing of the recording code, the probe module
 * loader or the control server is in this module graph.
 */

import type { ControlHandle } from './control/listen.js';
import { ErrorCode, MarkersError } from './errors/markers-error.js';
import type { LoadedProbeModule } from './probe/load.js';
import { type PendingRecording, type RecordOptions, StartingRecording } from './record/pending.js';

// The core, as index.ts exports it too (defineProbeModule included): the one list is core.ts.
export * from './core.js';

function unsupported(feature: string): MarkersError {
  return new MarkersError(
    ErrorCode.UNSUPPORTED_RUNTIME,
    `markers: ${feature} needs Node.js, Bun or Deno; in a browser or an edge worker only marker(), connect() and listMarkers() work`,
    { feature },
  );
}

/** Recording needs worker threads and files: the returned recording rejects with ERR_UNSUPPORTED_RUNTIME. */
export function record(options: RecordOptions): PendingRecording {
  const output = typeof options?.output === 'string' ? options.output : '';
  return new StartingRecording(output, Promise.reject(unsupported('record()')));
}

/** The control server needs a Unix socket: rejects with ERR_UNSUPPORTED_RUNTIME. */
export function listen(): Promise<ControlHandle> {
  return Promise.reject(unsupported('listen()'));
}

/** Loading probe modules from files: rejects with ERR_UNSUPPORTED_RUNTIME (connect() works). */
export function loadProbeModule(_path: string): Promise<LoadedProbeModule> {
  return Promise.reject(unsupported('loadProbeModule()'));
}
