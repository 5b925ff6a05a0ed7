/**
 * Where converters write: a buffered sink over a Node writable stream (a
 * file or stdout). Chunks are gathered up to BUFFER_BYTES, then written;
 * when the stream asks for back-pressure the converter waits for 'drain', so
 * memory stays bounded whatever the trace size.
 */
import { once } from 'node:events';

const BUFFER_BYTES = 64 * 1024;
const encoder = new TextEncoder();

export interface Sink {
  write(chunk: string | Uint8Array): Promise<void>;
  /** Writes what is buffered and waits for it to be accepted. */
  flush(): Promise<void>;
}

export class StreamSink implements Sink {
  private chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  async write(chunk: string | Uint8Array): Promise<void> {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    this.chunks.push(bytes);
    this.size += bytes.length;
    if (this.size >= BUFFER_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }
}
