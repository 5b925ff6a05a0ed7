/**
 * Our CTF reader: opens a trace directory (metadata + one file per stream)
 * and yields its records merged across streams in timestamp order.
 *
 * Merge: each stream file is a cursor over its current packet's batch of
 * records (already in order within the stream). Each step takes the cursor
 * whose head has the smallest timestamp; ties go to the file that sorts
 * first. Traces have one stream per thread, so a linear scan over the heads
 * beats a heap.
 *
 * Errors: a stream whose file turns out corrupt leaves the merge at the bad
 * packet while the other streams go on; once every readable record has been
 * yielded, the first error is thrown (ERR_TRACE_CORRUPT or
 * ERR_TRACE_UUID_MISMATCH, naming the file and byte offset).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readStreamFile, type StreamStats, type TraceEntry } from './stream-file.js';
import { loadTraceModel, type TraceModel } from './trace-model.js';

export type { FieldValue } from './decode.js';
export type { DiscardedNotice, StreamStats, TraceEntry, TraceEvent } from './stream-file.js';
export type { EventModel, FieldModel, TraceModel } from './trace-model.js';

export interface Trace {
  readonly model: TraceModel;
  /** One entry per stream file; counts grow as records() is iterated. */
  readonly streams: readonly StreamStats[];
  /** Every record of the trace, merged in timestamp order. Iterate once (this or batches()). */
  records(): AsyncGenerator<TraceEntry>;
  /** The same records in merged runs: one await per run instead of one per record. */
  batches(): AsyncGenerator<TraceEntry[]>;
}

interface Cursor {
  readonly batches: AsyncGenerator<TraceEntry[]>;
  batch: TraceEntry[];
  index: number;
}

/** Stream files: every regular file but `metadata` and hidden ones, sorted by name. */
async function streamFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name !== 'metadata' && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** Opens a trace: parses its metadata now (ERR_TRACE_NOT_FOUND, ERR_TRACE_METADATA), reads streams lazily. */
export async function openTrace(dir: string): Promise<Trace> {
  const model = await loadTraceModel(dir);
  const files = await streamFiles(dir);
  const readers = files.map((name) => readStreamFile(model, join(dir, name)));
  const batches = (): AsyncGenerator<TraceEntry[]> =>
    merge(readers.map((r) => ({ batches: r.batches, batch: [], index: 0 })));
  return {
    model,
    streams: readers.map((r) => r.stats),
    batches,
    async *records() {
      for await (const batch of batches()) yield* batch;
    },
  };
}

/** Records per merged run at most, so that a consumer sees progress on huge packets too. */
const RUN = 4096;

async function* merge(all: Cursor[]): AsyncGenerator<TraceEntry[]> {
  const errors: unknown[] = [];
  /** Loads the cursor's next non-empty batch; false once it is exhausted or failed. */
  const refill = async (cursor: Cursor): Promise<boolean> => {
    try {
      for (;;) {
        const next = await cursor.batches.next();
        if (next.done === true) return false;
        if (next.value.length > 0) {
          cursor.batch = next.value;
          cursor.index = 0;
          return true;
        }
      }
    } catch (error) {
      errors.push(error);
      return false;
    }
  };
  let live: Cursor[] = [];
  for (const cursor of all) if (await refill(cursor)) live.push(cursor);
  try {
    let run: TraceEntry[] = [];
    while (live.length > 0) {
      let best = live[0] as Cursor;
      for (let i = 1; i < live.length; i++) {
        const cursor = live[i] as Cursor;
        if (
          (cursor.batch[cursor.index] as TraceEntry).timestamp <
          (best.batch[best.index] as TraceEntry).timestamp
        ) {
          best = cursor;
        }
      }
      run.push(best.batch[best.index] as TraceEntry);
      best.index++;
      if (best.index === best.batch.length || run.length === RUN) {
        // Hand the run over before awaiting a stream file: no record waits on I/O.
        yield run;
        run = [];
        if (best.index === best.batch.length && !(await refill(best))) {
          live = live.filter((c) => c !== best);
        }
      }
    }
  } finally {
    // Closing early (a consumer's break) closes every stream file.
    for (const cursor of all) await cursor.batches.return(undefined);
  }
  if (errors.length > 0) throw errors[0];
}
