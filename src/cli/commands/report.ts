import type { ThreadReport } from '../../probe/manager.js';
import { type Command, ExitCode } from '../command.js';
import { printable } from '../format.js';
import { renderReport } from '../render-report.js';
import {
  moduleNameArgument,
  printJson,
  TARGET_HELP,
  TARGET_OPTIONS,
  withTarget,
} from '../target.js';

export const report: Command = {
  name: 'report',
  summary: "show what a probe module's report() returns, per thread",
  usage: 'markers report [-p PID] NAME',
  details: `Calls report() of module NAME in each thread it runs in. A report shaped as a
histogram ({ buckets: [{ le|label, count }] } or { histogram: {...} }) is drawn as
bars; anything else is printed as indented data.
${TARGET_HELP}`,
  examples: ['markers report -p 4242 latency', 'markers report latency --json'],
  options: TARGET_OPTIONS,
  async run(values, positionals, context) {
    const name = moduleNameArgument(positionals);
    const result = await withTarget(values, context, (client) =>
      client.request<{ name: string; threads: ThreadReport[] }>('report', { name }),
    );
    if (context.json) {
      printJson(context, result);
      return ExitCode.OK;
    }
    for (const t of result.threads) {
      // The thread's name and report are the target's strings: made safe for a terminal.
      context.stdout.write(
        `${printable(`${name} in thread ${t.thread.name} (id ${t.thread.id}):`)}\n`,
      );
      context.stdout.write(
        t.error !== undefined
          ? `  ${printable(`${t.error.code}: ${t.error.message}`)}\n`
          : printable(renderReport(t.report, context.stdout.columns ?? 80), true),
      );
    }
    return ExitCode.OK;
  },
};
