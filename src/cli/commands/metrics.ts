import { readFileSync } from 'node:fs';
import { findTargets } from '../../control/discovery.js';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { MetricsAgent } from '../../metrics/agent.js';
import { parseMetricsConfigText } from '../../metrics/config.js';
import { parseListenAddress, serveMetrics } from '../../metrics/http.js';
import { attachTarget } from '../../metrics/link.js';
import { loadSnappy, remoteWriter } from '../../metrics/remote-write.js';
import { VERSION } from '../../version.js';
import { type Command, ExitCode, UsageError, type Values } from '../command.js';
import { parseDuration } from '../format.js';
import { rejectExtraArguments } from '../target.js';

function durationOption(values: Values, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`--${name} expects a duration such as 500ms or 2s, got "${String(raw)}"`);
  }
  return ms;
}

function readConfig(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MarkersError(
      ErrorCode.CONFIG_INVALID,
      `cannot read metrics config ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { file },
    );
  }
  return parseMetricsConfigText(text, file);
}

export const metrics: Command = {
  name: 'metrics',
  untilInterrupted: true,
  summary: 'the host agent Prometheus scrapes: aggregations in every instrumented process',
  usage:
    'markers metrics --config FILE [--listen HOST:PORT] [--rescan 2s] [--scrape-timeout 2s] [--remote-write URL [--push-interval 15s]]',
  details: `Finds every instrumented process of this user (of every user, for root), as
'markers ps' does, including processes that start later, and keeps the
aggregations of the config running in each. GET /metrics answers in the
Prometheus text format 0.0.4, or OpenMetrics when the scraper asks for it.

A count aggregation named N is the counter markers_N_total; one with "hist"
is the histogram markers_N_bucket{le}, markers_N_sum and markers_N_count.
Every series has the "by" fields, pid and command as labels. The agent's own
health: markers_agent_targets, markers_agent_scrape_errors_total,
markers_agent_lost_events_total, markers_agent_build_info, ...

The config is JSON:
  { "aggregations": [
      { "name": "ticks",  "markers": "app:*", "by": ["status"] },
      { "name": "req_duration", "markers": "node:http.server_end", "hist": "ms",
        "by": ["status"], "buckets": [1, 5, 10, 50, 100, 500] } ] }
Entry keys: name, markers (pattern or list), by, hist, buckets, where, maxGroups.
A bad config is refused at start (exit 1, ERR_CONFIG_INVALID naming the entry).

  --config FILE          the aggregations (required)
  --listen HOST:PORT     where to serve /metrics (default 127.0.0.1:9464; port 0 picks one)
  --rescan DURATION      how often to look for new processes (default 2s)
  --scrape-timeout D     how long a scrape waits for each process (default 2s);
                         a late process is served from its last reading
  --remote-write URL     also push every --push-interval (default 15s) to a
                         Prometheus remote-write receiver (needs: npm install snappy)
Runs until Ctrl-C or SIGTERM; the aggregations leave every process then.`,
  examples: [
    'markers metrics --config metrics.json                       # serve 127.0.0.1:9464/metrics',
    'markers metrics --config metrics.json --listen 127.0.0.1:0  # any free port (printed)',
  ],
  options: {
    config: { type: 'string', short: 'c' },
    listen: { type: 'string' },
    rescan: { type: 'string' },
    'scrape-timeout': { type: 'string' },
    'remote-write': { type: 'string' },
    'push-interval': { type: 'string' },
  },
  async run(values, positionals, context) {
    rejectExtraArguments(positionals, 0);
    if (typeof values.config !== 'string') throw new UsageError('--config FILE is required');
    let address: ReturnType<typeof parseListenAddress>;
    try {
      address = parseListenAddress(
        typeof values.listen === 'string' ? values.listen : '127.0.0.1:9464',
      );
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const rescanMs = durationOption(values, 'rescan', 2000);
    const scrapeTimeoutMs = durationOption(values, 'scrape-timeout', 2000);
    const pushMs = durationOption(values, 'push-interval', 15_000);
    const pushUrl = values['remote-write'];
    if (pushUrl !== undefined && (typeof pushUrl !== 'string' || !/^https?:\/\/./.test(pushUrl))) {
      throw new UsageError(`--remote-write expects an http(s) URL, got "${String(pushUrl)}"`);
    }
    if (pushUrl === undefined && values['push-interval'] !== undefined) {
      throw new UsageError('--push-interval needs --remote-write URL');
    }
    const config = readConfig(values.config);
    // Checked before anything starts, so a missing package is one clear line.
    const writer = pushUrl === undefined ? undefined : remoteWriter(pushUrl, loadSnappy());
    const warn = (message: string): void => {
      context.stderr.write(`markers metrics: ${message}\n`);
    };
    const agent = new MetricsAgent(
      config,
      { discover: () => findTargets(context.env), attach: attachTarget },
      { rescanMs, scrapeTimeoutMs, version: VERSION, warn },
    );
    const server = await serveMetrics(
      address,
      () => agent.collect(),
      (e) => warn(e.message),
    );
    try {
      const host = server.address.host.includes(':')
        ? `[${server.address.host}]`
        : server.address.host;
      context.stderr.write(
        `markers metrics: serving http://${host}:${server.address.port}/metrics (${config.aggregations.length} aggregations)\n`,
      );
      await agent.start();
      let lastPushError = '';
      const push =
        writer === undefined
          ? undefined
          : setInterval(() => {
              agent
                .collect()
                .then((families) => writer.push(families))
                .then(
                  () => {
                    lastPushError = '';
                  },
                  (error: Error) => {
                    agent.countPushError();
                    // One line per distinct failure, not one per interval.
                    if (error.message !== lastPushError) warn(error.message);
                    lastPushError = error.message;
                  },
                );
            }, pushMs);
      context.signal.addEventListener('abort', () => clearInterval(push), { once: true });
      if (!context.signal.aborted) {
        await new Promise<void>((resolve) =>
          context.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      }
    } finally {
      agent.close();
      await server.close();
    }
    return ExitCode.OK;
  },
};
