/**
 * Handing packets to a sink without letting the sink break the recording: a
 * packet the sink refuses (it threw) is lost and counted, its error kept for
 * the stats, and the recording goes on. Every packet of a consumer, drained,
 * copied at stop or at exit, or written into a snapshot, goes through here.
 */

import type { StreamDescription, TraceDescription } from '../../abi/trace-description.js';
import { ErrorCode } from '../../errors/markers-error.js';
import type { PacketSink } from '../../trace/writer.js';

export interface RecordingError {
  readonly code: string;
  readonly message: string;
}

export class Delivery {
  /** The recording's own sink (a snapshot's sink is passed to to()). */
  readonly sink: PacketSink;
  /** The recording's errors (shared with its consumer), where storage errors go. */
  readonly #errors: RecordingError[];
  /** Events in packets the recording's sink threw on. */
  #lost = 0;

  constructor(sink: PacketSink, errors: RecordingError[]) {
    this.sink = sink;
    this.#errors = errors;
  }

  /** Events the recording's sink could not store: those it threw on, and those it counted itself. */
  get lost(): number {
    return this.#lost + (this.sink.lostEvents ?? 0);
  }

  /** Delivers one packet to the recording's sink. */
  packet(description: StreamDescription, bytes: Uint8Array, events: number): Promise<void> {
    return this.to(this.sink, description, bytes, events);
  }

  async to(
    sink: PacketSink,
    description: StreamDescription,
    bytes: Uint8Array,
    events: number,
  ): Promise<void> {
    try {
      await sink.packet(description, bytes, { events });
    } catch (error) {
      // A sink that throws loses this packet, not the recording.
      if (sink === this.sink) this.#lost += events;
      this.fail(error);
    }
  }

  /** Keeps an error thrown by a sink. */
  fail(error: unknown): void {
    this.#errors.push({
      code: (error as { code?: string }).code ?? ErrorCode.TRACE_WRITE,
      message: error instanceof Error ? error.message : String(error),
    });
  }

  /** Finishes the recording's sink; its failure, and the first storage error it kept, go in errors. */
  async finish(trace: TraceDescription): Promise<void> {
    try {
      await this.sink.finish(trace);
    } catch (error) {
      this.fail(error);
    }
    if (this.sink.error !== undefined) {
      const { code, message } = this.sink.error;
      if (!this.#errors.some((e) => e.message === message)) this.#errors.push({ code, message });
    }
  }
}
