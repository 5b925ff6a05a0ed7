/**
 * The converter contract: a formatter turns trace entries, in trace order, into
 * output chunks, holding only the state its format needs (the previous
 * timestamp, open slices). convert() drives one over a trace into a sink.
 */
import type { Trace, TraceEntry } from '../reader/reader.js';
import type { Sink } from './sink.js';

export interface Formatter {
  /** Called once before the first entry. */
  start?(): string | Uint8Array | undefined;
  entry(entry: TraceEntry): string | Uint8Array | undefined;
  /** Called once after the last entry, also when reading failed. */
  end?(): string | Uint8Array | undefined;
}

export interface ConvertSummary {
  events: number;
  discardedEvents: number;
  discardedPackets: number;
}

/**
 * Streams every record of `trace` through `formatter` into `sink`. On a
 * corrupt trace, what was readable is formatted and flushed before the error
 * is rethrown.
 */
export async function runFormatter(
  trace: Trace,
  formatter: Formatter,
  sink: Sink,
): Promise<ConvertSummary> {
  const summary: ConvertSummary = { events: 0, discardedEvents: 0, discardedPackets: 0 };
  const head = formatter.start?.();
  if (head !== undefined) sink.write(head);
  try {
    for await (const batch of trace.batches()) {
      for (const record of batch) {
        if (record.type === 'event') summary.events++;
        else {
          summary.discardedEvents += record.events;
          summary.discardedPackets += record.packets;
        }
        const chunk = formatter.entry(record);
        if (chunk !== undefined) sink.write(chunk);
        if (sink.full) await sink.flush();
      }
    }
  } finally {
    const tail = formatter.end?.();
    if (tail !== undefined) sink.write(tail);
    await sink.flush();
  }
  return summary;
}
