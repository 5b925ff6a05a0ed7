import { spawn } from 'node:child_process';
import { findTarget, openTarget, type Target } from '../../control/discovery.js';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { createTraceDirectory } from '../../trace/writer.js';
import { type Command, type CommandContext, UsageError } from '../command.js';
import { Progress } from '../progress.js';
import { streamRecording } from '../stream-recording.js';
import { RECORD_OPTIONS, recordSettings, reportRecording } from './record.js';

/** How long a held application waits for this command to start its recording. */
const HOLD_MS = 30_000;

/** `--import` flags that start the control server in the child, from dist or (tsx) from src. */
function registerImports(): string[] {
  const fromSources = import.meta.url.endsWith('.ts');
  const register = new URL(`../../register.${fromSources ? 'ts' : 'js'}`, import.meta.url).href;
  return fromSources
    ? ['--import', import.meta.resolve('tsx'), '--import', register]
    : ['--import', register];
}

function quoteForNodeOptions(arg: string): string {
  return /[\s"\\]/.test(arg) ? `"${arg.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : arg;
}

/**
 * Waits for the child's socket to appear in one of this user's trusted socket
 * directories (the child may have fallen back from a squatted one), through
 * the same discovery and checks as every other command.
 */
async function waitForTarget(
  pid: number,
  env: NodeJS.ProcessEnv,
  exited: () => boolean,
): Promise<Target> {
  const deadline = Date.now() + HOLD_MS;
  for (;;) {
    const target = findTarget(pid, env);
    if (target !== undefined) return target;
    if (exited()) {
      throw new MarkersError(
        ErrorCode.TARGET_EXITED,
        `process ${pid} exited before its control server started`,
        {
          pid,
        },
      );
    }
    if (Date.now() > deadline) {
      throw new MarkersError(
        ErrorCode.NO_TARGET,
        `process ${pid} did not start its control server within ${HOLD_MS} ms (see its warnings)`,
        { pid },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function runAndRecord(
  patterns: string[],
  command: string[],
  values: Parameters<Command['run']>[0],
  context: CommandContext,
): Promise<number> {
  const settings = recordSettings(values);
  const sink = createTraceDirectory(settings.dir);
  const env = {
    ...context.env,
    NODE_OPTIONS: [context.env.NODE_OPTIONS ?? '', ...registerImports().map(quoteForNodeOptions)]
      .join(' ')
      .trim(),
    MARKERS_HOLD_MS: String(HOLD_MS),
  };
  const child = spawn(command[0] as string, command.slice(1), { stdio: 'inherit', env });
  let exitCode: number | null = null;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal === null ? 1 : 128);
      resolve(exitCode);
    });
    child.once('error', (error) => {
      context.stderr.write(`markers: cannot start ${command[0]}: ${error.message}\n`);
      exitCode = 1;
      resolve(1);
    });
  });
  const target = await waitForTarget(child.pid ?? -1, context.env, () => exitCode !== null);
  const client = await openTarget(target);
  const progress = new Progress(context);
  try {
    const result = await streamRecording(client, sink, {
      patterns,
      mode: settings.mode,
      ...(settings.bufferSize === undefined ? {} : { bufferSize: settings.bufferSize }),
      ...(settings.durationMs === undefined ? {} : { durationMs: settings.durationMs }),
      signal: context.signal,
      // The application's first line runs only now, with the recording on.
      onStarted: async () => {
        await client.request('resume');
      },
      onProgress: (stats, received) => progress.update(stats, received),
    });
    progress.clear();
    // The application ending is the normal end of `run`: not an error here.
    reportRecording(
      { ...context, stdout: context.stderr },
      settings,
      { ...result, exited: false },
      child.pid,
    );
  } finally {
    progress.clear();
    client.close();
  }
  return exited;
}

export const run: Command = {
  name: 'run',
  summary: 'start a Node.js program with the control server on (and record it)',
  usage:
    'markers run [--record PATTERN]... [-o DIR] [--duration TIME] [--mode MODE] -- node app.js [args]',
  details: `Runs the command with the markers control server started before its first
line (NODE_OPTIONS gets an --import of this markers' register module), so every
other markers command can reach it. With --record, the application is held until the recording is on,
so it is recorded from its first line; the recording ends when the application
exits, after --duration, or on Ctrl-C, and the trace is written to DIR. The exit
code is the application's.
  --record PATTERN     record these markers (repeatable)
  -o, --output DIR     the trace directory (with --record)
  -d, --duration TIME  stop recording after e.g. 30s (the application keeps running)
  --mode MODE          discard (default) or overwrite
  --buffer-size BYTES  ring buffer per thread (default 4 MiB)`,
  examples: [
    'markers run -- node server.js                                  # then: markers ps',
    "markers run --record 'http:*' -o ./boot-trace -- node server.js  # trace from the first line",
  ],
  options: { ...RECORD_OPTIONS, record: { type: 'string', multiple: true } },
  async run(values, positionals, context) {
    if (positionals.length === 0)
      throw new UsageError('what should run? give it after --, e.g. -- node app.js');
    const patterns = (values.record as string[] | undefined) ?? [];
    if (patterns.length > 0) return runAndRecord(patterns, positionals, values, context);
    if (values.output !== undefined) throw new UsageError('-o needs --record PATTERN');
    const env = {
      ...context.env,
      NODE_OPTIONS: [context.env.NODE_OPTIONS ?? '', ...registerImports().map(quoteForNodeOptions)]
        .join(' ')
        .trim(),
    };
    const child = spawn(positionals[0] as string, positionals.slice(1), { stdio: 'inherit', env });
    return new Promise<number>((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
      child.once('error', (error) => {
        context.stderr.write(`markers: cannot start ${positionals[0]}: ${error.message}\n`);
        resolve(1);
      });
    });
  },
};
