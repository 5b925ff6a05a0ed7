/**
 * `node --import markers/register app.js`: starts the control server before
 * the application's first line. A server that cannot start (an unsafe socket
 * directory, for example) is reported as a warning; the application always
 * runs.
 *
 * Node passes --import on to worker threads too: only the main thread starts
 * the server (one per process); a worker loads markers and installs the
 * catalogue of Node's own channels as markers.
 *
 * MARKERS_HOLD_MS (set by `markers run --record`) holds the application until
 * the CLI has started its recording, at most that many milliseconds.
 */
import { isMainThread } from 'node:worker_threads';
import { warnError } from './errors/warn.js';
// The package root, not just listen(): importing it joins this thread to the
// process's threads, so it answers recording and probe commands (their handlers
// load when the first one arrives) before the application's first import of
// markers (a held `markers run --record` starts recording before that).
import { listen } from './index.js';

if (!isMainThread) {
  // A worker: listen() in the main thread installs the catalogue everywhere,
  // but this worker may import the application before that command reaches it.
  const { installCatalogue } = await import('./channels/install.js');
  installCatalogue();
} else {
  const hold = Number(process.env.MARKERS_HOLD_MS);
  // Children of the held process (e.g. a shell) must not wait for a CLI of their own.
  delete process.env.MARKERS_HOLD_MS;
  try {
    await listen(Number.isFinite(hold) && hold > 0 ? { holdMs: hold } : {});
  } catch (error) {
    warnError(error, 'markers control server not started', 'ERR_CONTROL_SERVER');
    // emitWarning prints on the next tick; Node 22+ may start the application
    // before that tick, so one that exits at once would never show the warning.
    // Wait for it: the warning comes before the application's first line.
    await new Promise((resolve) => process.nextTick(resolve));
  }
}
