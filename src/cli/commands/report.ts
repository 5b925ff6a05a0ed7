import { type Command, ExitCode } from '../command.js';
import { printable } from '../format.js';
import { mergeReports } from '../merge-report.js';
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
  summary: "show what a probe module's report() returns, per thread or merged",
  usage: 'markers report [-p PID] NAME [--merged]',
  details: `Calls report() of module NAME in each thread it runs in. A report shaped as a
histogram ({ buckets: [{ le|label, count }] } or { histogram: {...} }), or a flat
object of counts, is drawn as bars; a flat object with measurements (avg, p99,
floats) as one line per key; anything else as indented data.
  --merged   one report for the process: buckets and counts added over the threads,
             min and max kept; statistics that cannot be recombined exactly (avg,
             p99, ...) are left out and named
${TARGET_HELP}`,
  examples: [
    'markers report -p 4242 latency',
    'markers report latency --merged   # every thread together',
    'markers report latency --json',
  ],
  options: { ...TARGET_OPTIONS, merged: { type: 'boolean' } },
  async run(values, positionals, context) {
    const name = moduleNameArgument(positionals);
    const result = await withTarget(values, context, (client) =>
      client.request('report', { name }),
    );
    for (const t of result.threads) {
      if (t.error !== undefined && values.merged === true) {
        context.stderr.write(
          `markers: thread ${t.thread.name} (id ${t.thread.id}): ${t.error.code}: ${t.error.message}\n`,
        );
      }
    }
    if (values.merged === true) {
      const answered = result.threads.filter((t) => t.error === undefined);
      const { merged, unmerged } = mergeReports(answered.map((t) => t.report));
      if (context.json) {
        printJson(context, { name, threads: answered.length, merged, unmerged });
        return ExitCode.OK;
      }
      context.stdout.write(`${name}, ${answered.length} thread(s) merged:\n`);
      context.stdout.write(renderReport(merged, context.stdout.columns ?? 80));
      if (unmerged.length > 0) {
        context.stdout.write(
          `  (per thread only, not merged exactly: ${unmerged.join(', ')}; see markers report ${name})\n`,
        );
      }
      return ExitCode.OK;
    }
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
