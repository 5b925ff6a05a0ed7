/**
 * The runtimes besides Node that markers is tested on, as installed by
 * scripts/runtimes.sh into .runtimes/, and a traced app started on one of
 * them (like helpers/control.ts's startApp, for any executable).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WAIT_MS } from './control.js';

export interface Runtime {
  readonly name: 'bun' | 'deno';
  readonly exe: string;
  /** The command line that runs `file`, with the runtime's start-up hook for markers/register when `preload`. */
  args(file: string, preload: boolean): string[];
}

export const RUNTIMES: readonly Runtime[] = [
  {
    name: 'bun',
    exe: join(ROOT, '.runtimes/bun/bin/bun'),
    args: (file, preload) => [...(preload ? ['--preload', 'markers/register'] : []), file],
  },
  {
    name: 'deno',
    exe: join(ROOT, '.runtimes/deno/bin/deno'),
    // Deno resolves npm:markers from node_modules because the app's package.json depends on it.
    args: (file, preload) => [
      'run',
      '--allow-all',
      ...(preload ? ['--preload', 'npm:markers/register'] : []),
      file,
    ],
  },
];

/** Throws, naming the install command, when the runtime is not installed: never a silent skip. */
export function requireRuntime(runtime: Runtime): void {
  if (!existsSync(runtime.exe)) {
    throw new Error(`${runtime.exe} is missing: run scripts/runtimes.sh ${runtime.name}`);
  }
}

export interface RuntimeApp {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  waitFor(text: string): Promise<void>;
  /** Closes stdin (the app exits) and waits for the exit. */
  stop(): Promise<number | null>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export function startRuntimeApp(
  runtime: Runtime,
  cwd: string,
  file: string,
  options: { preload?: boolean; env?: NodeJS.ProcessEnv; args?: readonly string[] } = {},
): RuntimeApp {
  requireRuntime(runtime);
  const argv = [...runtime.args(file, options.preload ?? false), ...(options.args ?? [])];
  const child = spawn(runtime.exe, argv, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    pid: child.pid as number,
    exited,
    output: () => out,
    async waitFor(text) {
      const deadline = Date.now() + WAIT_MS;
      let gone = false;
      void exited.then(() => {
        gone = true;
      });
      while (!out.includes(text)) {
        if (gone) throw new Error(`${runtime.name} app exited before "${text}":\n${out}`);
        if (Date.now() > deadline)
          throw new Error(`${runtime.name} app never printed "${text}":\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
