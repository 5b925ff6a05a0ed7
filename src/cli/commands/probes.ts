import { type Command, ExitCode } from '../command.js';
import { table } from '../format.js';
import {
  printJson,
  rejectExtraArguments,
  TARGET_HELP,
  TARGET_OPTIONS,
  withTarget,
} from '../target.js';

export const probes: Command = {
  name: 'probes',
  summary: 'list the probe modules loaded in a process',
  usage: 'markers probes [-p PID]',
  details: `One row per module and thread: probes, connected markers, probe errors.
${TARGET_HELP}`,
  examples: ['markers probes -p 4242', 'markers probes --json | jq ".modules[].name"'],
  options: TARGET_OPTIONS,
  async run(values, positionals, context) {
    rejectExtraArguments(positionals, 0);
    const result = await withTarget(values, context, (client) => client.request('probes'));
    if (context.json) {
      printJson(context, result);
      return ExitCode.OK;
    }
    if (result.modules.length === 0) {
      context.stdout.write('no probe modules loaded\n');
      return ExitCode.OK;
    }
    const rows = result.modules.flatMap((m) =>
      m.threads.map((t) => [
        m.name,
        t.thread.name,
        String(t.probes.length),
        String(new Set(t.probes.flatMap((p) => p.markers)).size),
        String(t.errors),
        m.path,
      ]),
    );
    context.stdout.write(
      table(context, ['MODULE', 'THREAD', 'PROBES', 'MARKERS', 'ERRORS', 'FILE'], rows),
    );
    return ExitCode.OK;
  },
};
