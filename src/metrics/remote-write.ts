/**
 * Push, for hosts Prometheus cannot reach: the Prometheus remote-write
 * protocol 1.0 (a snappy-compressed protobuf `WriteRequest` POSTed to the
 * receiver). The same families a scrape serves are sent every interval, as
 * samples timestamped at collection.
 *
 * The protobuf is written with the project's own ProtoWriter (the same one
 * the Perfetto converter uses): `WriteRequest { repeated TimeSeries
 * timeseries = 1 }`, `TimeSeries { repeated Label labels = 1; repeated
 * Sample samples = 2 }`, `Label { string name = 1; string value = 2 }`,
 * `Sample { double value = 1; int64 timestamp = 2 }`. Snappy comes from the
 * `snappy` package, looked up when --remote-write is first used, so nobody
 * who does not push installs a native module.
 */
import { createRequire } from 'node:module';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { ProtoWriter } from '../trace/convert/protobuf.js';
import { formatBound, type Labels, type MetricFamily } from './exposition.js';

interface Snappy {
  compressSync(input: Uint8Array): Uint8Array;
}

/** Loads `snappy` from the CLI's own tree or the working directory, at call time. */
export function loadSnappy(cwd: string = process.cwd()): Snappy {
  for (const base of [import.meta.url, `${cwd}/`]) {
    try {
      return createRequire(base)('snappy') as Snappy;
    } catch {
      // Try the next place.
    }
  }
  throw new MarkersError(
    ErrorCode.REMOTE_WRITE,
    "--remote-write needs the 'snappy' package (remote write is snappy-compressed): npm install snappy",
    { package: 'snappy' },
  );
}

type Series = { labels: Labels; value: number };

/** Flattens families into remote-write series: counters as `_total`, histograms as `_bucket{le}`, `_sum`, `_count`. */
export function toSeries(families: readonly MetricFamily[]): Series[] {
  const out: Series[] = [];
  const withName = (name: string, labels: Labels): Labels => [['__name__', name], ...labels];
  for (const family of families) {
    if (family.type === 'histogram') {
      for (const s of family.samples) {
        s.bounds.forEach((bound, i) => {
          out.push({
            // The OpenMetrics form ("10.0"), as a scrape by Prometheus stores it, so one query fits both.
            labels: withName(`${family.name}_bucket`, [
              ...s.labels,
              ['le', formatBound(bound, true)],
            ]),
            value: s.cumulative[i] ?? 0,
          });
        });
        out.push({
          labels: withName(`${family.name}_bucket`, [...s.labels, ['le', '+Inf']]),
          value: s.count,
        });
        out.push({ labels: withName(`${family.name}_sum`, s.labels), value: s.sum });
        out.push({ labels: withName(`${family.name}_count`, s.labels), value: s.count });
      }
      continue;
    }
    const name = family.type === 'counter' ? `${family.name}_total` : family.name;
    for (const s of family.samples) out.push({ labels: withName(name, s.labels), value: s.value });
  }
  return out;
}

/** The uncompressed WriteRequest. Labels are sorted by name, as the protocol requires. */
export function encodeWriteRequest(series: readonly Series[], timestampMs: number): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) {
    w.begin(1);
    const labels = [...s.labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, value] of labels) w.begin(1).string(1, name).string(2, value).end();
    w.begin(2)
      .double(1, s.value)
      .varint(2, BigInt(Math.trunc(timestampMs)))
      .end();
    w.end();
  }
  return w.take();
}

export interface RemoteWriter {
  /** Sends one collection; rejects with ERR_REMOTE_WRITE naming the receiver's answer. */
  push(families: readonly MetricFamily[]): Promise<void>;
}

export function remoteWriter(url: string, snappy: Snappy = loadSnappy()): RemoteWriter {
  return {
    async push(families) {
      const body = snappy.compressSync(encodeWriteRequest(toSeries(families), Date.now()));
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-protobuf',
            'content-encoding': 'snappy',
            'x-prometheus-remote-write-version': '0.1.0',
            'user-agent': 'markers-metrics',
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw new MarkersError(
          ErrorCode.REMOTE_WRITE,
          `remote write to ${url} failed: ${(error as Error).message}`,
          { url },
        );
      }
      if (!res.ok) {
        const text = (await res.text()).slice(0, 300).trim();
        throw new MarkersError(
          ErrorCode.REMOTE_WRITE,
          `remote write to ${url}: HTTP ${res.status}${text === '' ? '' : `: ${text}`}`,
          { url, status: res.status },
        );
      }
      await res.arrayBuffer();
    },
  };
}
