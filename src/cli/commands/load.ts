import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { type Command, ExitCode, UsageError } from '../command.js';
import { printable } from '../format.js';
import {
  printJson,
  REPLY_TIMEOUT_HELP,
  rejectExtraArguments,
  TARGET_OPTIONS,
  TARGET_PID_HELP,
  timeoutArgs,
  withTarget,
} from '../target.js';

export const load: Command = {
  name: 'load',
  summary: 'load a probe module (.js, .mjs or .ts) into a running process',
  usage: 'markers load [-p PID] FILE [--threads main|all]',
  details: `Imports FILE in the target's application threads, checks its shape and formats,
runs its init() and connects its probes: all or nothing. With --threads all (the
default) workers started later get it too. FILE is resolved from this command's
current directory (not the target's), and read by the target from that path. A
module kept outside the application may import 'markers': it gets the target's
copy. This runs the module's code inside the target, as a debugger would. A
worker that exits during the load is left out; the load still succeeds.
  --threads main|all  the main thread only, or every application thread
${TARGET_PID_HELP}
  --timeout MS        how long each thread may take to import and init (default 10000)
${REPLY_TIMEOUT_HELP}`,
  examples: [
    'markers load -p 4242 ./latency.mjs           # every thread',
    'markers load ./latency.ts --threads main     # the main thread only',
  ],
  options: { ...TARGET_OPTIONS, threads: { type: 'string' } },
  async run(values, positionals, context) {
    rejectExtraArguments(positionals, 1);
    const file = positionals[0];
    if (file === undefined) throw new UsageError('which probe module? give its FILE');
    const threads = values.threads ?? 'all';
    if (threads !== 'main' && threads !== 'all') {
      throw new UsageError(`--threads must be main or all, got "${String(threads)}"`);
    }
    // The CLI resolves FILE, from its own directory, and the target imports that path.
    const path = resolve(file);
    if (!statSync(path, { throwIfNoEntry: false })?.isFile()) {
      throw new MarkersError(
        ErrorCode.PROBE_MODULE_NOT_FOUND,
        `probe module ${path} does not exist or is not a file ("${file}" was resolved from this command's directory, ${process.cwd()})`,
        { file: path },
      );
    }
    const info = await withTarget(values, context, (client) =>
      client.request('load', { path, threads, ...timeoutArgs(values) }),
    );
    if (context.json) {
      printJson(context, info);
      return ExitCode.OK;
    }
    const markers = new Set(info.threads.flatMap((t) => t.probes.flatMap((p) => p.markers)));
    context.stdout.write(
      `${printable(`loaded ${info.name} from ${info.path} in ${info.threads.length} thread(s); ${markers.size} marker(s) connected`)}\n`,
    );
    return ExitCode.OK;
  },
};
