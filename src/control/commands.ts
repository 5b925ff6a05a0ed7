/**
 * The command table of the control server: what each protocol command does
 * inside the target. Commands that concern markers fan out to every
 * application thread through the coordinator and report per thread, so a
 * blocked thread shows up as ERR_THREAD_TIMEOUT in its row instead of hanging
 * the command.
 *
 * Command names and result fields are part of the protocol: append-only.
 */

import type {
  ControlResult,
  ProcessInfo,
  ProcessMarker,
  ThreadOutcome,
} from '../abi/control-commands.js';
import { PROTOCOL_VERSION } from '../abi/control-protocol.js';
import { ControlOp, type ThreadStats } from '../abi/thread-ops.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import type { MarkerInfo } from '../registry/registry.js';
import type { Coordinator, Reply } from '../threads/coordinator.js';
import { VERSION } from '../version.js';
import { defineCommand, type ServerCommand } from './server.js';

export const DEFAULT_THREAD_TIMEOUT_MS = 2000;

export function outcome(reply: Reply): ThreadOutcome {
  return reply.ok
    ? { thread: reply.thread, ok: true }
    : { thread: reply.thread, ok: false, error: reply.error };
}

export const MAX_THREAD_TIMEOUT_MS = 600_000;

/**
 * args.timeoutMs, or the default when absent. Anything else than a number of
 * milliseconds in (0, MAX_THREAD_TIMEOUT_MS] is refused (ERR_INVALID_ARGUMENT):
 * silently using the default would make `"x"` or `-1` look accepted.
 */
export function timeoutOf(args: Record<string, unknown>): number {
  const t = args.timeoutMs;
  if (t === undefined) return DEFAULT_THREAD_TIMEOUT_MS;
  if (typeof t === 'number' && Number.isFinite(t) && t > 0 && t <= MAX_THREAD_TIMEOUT_MS) return t;
  throw new MarkersError(
    ErrorCode.INVALID_ARGUMENT,
    `"timeoutMs" must be a number of milliseconds in (0, ${MAX_THREAD_TIMEOUT_MS}], got ${JSON.stringify(t) ?? String(t)}`,
    { key: 'timeoutMs' },
  );
}

export function processInfo(coordinator: Coordinator, argv: readonly string[]): ProcessInfo {
  return {
    pid: process.pid,
    command: argv.slice(1).join(' '),
    argv,
    node: process.version,
    markers: VERSION,
    protocol: PROTOCOL_VERSION,
    threads: coordinator.threads(),
    uptimeMs: Math.round(process.uptime() * 1000),
  };
}

function mergeMarkers(replies: readonly Reply[]): ProcessMarker[] {
  const byName = new Map<string, ProcessMarker & { threads: number[]; locations: string[] }>();
  for (const reply of replies) {
    if (!reply.ok) continue;
    for (const info of reply.result as MarkerInfo[]) {
      const seen = byName.get(info.name);
      if (seen === undefined) {
        byName.set(info.name, {
          ...info,
          locations: [...info.locations],
          threads: [reply.thread.id],
        });
        continue;
      }
      for (const location of info.locations) {
        if (!seen.locations.includes(location)) seen.locations.push(location);
      }
      seen.threads.push(reply.thread.id);
      byName.set(info.name, {
        ...seen,
        enabled: seen.enabled || info.enabled,
        // Threads may differ (a probe loaded with --threads main): show the busiest mode.
        mode: seen.mode === 'off' ? info.mode : seen.mode,
        probes: seen.probes + info.probes,
        hits: seen.hits + info.hits,
      });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The commands that need nothing beyond the coordinator. */
export function coreCommands(
  coordinator: Coordinator,
  argv: readonly string[],
  recordingStats: () => ControlResult<'stats'>['recordings'],
  controlUsage: () => unknown = () => null,
): Map<string, ServerCommand> {
  const commands = new Map<string, ServerCommand>();

  defineCommand(commands, 'info', () => processInfo(coordinator, argv));

  defineCommand(commands, 'list', async (args) => {
    const pattern = typeof args.pattern === 'string' ? args.pattern : undefined;
    const { replies } = await coordinator.request(
      ControlOp.LIST,
      { pattern },
      { timeoutMs: timeoutOf(args) },
    );
    return { markers: mergeMarkers(replies), threads: replies.map(outcome) };
  });

  defineCommand(commands, 'stats', async (args) => {
    const { replies } = await coordinator.request(ControlOp.STATS, null, {
      timeoutMs: timeoutOf(args),
    });
    return {
      recordings: recordingStats(),
      // The control server's own holdings (connections, queued replies) and this process's memory.
      control: controlUsage(),
      threads: replies.map((reply) =>
        reply.ok ? { ...outcome(reply), stats: reply.result as ThreadStats } : outcome(reply),
      ),
    };
  });

  return commands;
}
