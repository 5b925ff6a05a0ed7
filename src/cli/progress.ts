/**
 * The one-line progress display of long commands: elapsed time, events,
 * bytes and lost events, redrawn in place on stderr. Shown only when stderr
 * is a TTY and --json is off; otherwise every call is a no-op.
 */
import type { RecordingStatsReply as RecordingStats } from '../abi/control-commands.js';
import type { CommandContext } from './command.js';
import { formatBytes, formatDuration, paint } from './format.js';

export class Progress {
  readonly #context: CommandContext;
  readonly #enabled: boolean;
  #shown = false;

  constructor(context: CommandContext) {
    this.#context = context;
    this.#enabled = context.stderr.isTTY === true && !context.json;
  }

  update(stats: RecordingStats, received: { events: number; bytes: number }): void {
    if (!this.#enabled) return;
    const lost = stats.discarded + stats.lost;
    const lostText = `lost ${lost}`;
    const line = `recording ${formatDuration(stats.elapsedMs)}  events ${received.events} (${stats.recorded} recorded)  ${formatBytes(received.bytes)}  ${lost > 0 ? paint(this.#context, '33', lostText) : lostText}`;
    this.#context.stderr.write(`\r\x1b[K${line}`);
    this.#shown = true;
  }

  clear(): void {
    if (this.#shown) this.#context.stderr.write('\r\x1b[K');
    this.#shown = false;
  }
}
