// Real processes for the control tests: a private socket directory, a traced
// app started with the register import, and CLI invocations as a user types them.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const APP = join(ROOT, 'test/fixtures/control-app.ts');
export const REGISTER = join(ROOT, 'src/register.ts');
const BIN = join(ROOT, 'src/cli/bin.ts');
/** Generous: a loaded 2-core CI machine starts tsx processes slowly. */
export const WAIT_MS = 60_000;

export function makeSocketDir(): { dir: string; remove(): void } {
  const base = mkdtempSync(join(tmpdir(), 'markers-test-'));
  const dir = join(base, 'sockets');
  return {
    dir,
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

export interface App {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything printed so far on stdout and stderr. */
  output(): string;
  /** Resolves once stdout+stderr contain `text`. */
  waitFor(text: string): Promise<void>;
  send(text: string): void;
  /** Closes stdin (the app exits) and waits for the exit. */
  stop(): Promise<number | null>;
  /** The exit status once the app ended by itself (null: killed by a signal). */
  readonly exited: Promise<number | null>;
}

export function startApp(
  socketDir: string,
  args: readonly string[] = [],
  options: {
    script?: string;
    env?: NodeJS.ProcessEnv;
    nodeArgs?: string[];
    cwd?: string;
    /** Another Node binary than the one running the tests. */
    node?: string;
    /** Runs node through this command (runuser -u USER --, prlimit ...); the app is it or its child. */
    prefix?: readonly string[];
  } = {},
): Promise<App> {
  const nodeArgv = [
    options.node ?? process.execPath,
    ...(options.nodeArgs ?? ['--import', 'tsx', '--import', REGISTER]),
    options.script ?? APP,
    ...args,
  ];
  const argv = [...(options.prefix ?? []), ...nodeArgv];
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, MARKERS_SOCKET_DIR: socketDir, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      if (out.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  /** Kills the app, and with a prefix (runuser forks) the prefix process too. */
  const kill = (): void => {
    const pid = options.prefix === undefined ? undefined : childPid(child.pid);
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    child.kill('SIGKILL');
  };
  const app: App = {
    child,
    exited,
    get pid(): number {
      // runuser forks the app; prlimit or `sh -c 'exec ...'` become it.
      return options.prefix === undefined
        ? (child.pid as number)
        : (childPid(child.pid) ?? (child.pid as number));
    },
    output: () => out,
    waitFor(text) {
      if (out.includes(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`app never printed "${text}"; output:\n${out}`)),
          WAIT_MS,
        );
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then(() => {
          if (!out.includes(text)) {
            clearTimeout(timer);
            reject(new Error(`app exited before printing "${text}"; output:\n${out}`));
          }
        });
      });
    },
    send(text) {
      child.stdin?.write(text);
    },
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => kill(), WAIT_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  // A child that never gets ready must not outlive the test (it would keep the test file running).
  return app.waitFor('ready').then(
    () => app,
    (error: unknown) => {
      kill();
      throw error;
    },
  );
}

/** The first child of `pid`: the app when a prefix command (runuser) forked it. */
export function childPid(pid: number | undefined): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text === '' ? undefined : Number(text.split(' ')[0]);
  } catch {
    return undefined;
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `markers ...args` through the real bin, as a user would. */
export function cli(
  socketDir: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; onStdout?: (text: string) => void } = {},
): Promise<CliResult> & { child: ChildProcess } {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, MARKERS_SOCKET_DIR: socketDir, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
    options.onStdout?.(stdout);
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const done = new Promise<CliResult>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS * 2);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return Object.assign(done, { child });
}

/** The last JSON document printed on stdout. */
export function lastJson<T>(result: CliResult): T {
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as T;
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or fails after WAIT_MS. */
export async function waitUntil<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True once DIR holds a stream file (whose name starts with `prefix`, when given) with at least one packet. */
export function hasStreamData(dir: string, prefix = ''): true | undefined {
  try {
    return readdirSync(dir).some(
      (f) => f !== 'metadata' && f.startsWith(prefix) && statSync(join(dir, f)).size > 0,
    )
      ? true
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One `info` through the CLI's client, so the target's control worker runs
 * from then on, as after any first CLI command (src/control/listen.ts): for
 * tests that write raw bytes to the socket, which the doorbell would answer
 * with `moved` instead.
 */
export async function wakeControl(socketDir: string, pid: number): Promise<void> {
  const { ControlClient } = await import('../../src/control/client.js');
  const client = await ControlClient.connect(join(socketDir, `${pid}.sock`), pid, {
    replyTimeoutMs: WAIT_MS,
  });
  try {
    await client.request('info');
  } finally {
    client.close();
  }
}
