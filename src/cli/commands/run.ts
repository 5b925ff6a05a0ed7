import type { ControlClient } from '../../control/client.js';
import { findTarget, openTarget, type Target } from '../../control/discovery.js';
import { ErrorCode, isMarkersError, MarkersError } from '../../errors/markers-error.js';
import { ownFile, runsFromSources } from '../../own-files.js';
import { createTraceDirectory } from '../../trace/writer.js';
import { type Command, type CommandContext, ExitCode, UsageError } from '../command.js';
import { parsePatterns } from '../patterns.js';
import { Progress } from '../progress.js';
import { diskPackets, streamRecording } from '../stream-recording.js';
import { supervise } from '../supervise.js';
import { RECORD_OPTIONS, recordSettings, reportRecording } from './record.js';

/** How long a held application waits for this command to start its recording. */
const HOLD_MS = 30_000;

/** `run --record` ignores the CLI's own Ctrl-C abort: see supervise.ts. */
const NEVER_ABORTED = new AbortController().signal;

/** `--import` flags that start the control server in the child, from dist or (tsx) from src. */
function registerImports(): string[] {
  const register = ownFile('register').href;
  return runsFromSources()
    ? ['--import', import.meta.resolve('tsx'), '--import', register]
    : ['--import', register];
}

function quoteForNodeOptions(arg: string): string {
  return /[\s"\\]/.test(arg) ? `"${arg.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : arg;
}

// NODE_OPTIONS is read by Node only: Bun and Deno would run the program without
// the control server, so say how to start them instead of silently doing nothing.
const START_UP_HOOKS: Readonly<Record<string, string>> = {
  bun: 'bun --preload markers/register app.js',
  bunx: 'bun --preload markers/register app.js',
  deno: 'deno run --preload npm:markers/register app.js',
};

function refuseOtherRuntimes(program: string): void {
  const name = (program.split(/[\\/]/).pop() ?? program).replace(/\.exe$/, '');
  const hook = START_UP_HOOKS[name];
  if (hook === undefined) return;
  throw new MarkersError(
    ErrorCode.UNSUPPORTED_RUNTIME,
    `markers run starts the control server through NODE_OPTIONS, which ${name} does not read; start the program with its start-up hook instead: ${hook} (or call listen() in it)`,
    { runtime: name, hook },
  );
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

/**
 * The socket file appears when the server binds, a moment before it listens:
 * a connection refused then is retried (bounded), not reported as a dead target.
 */
async function connectListening(target: Target, exited: () => boolean): Promise<ControlClient> {
  const deadline = Date.now() + HOLD_MS;
  for (;;) {
    try {
      return await openTarget(target);
    } catch (error) {
      if (exited() || Date.now() > deadline || !isMarkersError(error, 'ERR_TARGET_UNREACHABLE')) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
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
  const app = supervise(command, env, (error) => {
    context.stderr.write(`markers: cannot start ${command[0]}: ${error.message}\n`);
  });
  const child = app.child;
  // Not started (no such file): supervise reports it, and the status is 1.
  if (child.pid === undefined) return app.exited;
  try {
    const target = await waitForTarget(child.pid, context.env, () => app.hasExited());
    const client = await connectListening(target, () => app.hasExited());
    const progress = new Progress(context);
    try {
      const result = await streamRecording(client, sink, {
        patterns,
        ...diskPackets(settings),
        ...(settings.durationMs === undefined ? {} : { durationMs: settings.durationMs }),
        // Not the CLI's Ctrl-C: signals go to the application (supervise.ts), and
        // the recording ends when the application exits, after its last drain.
        signal: NEVER_ABORTED,
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
        sink.lostEvents,
      );
    } finally {
      progress.clear();
      client.close();
    }
  } catch (error) {
    // The application runs on unrecorded: say so now, and still end with it.
    const code = isMarkersError(error) ? error.code : 'ERR_UNEXPECTED';
    const message = error instanceof Error ? error.message : String(error);
    context.stderr.write(
      `markers: ${code}: ${message.replaceAll('\n', ' ')}; markers run ends when the application does\n`,
    );
    await app.exited;
    return ExitCode.ERROR;
  }
  return app.exited;
}

export const run: Command = {
  name: 'run',
  untilInterrupted: true,
  summary: 'start a Node.js program with the control server on (and record it)',
  usage:
    'markers run [--record PATTERN]... [-o DIR] [--duration TIME] [--mode MODE] -- node app.js [args]',
  details: `Runs the command with the markers control server started before its first
line (NODE_OPTIONS gets an --import of this markers' register module), so every
other markers command can reach it. markers' own worker threads never count as
application threads, whatever NODE_OPTIONS says.

markers run behaves as a supervisor's child: SIGTERM, SIGHUP and SIGINT sent to it
are passed to the application (SIGINT not while markers run is in its terminal's
foreground: Ctrl-C typed there reaches the application directly), every later
signal too, and markers run exits only once the application has, with its
status: its exit code, or 128 + the signal number when a signal killed it.

With --record, the application is held until the recording is on, so it is
recorded from its first line. The recording ends when the application exits,
or after --duration. A signal goes to the application, not to the recording:
everything the application fires until it exits is in the trace, written to DIR. If the
recording cannot start, markers run says why, lets the application run, and
exits 1 once it has.
  --record PATTERN     record these markers (repeatable)
  -o, --output DIR     the trace directory (with --record)
  -d, --duration TIME  stop recording after e.g. 30s (the application keeps running)
  --mode MODE          discard (default) or overwrite
  --buffer-size BYTES  ring buffer per thread (default 4 MiB)`,
  examples: [
    'markers run -- node server.js                                  # then: markers ps',
    "markers run --record 'http:*' -o ./boot-trace -- node server.js  # trace from the first line",
    'kill -TERM <pid of markers run>      # server.js gets SIGTERM; markers run exits with its status',
  ],
  options: { ...RECORD_OPTIONS, record: { type: 'string', multiple: true } },
  async run(values, positionals, context) {
    if (positionals.length === 0)
      throw new UsageError('what should run? give it after --, e.g. -- node app.js');
    refuseOtherRuntimes(positionals[0] as string);
    const patterns = (values.record as string[] | undefined) ?? [];
    parsePatterns(patterns);
    if (patterns.length > 0) return runAndRecord(patterns, positionals, values, context);
    if (values.output !== undefined) throw new UsageError('-o needs --record PATTERN');
    const env = {
      ...context.env,
      NODE_OPTIONS: [context.env.NODE_OPTIONS ?? '', ...registerImports().map(quoteForNodeOptions)]
        .join(' ')
        .trim(),
    };
    return supervise(positionals, env, (error) => {
      context.stderr.write(`markers: cannot start ${positionals[0]}: ${error.message}\n`);
    }).exited;
  },
};
