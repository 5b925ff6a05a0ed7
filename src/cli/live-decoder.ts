/**
 * Decodes packets as they arrive, for `markers tail`, with the trace reader:
 * the metadata for the current stream descriptions is rendered and parsed
 * once per change (a new marker or thread appears), and each stream keeps one
 * reader that is handed its packets in order, so the reader's checks across
 * packets hold and a loss is reported once, where it happened. Records come
 * out per packet, as packets arrive; `markers tail` puts them in time order
 * across threads (time-order.ts).
 */
import type { StreamDescription, TraceDescription } from '../abi/trace-description.js';
import { renderMetadata } from '../trace/metadata.js';
import type { TraceEntry } from '../trace/reader/reader.js';
import { liveStreamReader, type StreamFileReader } from '../trace/reader/stream-file.js';
import { parseTraceModel, type TraceModel } from '../trace/reader/trace-model.js';
import type { PacketInfo, PacketSink } from '../trace/writer.js';

const SOURCE = 'live metadata';

export class LiveDecoder implements PacketSink {
  readonly #streams = new Map<number, StreamDescription>();
  readonly #readers = new Map<number, StreamFileReader>();
  readonly #onRecord: (record: TraceEntry) => void;
  #base: TraceDescription | undefined;
  #model: TraceModel | undefined;
  #modelKey = '';

  constructor(onRecord: (record: TraceEntry) => void) {
    this.#onRecord = onRecord;
  }

  /** The trace's uuid and clock, from the start of the recording. */
  start(trace: TraceDescription): void {
    this.#base = trace;
  }

  async packet(stream: StreamDescription, bytes: Uint8Array, _info?: PacketInfo): Promise<void> {
    if (this.#base === undefined) return;
    this.#streams.set(stream.id, stream);
    const model = this.#currentModel(this.#base);
    let reader = this.#readers.get(stream.id);
    if (reader === undefined) {
      reader = liveStreamReader(model, `stream ${stream.id} (${stream.threadName})`);
      this.#readers.set(stream.id, reader);
    } else {
      reader.updateModel(model);
    }
    for await (const batch of reader.packetsIn(bytes)) {
      for (const record of batch) this.#onRecord(record);
    }
  }

  // Re-parsed only when a stream or an event class was added since the last packet.
  #currentModel(base: TraceDescription): TraceModel {
    const key = [...this.#streams.values()].map((s) => `${s.id}:${s.events.length}`).join(',');
    if (key !== this.#modelKey || this.#model === undefined) {
      const trace = { ...base, streams: [...this.#streams.values()] };
      this.#model = parseTraceModel(renderMetadata(trace), SOURCE, '');
      this.#modelKey = key;
    }
    return this.#model;
  }

  finish(): void {}
}
