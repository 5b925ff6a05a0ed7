import { type Command, ExitCode } from '../command.js';
import {
  moduleNameArgument,
  printJson,
  REPLY_TIMEOUT_HELP,
  TARGET_OPTIONS,
  TARGET_PID_HELP,
  timeoutArgs,
  withTarget,
} from '../target.js';

export const unload: Command = {
  name: 'unload',
  summary: 'unload a probe module: disconnect, wait for quiescence in every thread, cleanup',
  usage: 'markers unload [-p PID] NAME',
  details: `Returns once no probe of module NAME can run again in any thread and its
cleanup() has run, exactly once. Calls of its probes still in flight (a promise
that never settles) after --timeout are orphaned: the unload fails with
ERR_PROBE_MODULE_TIMEOUT naming the threads, cleanup() runs without waiting for
them, and the name is free for the next load. A cleanup() that does not settle
within --timeout is given up the same way.
${TARGET_PID_HELP}
  --timeout MS        how long each thread may wait for calls in flight, then for
                      cleanup() (default 10000)
${REPLY_TIMEOUT_HELP}`,
  examples: ['markers unload -p 4242 latency'],
  options: TARGET_OPTIONS,
  async run(values, positionals, context) {
    const name = moduleNameArgument(positionals);
    const result = await withTarget(values, context, (client) =>
      client.request('unload', { name, ...timeoutArgs(values) }),
    );
    if (context.json) printJson(context, result);
    else context.stdout.write(`unloaded ${name}\n`);
    return ExitCode.OK;
  },
};
