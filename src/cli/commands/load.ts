import { resolve } from 'node:path';
import type { ProbeModuleInfo } from '../../probe/manager.js';
import { type Command, ExitCode, UsageError } from '../command.js';
import { printable } from '../format.js';
import {
  printJson,
  rejectExtraArguments,
  TARGET_HELP,
  TARGET_OPTIONS,
  withTarget,
} from '../target.js';

export const load: Command = {
  name: 'load',
  summary: 'load a probe module (.js, .mjs or .ts) into a running process',
  usage: 'markers load [-p PID] FILE [--threads main|all]',
  details: `Imports FILE in the target's application threads, checks its shape and formats,
runs its init() and connects its probes: all or nothing. With --threads all (the
default) workers started later get it too. FILE is resolved from the current
directory. This runs the module's code inside the target, as a debugger would.
  --threads main|all  the main thread only, or every application thread
${TARGET_HELP}`,
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
    const info = await withTarget(values, context, (client) =>
      client.request<ProbeModuleInfo>('load', { path: resolve(file), threads }),
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
