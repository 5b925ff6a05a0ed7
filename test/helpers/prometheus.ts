// A real Prometheus (Debian's package) for the metrics tests: started as a
// child process on 127.0.0.1 with a temporary data directory and a 1 s scrape
// interval, queried through its HTTP API, and removed afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Prometheus {
  readonly url: string;
  /** Instant query; the result vector of /api/v1/query. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Polls `check` on the result of `promql` until it returns true or `ms` runs out. */
  waitFor(
    promql: string,
    check: (result: { metric: Record<string, string>; value: [number, string] }[]) => boolean,
    ms?: number,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
  output(): string;
}

export async function startPrometheus(scrapeTargets: readonly string[]): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'markers-prom-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
scrape_configs:
  - job_name: markers
    static_configs:
      - targets: [${scrapeTargets.map((t) => `'${t}'`).join(', ')}]
`,
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`prometheus did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const query: Prometheus['query'] = async (promql) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success' || body.data === undefined) {
      throw new Error(`prometheus query ${promql} failed: ${body.error}`);
    }
    return body.data.result;
  };
  return {
    url,
    query,
    async waitFor(promql, check, ms = 60_000) {
      const until = Date.now() + ms;
      let last: Awaited<ReturnType<Prometheus['query']>> = [];
      for (;;) {
        last = await query(promql);
        if (check(last)) return last;
        if (Date.now() > until) {
          throw new Error(`${promql} never satisfied the check; last: ${JSON.stringify(last)}`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
    output: () => out,
  };
}
