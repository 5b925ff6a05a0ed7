/**
 * One aggregation in one thread: the subscription that puts a sink on every
 * matching marker (a probe link, so it composes with probes and recorders
 * and shows in `markers list` as call mode), the group table, and, for
 * latency, the pending starts.
 *
 * Every field a marker's sink needs (by, hist, key, where) is resolved and
 * type-checked when the sink is built, once per marker. check() builds them
 * for the markers that exist now before anything is attached, so a bad
 * field fails the whole start; a marker declared later that does not fit is
 * skipped, and listed.
 */

import {
  AggregateKind,
  type AggregateSpec,
  type PartSnapshot,
  type SkippedMarker,
  type ThreadRef,
} from '../../abi/aggregate.js';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { type Field, FieldType } from '../../marker/format.js';
import { keyIndex, timedIndex } from '../../pairing/rule.js';
import {
  type Link,
  LinkKind,
  type MarkerEntryView,
  type Subscription,
} from '../../registry/link.js';
import { compilePattern, type Pattern } from '../../registry/pattern.js';
import { compileWhere, findField, type Predicate } from '../where/compile.js';
import { parseWhere, type WhereNode } from '../where/parse.js';
import { type FusedPlan, fusedLink, type KeyPlan, type LinkFn, type ValuePlan } from './fused.js';
import { latencyStartLink } from './fused-latency.js';
import { type Group, GroupTable } from './group.js';
import { PendingStarts } from './pending.js';
import { type Frame, makeShell, NUM, newFrame, type Scratch, type Sink } from './shell.js';

type Read = (s: Scratch) => unknown;

// The latency clock. `performance` is an accessor on globalThis in Node, and
// reading it cost about 6 ns per event (Node 24), as much as the rest of a
// start: the object is read once, here (this module loads on the first
// start). Its `now` is still looked up per call, so a replaced now() counts.
const clock: typeof performance = performance;

function fieldError(marker: string, what: string, field: string): MarkersError {
  return new MarkersError(ErrorCode.AGGREGATE_FIELD, `marker "${marker}" ${what}`, {
    marker,
    field,
  });
}

function fieldList(fields: readonly Field[]): string {
  return fields.map((f) => `${f.name} (%${f.spec})`).join(', ') || 'none';
}

/** What a marker's sink is built with: its frame, and the field indexes it reads. */
interface Build {
  readonly frame: Frame;
  readonly used: Set<number>;
}

/** A group key read from field `name`, normalised by the field's type so that keys compare by value. */
function keyReader(entry: MarkerEntryView, name: string, role: string, build: Build): Read {
  const ref = findField(entry.fields, name);
  if (ref === undefined) {
    throw fieldError(
      entry.name,
      `has no field "${name}" for ${role} (fields: ${fieldList(entry.fields)})`,
      name,
    );
  }
  if (ref.kind === 'name') {
    const constant = entry.name;
    return () => constant;
  }
  const i = ref.index;
  build.used.add(i);
  const numbers = build.frame.numbers;
  switch (ref.type) {
    case FieldType.INT64:
    case FieldType.UINT64:
    case FieldType.FLOAT64:
      return (s) => {
        const v = s[i];
        return v === NUM ? numbers[i] : numberKey(v);
      };
    case FieldType.STRING:
      return (s) => {
        const v = s[i];
        return typeof v === 'string' ? v : stringKey(v);
      };
    case FieldType.BOOL:
      return (s) => s[i] === true;
    default:
      throw fieldError(
        entry.name,
        `field "${name}" is JSON (%j); ${role} needs a scalar field`,
        name,
      );
  }
}

/** What keyReader reads, for the generated path (fused.ts); the field is checked by keyReader first. */
function keyPlan(entry: MarkerEntryView, name: string): KeyPlan {
  const ref = findField(entry.fields, name);
  if (ref === undefined || ref.kind === 'name') return { kind: 'constant', value: entry.name };
  switch (ref.type) {
    case FieldType.STRING:
      return { kind: 'string', index: ref.index };
    case FieldType.BOOL:
      return { kind: 'bool', index: ref.index };
    default:
      return { kind: 'number', index: ref.index };
  }
}

/** A where operand's number that is not a number value: a bigint's nearest number, else NaN. */
function toNumber(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : Number.NaN;
}

const FUSED_HELPERS = { numberKey, stringKey, toNumber, clock };

function numberKey(v: unknown): unknown {
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return typeof v === 'boolean' ? Number(v) : Number.NaN;
}

// No user code runs here (no toString of an object): the value came from the application.
function stringKey(v: unknown): string {
  switch (typeof v) {
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return String(v);
    default:
      return v === null ? 'null' : `[${typeof v}]`;
  }
}

function numericIndex(entry: MarkerEntryView, name: string, build: Build): number {
  const index = entry.fields.findIndex((f) => f.name === name);
  const field = entry.fields[index];
  if (field === undefined) {
    throw fieldError(
      entry.name,
      `has no field "${name}" to build a histogram of (fields: ${fieldList(entry.fields)})`,
      name,
    );
  }
  if (
    field.type !== FieldType.INT64 &&
    field.type !== FieldType.UINT64 &&
    field.type !== FieldType.FLOAT64
  ) {
    throw fieldError(
      entry.name,
      `field "${name}" is %${field.spec}; a histogram needs a number (%d %i %u %x %f)`,
      name,
    );
  }
  build.used.add(index);
  return index;
}

/** `a_end` -> `a`, `a_start` -> `a`: what pairs an x_start with its x_end. */
function pairName(name: string, suffix: string): string {
  return name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}

function union(patterns: readonly string[]): Pattern {
  const compiled = patterns.map((p) => compilePattern(p));
  return {
    source: patterns.join(','),
    exact: false,
    matches: (name) => compiled.some((p) => p.matches(name)),
  };
}

export class ThreadAggregation implements Subscription {
  readonly kind = LinkKind.PROBE;
  seq = 0;
  readonly spec: AggregateSpec;
  readonly matcher: Pattern;
  readonly #starts: Pattern;
  readonly #ends: Pattern | undefined;
  readonly #where: WhereNode | null;
  readonly #table: GroupTable;
  readonly #pairs = new Map<string, PendingStarts>();
  readonly #thread: ThreadRef;
  readonly #markers = new Set<string>();
  readonly #skipped: SkippedMarker[] = [];
  errors = 0;

  constructor(spec: AggregateSpec, thread: ThreadRef) {
    this.spec = spec;
    this.#thread = thread;
    this.#starts = union(spec.markers);
    if (spec.kind === AggregateKind.LATENCY) {
      const ends =
        spec.end !== null ? [spec.end] : spec.markers.map((p) => `${pairName(p, '_start')}_end`);
      this.#ends = union(ends);
      this.matcher = union([...spec.markers, ...ends]);
    } else {
      this.#ends = undefined;
      this.matcher = this.#starts;
    }
    this.#where = spec.where === null ? null : parseWhere(spec.where);
    this.#table = new GroupTable(
      spec.by.length,
      spec.kind !== AggregateKind.COUNT,
      spec.linear,
      spec.maxGroups,
      spec.bounds ?? null,
    );
  }

  /** Builds the sinks of these markers without attaching anything; throws the first problem. */
  check(entries: Iterable<MarkerEntryView>): void {
    for (const entry of entries) {
      if (this.matcher.matches(entry.name)) this.#sink(entry, this.#newBuild(entry));
    }
  }

  bind(entry: MarkerEntryView): Link | undefined {
    let sink: Sink;
    const build = this.#newBuild(entry);
    try {
      sink = this.#sink(entry, build);
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      this.#skipped.push({
        marker: entry.name,
        code: typeof e.code === 'string' ? e.code : 'ERR_HANDLER_FAILED',
        message: String(e.message),
      });
      return undefined;
    }
    this.#markers.add(entry.name);
    // Every marker gets one generated function; a process that forbids code
    // generation uses the shell and the sink, which do the same.
    const fused = this.#fused(entry);
    return {
      kind: LinkKind.PROBE,
      fn:
        fused ??
        makeShell(entry.fields.length, build.frame, build.used, this.#numeric(entry), sink),
      subscription: this,
    };
  }

  settle(): void {
    // Sinks return nothing: no promise to track.
  }

  fail(): void {
    this.errors++;
  }

  /** The generated link of a marker whose sink #sink has built (and so checked), or null. */
  #fused(entry: MarkerEntryView): LinkFn | null {
    if (this.#ends === undefined) {
      const hist = this.spec.hist;
      return fusedLink(
        this.#plan(
          entry,
          hist === null
            ? { kind: 'count' }
            : { kind: 'field', index: entry.fields.findIndex((f) => f.name === hist) },
        ),
        FUSED_HELPERS,
      );
    }
    const field = this.#keyField(entry);
    const key = field === undefined ? null : keyPlan(entry, field);
    if (this.#starts.matches(entry.name)) {
      const pair = this.#pair(this.#pairId(entry.name, '_start'));
      return latencyStartLink({ arity: entry.fields.length, key, pair }, FUSED_HELPERS);
    }
    // The same choices as #endSink, which has run: timed, else by key, else by nesting.
    const pair = this.#pair(this.#pairId(entry.name, '_end'));
    const ms = timedIndex(entry, this.spec.key ?? undefined);
    return fusedLink(
      this.#plan(
        entry,
        ms >= 0 ? { kind: 'timed', index: ms, pair } : { kind: 'elapsed', key, pair },
      ),
      FUSED_HELPERS,
    );
  }

  /** The generated path's plan; #sink has checked every field it names. */
  #plan(entry: MarkerEntryView, value: ValuePlan): FusedPlan {
    return {
      arity: entry.fields.length,
      fields: entry.fields,
      markerName: entry.name,
      where: this.#where,
      keys: this.spec.by.map((name) => keyPlan(entry, name)),
      value,
      table: this.#table,
    };
  }

  #newBuild(entry: MarkerEntryView): Build {
    return { frame: newFrame(entry.fields.length), used: new Set() };
  }

  /** Fields whose format makes them numbers: the shell stores those unboxed. */
  #numeric(entry: MarkerEntryView): Set<number> {
    const out = new Set<number>();
    entry.fields.forEach((f, i) => {
      if (
        f.type === FieldType.INT64 ||
        f.type === FieldType.UINT64 ||
        f.type === FieldType.FLOAT64
      ) {
        out.add(i);
      }
    });
    return out;
  }

  #predicate(entry: MarkerEntryView, build: Build): Predicate | null {
    if (this.#where === null || this.spec.where === null) return null;
    return compileWhere(
      this.#where,
      this.spec.where,
      entry.fields,
      entry.name,
      build.frame,
      build.used,
    );
  }

  #sink(entry: MarkerEntryView, build: Build): Sink {
    if (this.#ends !== undefined) {
      // A marker matching both patterns is a start: one marker cannot pair with itself.
      return this.#starts.matches(entry.name)
        ? this.#startSink(entry, build)
        : this.#endSink(entry, build);
    }
    const where = this.#predicate(entry, build);
    const reads = this.spec.by.map((name) => keyReader(entry, name, 'by', build));
    const find = this.#finder(reads);
    if (this.spec.hist === null) {
      if (where === null) return (s) => void find(s).count++;
      return (s) => {
        if (where(s)) find(s).count++;
      };
    }
    const h = numericIndex(entry, this.spec.hist, build);
    const numbers = build.frame.numbers;
    // The value goes to add() unboxed when the shell stored a number.
    if (where === null) {
      return (s) => {
        const v = s[h];
        if (v === NUM) find(s).addAt(numbers, h);
        else find(s).add(v);
      };
    }
    return (s) => {
      if (!where(s)) return;
      const v = s[h];
      if (v === NUM) find(s).addAt(numbers, h);
      else find(s).add(v);
    };
  }

  #finder(reads: readonly Read[]): (s: Scratch) => Group {
    const table = this.#table;
    if (reads.length === 0) {
      const single = table.single;
      return () => single;
    }
    if (reads.length === 1) {
      const r0 = reads[0] as Read;
      return (s) => table.find1(r0(s));
    }
    return (s) => table.findN(s, reads);
  }

  #pair(id: string): PendingStarts {
    let pair = this.#pairs.get(id);
    if (pair === undefined) {
      pair = new PendingStarts(this.spec.maxPending);
      this.#pairs.set(id, pair);
    }
    return pair;
  }

  /** The key field of one side, as pairing/rule.ts resolves it (--key, declared, id, key). */
  #keyField(entry: MarkerEntryView): string | undefined {
    // An explicit key the marker lacks is an error here, as ever: keyReader says so.
    if (this.spec.key !== null) return this.spec.key;
    return entry.fields[keyIndex(entry)]?.name;
  }

  #pairId(name: string, suffix: string): string {
    return this.spec.end === null ? pairName(name, suffix) : '';
  }

  #startSink(entry: MarkerEntryView, build: Build): Sink {
    const pair = this.#pair(this.#pairId(entry.name, '_start'));
    const field = this.#keyField(entry);
    // `timed` is known only once the end is bound, which may be later: read per event.
    if (field === undefined) {
      pair.useStack();
      return () => {
        if (pair.timed) pair.timedStarts++;
        else pair.push(clock.now());
      };
    }
    const key = keyReader(entry, field, 'the latency key', build);
    return (s) => {
      if (pair.timed) pair.timedStarts++;
      else pair.startKey(key(s), clock.now());
    };
  }

  #endSink(entry: MarkerEntryView, build: Build): Sink {
    // The latency travels to the group unboxed, as a field value does.
    const elapsed = new Float64Array(1);
    const pair = this.#pair(this.#pairId(entry.name, '_end'));
    const where = this.#predicate(entry, build);
    const find = this.#finder(this.spec.by.map((name) => keyReader(entry, name, 'by', build)));
    const ms = timedIndex(entry, this.spec.key ?? undefined);
    if (ms >= 0) {
      // Timed: the runtime joined this end to its start and measured `ms`; no clock read here.
      pair.useTimed();
      build.used.add(ms);
      const numbers = build.frame.numbers;
      return (s) => {
        pair.timedEnds++;
        if (where !== null && !where(s)) return;
        const v = s[ms];
        if (v === NUM) find(s).addAt(numbers, ms);
        else find(s).add(v);
      };
    }
    const field = this.#keyField(entry);
    if (field === undefined) {
      return (s) => {
        const t1 = clock.now();
        const t = pair.pop();
        if (t < 0 || (where !== null && !where(s))) return;
        elapsed[0] = t1 - t;
        find(s).addLater(elapsed, 0);
      };
    }
    const key = keyReader(entry, field, 'the latency key', build);
    return (s) => {
      const t1 = clock.now();
      const t = pair.endKey(key(s));
      if (t < 0 || (where !== null && !where(s))) return;
      elapsed[0] = t1 - t;
      find(s).addLater(elapsed, 0);
    };
  }

  snapshot(): PartSnapshot {
    let latency: PartSnapshot['latency'] = null;
    if (this.#ends !== undefined) {
      let pending = 0;
      let evicted = 0;
      let unmatchedEnds = 0;
      for (const pair of this.#pairs.values()) {
        pending += pair.pending;
        evicted += pair.evicted;
        unmatchedEnds += pair.unmatchedEnds;
      }
      latency = { pending, evicted, unmatchedEnds };
    }
    this.#table.flush();
    const groups = this.#table.groups.filter((g) => g.count > 0 || g.invalid > 0);
    return {
      thread: this.#thread,
      groups: groups.map((g) => g.snapshot()),
      other: this.#table.other === null ? null : this.#table.other.snapshot(),
      errors: this.errors,
      markers: [...this.#markers],
      skipped: [...this.#skipped],
      latency,
    };
  }
}
