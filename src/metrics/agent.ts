/**
 * The host agent: finds every instrumented process (as `markers ps` does),
 * keeps the configured aggregations running in each, and answers scrapes.
 *
 * - Discovery runs at once and then every `rescanMs`; a process that appears
 *   is attached, one that exits (its connection closes) is dropped with its
 *   series. A target that could not be attached is retried at the next scan.
 * - A scrape reads every target in parallel, each bounded by
 *   `scrapeTimeoutMs`. A target that does not answer in time is served from
 *   its last reading and counted in `markers_agent_scrape_errors_total`, so a
 *   hung process never holds up the scrape and counters never go backwards.
 * - Scrapes that arrive while one is being collected share it.
 */
import type { MetricsAggregation, MetricsConfig } from './config.js';
import type { CounterSample, MetricFamily } from './exposition.js';
import { aggregationFamilies, type Reading, type TargetReadings } from './families.js';

/** A process to attach to, as discovery reports it. */
export interface DiscoveredTarget {
  readonly pid: number;
  readonly path: string;
  /** The user the socket must belong to (discovery.ts); this user's when absent. */
  readonly owner?: number;
}

/** The agent's connection to one process, holding its aggregations. */
export interface TargetLink {
  readonly pid: number;
  readonly command: string;
  /** Resolves when the connection is gone (the process exited or closed it). */
  readonly closed: Promise<void>;
  /** Totals of one aggregation since it was attached. */
  read(name: string, timeoutMs: number): Promise<Reading>;
  close(): void;
}

export interface AgentDependencies {
  /** Lists the instrumented processes now. */
  discover(): DiscoveredTarget[];
  /** Connects to a process and attaches every aggregation; rejects if any cannot be. */
  attach(
    target: DiscoveredTarget,
    aggregations: readonly MetricsAggregation[],
  ): Promise<TargetLink>;
}

export interface AgentOptions {
  readonly rescanMs?: number;
  readonly scrapeTimeoutMs?: number;
  readonly version: string;
  /** Called for what an operator should see: a target that cannot be attached, once per PID and code. */
  readonly warn?: (message: string) => void;
}

interface TargetState {
  readonly link: TargetLink;
  readonly last: Map<string, Reading>;
  scrapeErrors: number;
  lastError: string | undefined;
}

export class MetricsAgent {
  readonly #config: MetricsConfig;
  readonly #deps: AgentDependencies;
  readonly #rescanMs: number;
  readonly #scrapeTimeoutMs: number;
  readonly #version: string;
  readonly #warn: (message: string) => void;
  readonly #targets = new Map<number, TargetState>();
  /** PIDs being attached now, so a slow attach is not started twice. */
  readonly #attaching = new Set<number>();
  /** PID -> the last attach failure, so a process that keeps failing is reported once. */
  readonly #failed = new Map<number, string>();
  #attachErrors = 0;
  #droppedTargets = 0;
  #scrapes = 0;
  #pushErrors = 0;
  #timer: NodeJS.Timeout | undefined;
  #collecting: Promise<MetricFamily[]> | undefined;
  #closed = false;

  constructor(config: MetricsConfig, deps: AgentDependencies, options: AgentOptions) {
    this.#config = config;
    this.#deps = deps;
    this.#rescanMs = options.rescanMs ?? 2000;
    this.#scrapeTimeoutMs = options.scrapeTimeoutMs ?? 2000;
    this.#version = options.version;
    this.#warn = options.warn ?? (() => {});
  }

  /** Scans now and then every rescanMs. Resolves after the first scan's attaches settled. */
  async start(): Promise<void> {
    await this.scan();
    this.#timer = setInterval(() => void this.scan(), this.#rescanMs);
  }

  get targetCount(): number {
    return this.#targets.size;
  }

  /** One discovery pass: attach what is new, forget failures of processes that are gone. */
  async scan(): Promise<void> {
    if (this.#closed) return;
    let found: DiscoveredTarget[];
    try {
      found = this.#deps.discover();
    } catch (error) {
      this.#warnOnce(0, `discovery failed: ${(error as Error).message}`);
      return;
    }
    const live = new Set(found.map((t) => t.pid));
    for (const pid of this.#failed.keys()) if (!live.has(pid)) this.#failed.delete(pid);
    await Promise.all(
      found
        .filter((t) => !this.#targets.has(t.pid) && !this.#attaching.has(t.pid))
        .map((t) => this.#attach(t)),
    );
  }

  async #attach(target: DiscoveredTarget): Promise<void> {
    this.#attaching.add(target.pid);
    try {
      const link = await this.#deps.attach(target, this.#config.aggregations);
      if (this.#closed) {
        link.close();
        return;
      }
      this.#failed.delete(target.pid);
      const state: TargetState = { link, last: new Map(), scrapeErrors: 0, lastError: undefined };
      this.#targets.set(target.pid, state);
      void link.closed.then(() => {
        if (this.#targets.get(target.pid) === state) {
          this.#targets.delete(target.pid);
          this.#droppedTargets++;
        }
      });
    } catch (error) {
      this.#attachErrors++;
      const e = error as { code?: string; message?: string };
      this.#warnOnce(
        target.pid,
        `process ${target.pid}: not attached: ${e.code ?? 'ERR_UNEXPECTED'}: ${e.message}`,
      );
    } finally {
      this.#attaching.delete(target.pid);
    }
  }

  #warnOnce(pid: number, message: string): void {
    if (this.#failed.get(pid) === message) return;
    this.#failed.set(pid, message);
    this.#warn(message);
  }

  /** Every family of a scrape: the aggregations, then the agent's own health. */
  collect(): Promise<MetricFamily[]> {
    this.#collecting ??= this.#collect().finally(() => {
      this.#collecting = undefined;
    });
    return this.#collecting;
  }

  async #collect(): Promise<MetricFamily[]> {
    const started = performance.now();
    this.#scrapes++;
    const states = [...this.#targets.values()];
    const readings = await Promise.all(states.map((s) => this.#readTarget(s)));
    const families = aggregationFamilies(this.#config.aggregations, readings);
    families.push(...this.#healthFamilies(states, (performance.now() - started) / 1000));
    return families;
  }

  async #readTarget(state: TargetState): Promise<TargetReadings> {
    await Promise.all(
      this.#config.aggregations.map(async (a) => {
        try {
          state.last.set(a.name, await state.link.read(a.name, this.#scrapeTimeoutMs));
        } catch (error) {
          // Served from the last reading: a counter never goes backwards.
          state.scrapeErrors++;
          const e = error as { code?: string; message?: string };
          state.lastError = `${e.code ?? 'ERR_UNEXPECTED'}: ${e.message}`;
        }
      }),
    );
    return { pid: state.link.pid, command: state.link.command, readings: state.last };
  }

  #healthFamilies(states: readonly TargetState[], seconds: number): MetricFamily[] {
    const perTarget = (value: (s: TargetState) => number): CounterSample[] =>
      states.map((s) => ({
        labels: [
          ['pid', String(s.link.pid)],
          ['command', s.link.command],
        ],
        value: value(s),
      }));
    const sumOver = (s: TargetState, pick: (r: Reading) => number): number => {
      let total = 0;
      for (const r of s.last.values()) total += pick(r);
      return total;
    };
    return [
      {
        type: 'gauge',
        name: 'markers_agent_targets',
        help: 'instrumented processes the agent holds aggregations in',
        samples: [{ labels: [], value: states.length }],
      },
      {
        type: 'counter',
        name: 'markers_agent_scrape_errors',
        help: 'reads of a target that failed or timed out (served from its last reading)',
        samples: perTarget((s) => s.scrapeErrors),
      },
      {
        type: 'counter',
        name: 'markers_agent_lost_events',
        help: 'events a target did not aggregate (invalid values, full buffers)',
        samples: perTarget((s) => sumOver(s, (r) => r.dropped)),
      },
      {
        type: 'counter',
        name: 'markers_agent_other_events',
        help: 'events folded into the __other__ group because maxGroups was reached',
        samples: perTarget((s) => sumOver(s, (r) => r.otherCount)),
      },
      {
        type: 'counter',
        name: 'markers_agent_attach_errors',
        help: 'attempts to attach the aggregations to a process that failed',
        samples: [{ labels: [], value: this.#attachErrors }],
      },
      {
        type: 'counter',
        name: 'markers_agent_targets_dropped',
        help: 'processes that went away while attached',
        samples: [{ labels: [], value: this.#droppedTargets }],
      },
      {
        type: 'counter',
        name: 'markers_agent_scrapes',
        help: 'scrapes answered',
        samples: [{ labels: [], value: this.#scrapes }],
      },
      {
        type: 'counter',
        name: 'markers_agent_push_errors',
        help: 'remote-write pushes that failed',
        samples: [{ labels: [], value: this.#pushErrors }],
      },
      {
        type: 'gauge',
        name: 'markers_agent_scrape_duration_seconds',
        help: 'how long reading every target took for this scrape',
        samples: [{ labels: [], value: seconds }],
      },
      {
        type: 'gauge',
        name: 'markers_agent_build_info',
        help: 'the agent build: markers and Node.js versions',
        samples: [
          {
            labels: [
              ['version', this.#version],
              ['node', process.version],
            ],
            value: 1,
          },
        ],
      },
    ];
  }

  /** A remote-write push that failed; shown as markers_agent_push_errors_total. */
  countPushError(): void {
    this.#pushErrors++;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const s of this.#targets.values()) s.link.close();
    this.#targets.clear();
  }
}
