/**
 * Control commands for recording, each recording run by a RecordingConsumer
 * (src/record/consumer) in this worker:
 *
 *   enable/disable/snapshot   the flight recorder: one overwrite-mode recording
 *                             kept in the target's own buffers; snapshot
 *                             streams what they hold to the client.
 *   record/stop               a streaming recording per request: packets go to
 *                             the client as frames while it records; the
 *                             client writes the trace.
 *
 * Ownership and cut-short rules:
 *   - A streaming recording belongs to its connection. When the connection
 *     closes (the CLI was killed, the network dropped), the recording is
 *     stopped here: the target never records for a client that is gone.
 *   - Several streaming recordings may run at once (two CLIs recording): each
 *     has its own rings and its own trace. Nothing here returns ERR_BUSY.
 *   - The flight recorder is one recording for the process. enable with new
 *     patterns restarts it over the union of patterns; disable removes
 *     patterns. A restart drops what the buffers held: snapshot first.
 *   - Flight-recorder changes are serialised, so two CLIs cannot interleave
 *     a restart.
 */

import type { ControlResult } from '../abi/control-commands.js';
import type { RecordingStats } from '../abi/recording-stats.js';
import type { TraceDescription } from '../abi/trace-description.js';
import { toWireTrace } from '../abi/trace-wire.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { RecordingConsumer } from '../record/consumer/consumer.js';
import { SerialQueue } from '../serial/serial-queue.js';
import { getCoordinator } from '../threads/coordinator.js';
import type { PacketSink } from '../trace/writer.js';
import { ConnectionSink } from './connection-sink.js';
import { ProgressNotices } from './progress.js';
import { type Connection, defineCommand, type ServerCommand } from './server.js';

/**
 * Streaming recordings at once, over all clients: each holds ring buffers in
 * every thread, so a client looping on `record` must not grow the target
 * without bound. Beyond it, `record` is ERR_TOO_MANY_RECORDINGS.
 */
export const MAX_STREAMING_RECORDINGS = 16;
/** How long a recording waits for the main thread to be known (the server just started). */
const MAIN_THREAD_WAIT_MS = 2000;

/**
 * This worker learns the application's threads from their answers to its
 * hello. A `record` arriving right after the server started (`markers run
 * --record`, whose application is held until then) could otherwise start
 * before the main thread is known, and reach it only after the application
 * ran: its first events, or all of them, would be missed uncounted.
 */
async function knowMainThread(): Promise<void> {
  const coordinator = getCoordinator();
  const end = Date.now() + MAIN_THREAD_WAIT_MS;
  while (!coordinator.threads().some((t) => t.id === 0) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Swallows a flight recording that is stopped without a snapshot. */
const NULL_SINK: PacketSink = {
  packet() {},
  finish() {},
};

/** A streaming recording: its consumer, and the connection it streams to. */
interface StreamingRecording {
  readonly consumer: RecordingConsumer;
  readonly connection: Connection;
  readonly requestId: number;
  readonly patterns: readonly string[];
  /** Stops the recording once (idempotent through RecordingConsumer.stop). */
  readonly end: () => Promise<RecordingStats>;
}

function patternsArg(args: Record<string, unknown>, cmd: string, required: boolean): string[] {
  const value = args.patterns;
  if (value === undefined && !required) return [];
  if (
    !Array.isArray(value) ||
    (required && value.length === 0) ||
    !value.every((p) => typeof p === 'string' && p !== '')
  ) {
    throw new MarkersError(
      ErrorCode.INVALID_ARGUMENT,
      `${cmd}: "patterns" must be a list of marker names or globs`,
      { cmd },
    );
  }
  return value as string[];
}

function optionalNumber(args: Record<string, unknown>, key: string): { [k: string]: number } {
  const value = args[key];
  if (value === undefined) return {};
  if (typeof value !== 'number') {
    throw new MarkersError(ErrorCode.INVALID_ARGUMENT, `"${key}" must be a number`, { key });
  }
  return { [key]: value };
}

/** The recording mode asked for: one of `allowed`, `fallback` when absent; anything else is refused. */
function modeArg<M extends string>(
  args: Record<string, unknown>,
  cmd: string,
  allowed: readonly M[],
  fallback: M,
): M {
  const mode = args.mode;
  if (mode === undefined) return fallback;
  if (typeof mode !== 'string' || !(allowed as readonly string[]).includes(mode)) {
    throw new MarkersError(
      ErrorCode.INVALID_ARGUMENT,
      `${cmd}: "mode" must be ${allowed.join(' or ')}, got ${JSON.stringify(mode)}`,
      { cmd, mode: String(mode) },
    );
  }
  return mode as M;
}

/** What enable and record report: which threads record, and which could not join (yet). */
function summary(consumer: RecordingConsumer, patterns: readonly string[]) {
  const stats = consumer.stats();
  return {
    patterns,
    mode: consumer.mode,
    threads: stats.threads.map((t) => ({ id: t.threadId, name: t.threadName })),
    errors: stats.errors,
  };
}

export interface RecordingCommands {
  readonly commands: Map<string, ServerCommand>;
  /** For `stats`: the flight recorder and the streaming recordings, with their counters. */
  stats(): ControlResult<'stats'>['recordings'];
}

export function recordingCommands(): RecordingCommands {
  let flight: { consumer: RecordingConsumer; patterns: string[] } | undefined;
  // Flight-recorder changes, one at a time.
  const serial = new SerialQueue();
  const streaming = new Set<StreamingRecording>();
  let starting = 0;
  const commands = new Map<string, ServerCommand>();

  const restartFlight = async (
    patterns: string[],
    args: Record<string, unknown>,
  ): Promise<void> => {
    const old = flight;
    flight = undefined;
    if (patterns.length > 0) {
      const consumer = await RecordingConsumer.start(
        {
          markers: patterns,
          mode: 'overwrite',
          ...optionalNumber(args, 'bufferSize'),
          ...optionalNumber(args, 'timeoutMs'),
        },
        NULL_SINK,
      );
      flight = { consumer, patterns };
    }
    await old?.consumer.stop();
  };

  defineCommand(commands, 'enable', (args) =>
    serial.run(async () => {
      // The flight recorder only overwrites; asking for another mode is an error, not ignored.
      modeArg(args, 'enable', ['overwrite'], 'overwrite');
      const wanted = patternsArg(args, 'enable', true);
      const current = flight?.patterns ?? [];
      const union = [...new Set([...current, ...wanted])];
      if (flight === undefined || union.length !== current.length) {
        await restartFlight(union, args);
      }
      return summary((flight as NonNullable<typeof flight>).consumer, union);
    }),
  );

  defineCommand(commands, 'disable', (args) =>
    serial.run(async () => {
      const removed = patternsArg(args, 'disable', false);
      const current = flight?.patterns ?? [];
      const unknown = removed.filter((p) => !current.includes(p));
      if (unknown.length > 0) {
        throw new MarkersError(
          ErrorCode.INVALID_ARGUMENT,
          `disable: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not enabled (enabled: ${current.join(', ') || 'none'})`,
          { patterns: unknown, enabled: current },
        );
      }
      const left = removed.length === 0 ? [] : current.filter((p) => !removed.includes(p));
      await restartFlight(left, args);
      return { patterns: left };
    }),
  );

  defineCommand(commands, 'snapshot', (_args, { connection, requestId }) =>
    serial.run(async () => {
      if (flight === undefined) {
        throw new MarkersError(
          ErrorCode.INVALID_ARGUMENT,
          'snapshot: the flight recorder is off; turn it on with markers enable PATTERN',
        );
      }
      const stats = await flight.consumer.snapshot(new ConnectionSink(connection, requestId));
      return { patterns: flight.patterns, stats };
    }),
  );

  defineCommand(commands, 'record', async (args, { connection, requestId }) => {
    const patterns = patternsArg(args, 'record', true);
    if (streaming.size + starting >= MAX_STREAMING_RECORDINGS) {
      throw new MarkersError(
        ErrorCode.TOO_MANY_RECORDINGS,
        `record: ${MAX_STREAMING_RECORDINGS} recordings are running in this process, its limit; stop one first`,
        { limit: MAX_STREAMING_RECORDINGS },
      );
    }
    const mode = modeArg(args, 'record', ['discard', 'overwrite'], 'discard');
    let atExit = (_stats: RecordingStats): void => {};
    // Bound once the consumer exists; packets sent before then bring no notice.
    let progress: ProgressNotices | undefined;
    // Counted while starting too, so that requests arriving together cannot all pass the check.
    starting++;
    await knowMainThread();
    const consumer = await RecordingConsumer.start(
      {
        markers: patterns,
        mode,
        ...optionalNumber(args, 'bufferSize'),
        ...optionalNumber(args, 'subBufferSize'),
        ...optionalNumber(args, 'timeoutMs'),
        ...optionalNumber(args, 'flushMs'),
      },
      new ConnectionSink(connection, requestId, args.incremental === true, () =>
        progress?.packetSent(),
      ),
      {
        // The process is exiting: the consumer sent every packet and the
        // trace; the final counters follow, and the main thread's exit waits
        // until they have left the process, so the client's summary is exact.
        exitDrain: true,
        atExit: (stats) => {
          atExit(stats);
          return connection.flush();
        },
      },
    ).finally(() => {
      starting--;
    });
    // Progress only while recording: an idle server holds no timer.
    const notices = new ProgressNotices(() =>
      connection.event(requestId, 'progress', consumer.stats()),
    );
    progress = notices;
    const end = (): Promise<RecordingStats> => {
      notices.stop();
      streaming.delete(entry);
      return consumer.stop();
    };
    const entry: StreamingRecording = { consumer, connection, requestId, patterns, end };
    streaming.add(entry);
    atExit = (stats) => {
      notices.stop();
      streaming.delete(entry);
      connection.event(requestId, 'end', stats);
    };
    // The client went away: stop recording for it (its packets go nowhere).
    connection.onClose(() => {
      if (streaming.has(entry)) void end();
    });
    const described: TraceDescription = consumer.describe();
    return { ...summary(consumer, patterns), uuid: consumer.uuid, trace: toWireTrace(described) };
  });

  defineCommand(commands, 'stop', async (_args, { connection }) => {
    const mine = [...streaming].filter((s) => s.connection === connection);
    if (mine.length === 0) {
      throw new MarkersError(ErrorCode.INVALID_ARGUMENT, 'stop: this connection records nothing');
    }
    const ended = await Promise.all(mine.map(async (s) => ({ s, stats: await s.end() })));
    for (const { s, stats } of ended) connection.event(s.requestId, 'end', stats);
    return { stats: ended.map((e) => e.stats) };
  });

  return {
    commands,
    stats: () => ({
      flight:
        flight === undefined ? null : { patterns: flight.patterns, stats: flight.consumer.stats() },
      streaming: [...streaming].map((s) => ({ patterns: s.patterns, stats: s.consumer.stats() })),
    }),
  };
}
