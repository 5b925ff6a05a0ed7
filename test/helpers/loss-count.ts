/**
 * Counts for the loss-accounting tests, from each judge: how many events a
 * trace holds and how many it reports as discarded. bt2 (babeltrace2's
 * Python bindings) and our reader count independently; large traces are
 * counted without printing every event.
 */
import { spawnSync } from 'node:child_process';
import { openTrace } from '../../src/trace/reader/reader.js';

const BT2_COUNT = `
import bt2, json, sys
events = 0
discarded = 0
unknown = 0
packets = 0
try:
    for msg in bt2.TraceCollectionMessageIterator(sys.argv[1]):
        if type(msg) is bt2._EventMessageConst:
            events += 1
        elif type(msg) is bt2._DiscardedEventsMessageConst:
            if msg.count is None:
                unknown += 1
            else:
                discarded += msg.count
        elif type(msg) is bt2._DiscardedPacketsMessageConst:
            packets += 1
    status = 0
except Exception as e:
    sys.stderr.write(str(e))
    status = 1
print(json.dumps({"events": events, "discarded": discarded, "packets": packets, "status": status}))
`;

export interface Counts {
  readonly events: number;
  readonly discarded: number;
  /** Notices of lost packets (bt2: messages; ours: packets counted). */
  readonly discardedPackets: number;
  /** bt2: the reading stopped on an error (after `events`). */
  readonly failed: boolean;
  /** Why it failed (our reader: the error's code). */
  readonly error?: string;
}

export function bt2Counts(dir: string): Counts {
  const r = spawnSync('/usr/bin/python3', ['-c', BT2_COUNT, dir], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (line === '') throw new Error(`bt2 count failed on ${dir}: ${r.stderr}`);
  const out = JSON.parse(line) as {
    events: number;
    discarded: number;
    packets: number;
    status: number;
  };
  return {
    events: out.events,
    discarded: out.discarded,
    discardedPackets: out.packets,
    failed: out.status !== 0,
    ...(out.status === 0 ? {} : { error: r.stderr }),
  };
}

export async function ourCounts(dir: string, name?: string): Promise<Counts> {
  let events = 0;
  let discarded = 0;
  let discardedPackets = 0;
  try {
    const trace = await openTrace(dir);
    for await (const r of trace.records()) {
      if (r.type === 'event') {
        if (name === undefined || r.name === name) events++;
      } else if (r.type === 'discarded') {
        discarded += r.events;
        discardedPackets += r.packets;
      }
    }
    return { events, discarded, discardedPackets, failed: false };
  } catch (error) {
    return {
      events,
      discarded,
      discardedPackets,
      failed: true,
      error: String((error as { code?: unknown }).code ?? error),
    };
  }
}
