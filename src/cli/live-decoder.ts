/**
 * Decodes packets as they arrive, for `markers tail`, with the trace
 * reader: the metadata for the current stream descriptions is rendered into
 * a private temporary directory and parsed once per change (a new marker
 * appears), and each packet is written there as a one-packet stream file and
 * read back. Records come out per packet, as packets arrive; `markers tail`
 * puts them in time order across threads (time-order.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  renderMetadata,
  type StreamDescription,
  type TraceDescription,
} from '../trace/metadata.js';
import type { TraceRecord } from '../trace/reader/reader.js';
import { readStreamFile } from '../trace/reader/stream-file.js';
import { loadTraceModel, type TraceModel } from '../trace/reader/trace-model.js';
import type { PacketInfo, PacketSink } from '../trace/writer.js';

export class LiveDecoder implements PacketSink {
  readonly #dir = mkdtempSync(join(tmpdir(), 'markers-tail-'));
  readonly #streams = new Map<number, StreamDescription>();
  readonly #onRecord: (record: TraceRecord) => void;
  #base: TraceDescription | undefined;
  #model: TraceModel | undefined;
  #modelKey = '';

  constructor(onRecord: (record: TraceRecord) => void) {
    this.#onRecord = onRecord;
  }

  /** The trace's uuid and clock, from the start of the recording. */
  start(trace: TraceDescription): void {
    this.#base = trace;
  }

  async packet(stream: StreamDescription, bytes: Uint8Array, _info?: PacketInfo): Promise<void> {
    if (this.#base === undefined) return;
    this.#streams.set(stream.id, stream);
    const key = [...this.#streams.values()].map((s) => `${s.id}:${s.events.length}`).join(',');
    if (key !== this.#modelKey || this.#model === undefined) {
      const trace = { ...this.#base, streams: [...this.#streams.values()] };
      writeFileSync(join(this.#dir, 'metadata'), renderMetadata(trace));
      this.#model = await loadTraceModel(this.#dir);
      this.#modelKey = key;
    }
    const file = join(this.#dir, 'packet');
    writeFileSync(file, bytes);
    for await (const batch of readStreamFile(this.#model, file).batches) {
      for (const record of batch) this.#onRecord(record);
    }
  }

  finish(): void {
    this.close();
  }

  close(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
