/**
 * Where converters write: a buffered sink over a Node writable stream (a
 * file or stdout). Chunks are gathered up to BUFFER_BYTES, then written;
 * when the stream asks for back-pressure the converter waits for 'drain', so
 * memory stays bounded whatever the trace size.
 */
import { once } from 'node:events';

const BUFFER_BYTES = 64 * 1024;

export interface Sink {
  /** Buffers a chunk; synchronous, so that a converter awaits only when `full`. */
  write(chunk: string | Uint8Array): void;
  /** The buffer has reached its size: call flush() before writing more. */
  readonly full: boolean;
  /** Writes what is buffered and waits for the stream to accept it. */
  flush(): Promise<void>;
}

export class StreamSink implements Sink {
  private chunks: Uint8Array[] = [];
  /** Text chunks are joined as strings and encoded once per flush, not once per line. */
  private text = '';
  private size = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  get full(): boolean {
    return this.size >= BUFFER_BYTES;
  }

  write(chunk: string | Uint8Array): void {
    if (typeof chunk === 'string') {
      this.text += chunk;
      this.size += chunk.length;
    } else {
      this.takeText();
      this.chunks.push(chunk);
      this.size += chunk.length;
    }
  }

  private takeText(): void {
    if (this.text === '') return;
    this.chunks.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }

  async flush(): Promise<void> {
    this.takeText();
    if (this.chunks.length === 0) return;
    const data =
      this.chunks.length === 1 ? (this.chunks[0] as Uint8Array) : Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }
}
