import { type Command, ExitCode } from '../command.js';
import {
  moduleNameArgument,
  printJson,
  TARGET_HELP,
  TARGET_OPTIONS,
  withTarget,
} from '../target.js';

export const unload: Command = {
  name: 'unload',
  summary: 'unload a probe module: disconnect, wait for quiescence in every thread, cleanup',
  usage: 'markers unload [-p PID] NAME',
  details: `Returns once no probe of module NAME can run again in any thread and its
cleanup() has run, exactly once.
${TARGET_HELP}`,
  examples: ['markers unload -p 4242 latency'],
  options: TARGET_OPTIONS,
  async run(values, positionals, context) {
    const name = moduleNameArgument(positionals);
    const result = await withTarget(values, context, (client) =>
      client.request('unload', { name }),
    );
    if (context.json) printJson(context, result);
    else context.stdout.write(`unloaded ${name}\n`);
    return ExitCode.OK;
  },
};
