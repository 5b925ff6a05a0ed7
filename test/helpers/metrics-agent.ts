// The real `markers metrics` CLI as the metrics tests run it: a config file
// written for it, a child process listening on a free loopback port, and the
// scrape and wait helpers every test of the agent needs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, waitUntil } from './control.js';

export interface MetricsAgent {
  readonly child: ChildProcess;
  /** http://127.0.0.1:PORT/metrics, as the agent announced it. */
  readonly url: string;
  readonly port: number;
  /** Everything the agent wrote to stderr so far. */
  stderr(): string;
  /** GET /metrics, optionally with an Accept header; the body. */
  scrape(accept?: string): Promise<string>;
  /** Waits until the agent reports `markers_agent_targets n`. */
  waitForTargets(n: number, what?: string): Promise<void>;
  /** SIGTERM, then the exit; removes the config. */
  stop(): Promise<void>;
}

/** The value of an unlabelled sample `name` in an exposition text. */
export function gauge(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m === null ? undefined : Number(m[1]);
}

/**
 * Starts `markers metrics --config <config> --listen 127.0.0.1:0 ...args` with
 * `env` over this process's environment, and resolves once it is serving.
 */
export async function startMetricsAgent(options: {
  config: unknown;
  args?: readonly string[];
  env: NodeJS.ProcessEnv;
}): Promise<MetricsAgent> {
  const work = mkdtempSync(join(tmpdir(), 'markers-agent-'));
  const config = join(work, 'metrics.json');
  writeFileSync(config, JSON.stringify(options.config));
  const argv = ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'metrics', '--config', config];
  argv.push('--listen', '127.0.0.1:0', ...(options.args ?? []));
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(work, { recursive: true, force: true });
  };
  let port: number;
  try {
    port = Number(
      await waitUntil(
        () => /serving http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err)?.[1],
        `the agent to listen (stderr: ${err})`,
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `http://127.0.0.1:${port}/metrics`;
  const scrape = async (accept?: string): Promise<string> => {
    const res = await fetch(url, accept === undefined ? {} : { headers: { accept } });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
    return res.text();
  };
  return {
    child,
    url,
    port,
    stderr: () => err,
    scrape,
    async waitForTargets(n, what = `the agent to attach ${n} processes`) {
      await waitUntil(
        async () => (gauge(await scrape(), 'markers_agent_targets') === n ? true : undefined),
        `${what} (agent: ${err})`,
      );
    },
    stop,
  };
}
