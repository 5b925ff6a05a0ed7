/**
 * One generated function per (marker, aggregation) for count and histogram
 * aggregations, and for the end marker of a latency pair (whose value is
 * the time since its start; the start's function is in fused-latency.ts):
 * the where test, the group lookup and the accumulation in one body that
 * takes the marker's arguments as parameters. The closure
 * path (shell.ts + the sinks of thread-aggregation.ts) costs a call per
 * step (shell, sink, finder, key reader, predicate node), and on Node 20
 * V8's inlining budget ran out inside that chain: a double crossed a call
 * boxed, one allocation per event. Here V8 sees one small function.
 *
 * The source is built from a where tree that compileWhere has already
 * checked against the marker's fields, never from the expression's text:
 * what goes into it is parameter names (`a` + index), names of our own
 * constants (`c` + index, `g` + index) and operators picked from the table
 * below. Literal values, glob matchers and the marker's name reach the
 * function as values in `env`, not as text. Where code generation is
 * forbidden (a CSP without unsafe-eval, --disallow-code-generation-from-
 * strings) fusedLink returns null and the closure path serves, slower.
 */
import type { Field } from '../../marker/format.js';
import { findField, relation, valueTypeOf } from '../where/compile.js';
import { globMatcher } from '../where/glob.js';
import type { Operand, WhereNode } from '../where/parse.js';
import { BATCH, type GroupTable } from './group.js';
import type { PendingStarts } from './pending.js';

/** How one `by` field becomes a key (as keyReader in thread-aggregation.ts). */
export type KeyPlan =
  | { readonly kind: 'constant'; readonly value: unknown }
  | { readonly kind: 'number' | 'string' | 'bool'; readonly index: number };

/**
 * What an event adds to its group: one to the count, a field's value to the
 * histogram, or, for the end of a latency pair, the time since its start
 * (taken from `pair` by the key, or by nesting when key is null), or a timed
 * end's own `ms` field (rule 2 of pairing/rule.ts; `pair` counts it).
 */
export type ValuePlan =
  | { readonly kind: 'count' }
  | { readonly kind: 'field'; readonly index: number }
  | { readonly kind: 'elapsed'; readonly key: KeyPlan | null; readonly pair: PendingStarts }
  | { readonly kind: 'timed'; readonly index: number; readonly pair: PendingStarts };

export interface FusedPlan {
  readonly arity: number;
  readonly fields: readonly Field[];
  readonly markerName: string;
  /** Checked by compileWhere for these fields before this is built. */
  readonly where: WhereNode | null;
  readonly keys: readonly KeyPlan[];
  readonly value: ValuePlan;
  readonly table: GroupTable;
}

export type LinkFn = (marker: never, ...args: never[]) => void;

/** What the latency clock must offer: its `now` is looked up per read, so a replaced one counts. */
export interface Clock {
  now(): number;
}

export interface Helpers {
  readonly numberKey: (v: unknown) => unknown;
  readonly stringKey: (v: unknown) => string;
  readonly toNumber: (v: unknown) => number;
  readonly clock: Clock;
}

interface Env extends Helpers {
  readonly table: GroupTable | null;
  readonly small: readonly unknown[];
  readonly single: unknown;
  readonly f: Float64Array;
  readonly keyBox: unknown[];
  readonly consts: unknown[];
  /** The pending starts of a latency pair, or null. */
  readonly p: PendingStarts | null;
  readonly byKey: Map<unknown, number> | null;
  readonly cap: number;
}

type Factory = (env: Env) => LinkFn;

/** Factories by source: markers of one shape share compiled code. null: generation is forbidden. */
const factories = new Map<string, Factory | null>();

/** The generated operator for each relation; nothing else is ever emitted for an operator. */
const OPERATORS: Readonly<Partial<Record<string, string>>> = {
  '==': '===',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

interface Side {
  readonly type: 'number' | 'string' | 'bool';
  /** An expression of generated names only. */
  readonly code: string;
  readonly constant?: { readonly value: unknown };
  /** The parameter name of a field, for its typeof test. */
  readonly param?: string;
}

export class Builder {
  readonly consts: unknown[] = [];
  /** Number fields the where reads, converted once at the top of the body. */
  readonly numbers = new Set<number>();

  constant(value: unknown): string {
    this.consts.push(value);
    return `c${this.consts.length - 1}`;
  }

  side(o: Operand, fields: readonly Field[], markerName: string): Side {
    switch (o.type) {
      case 'number':
        return { type: 'number', code: this.constant(o.value), constant: { value: o.value } };
      case 'string':
        return { type: 'string', code: this.constant(o.value), constant: { value: o.value } };
      case 'bool':
        return { type: 'bool', code: this.constant(o.value), constant: { value: o.value } };
      case 'field': {
        const ref = findField(fields, o.name);
        if (ref === undefined) throw new Error('where field not checked');
        if (ref.kind === 'name') {
          return {
            type: 'string',
            code: this.constant(markerName),
            constant: { value: markerName },
          };
        }
        const type = valueTypeOf(ref.type);
        if (type === undefined) throw new Error('where field not checked');
        const i = checkedIndex(ref.index);
        if (type === 'number') {
          this.numbers.add(i);
          return { type, code: `n${i}` };
        }
        return { type, code: `a${i}`, param: `a${i}` };
      }
    }
  }

  where(node: WhereNode, fields: readonly Field[], markerName: string): string {
    switch (node.type) {
      case 'or':
        return `(${this.where(node.left, fields, markerName)} || ${this.where(node.right, fields, markerName)})`;
      case 'and':
        return `(${this.where(node.left, fields, markerName)} && ${this.where(node.right, fields, markerName)})`;
      case 'not':
        return `!${this.where(node.operand, fields, markerName)}`;
      case 'test': {
        const o = this.side(node.operand, fields, markerName);
        if (o.constant !== undefined) return o.constant.value === true ? 'true' : 'false';
        return `(${o.code} === true)`;
      }
      case 'compare':
        return this.compare(node, fields, markerName);
    }
  }

  compare(
    node: Extract<WhereNode, { type: 'compare' }>,
    fields: readonly Field[],
    markerName: string,
  ): string {
    const l = this.side(node.left, fields, markerName);
    const r = this.side(node.right, fields, markerName);
    const op = node.op;
    if (op === '~') {
      const pattern = r.constant?.value as string;
      const match = globMatcher(pattern);
      if (l.constant !== undefined) return match(l.constant.value as string) ? 'true' : 'false';
      const m = this.constant(match);
      return `(typeof ${l.code} === 'string' && ${m}(${l.code}))`;
    }
    if (l.constant !== undefined && r.constant !== undefined) {
      return relation(op, l.type)(l.constant.value, r.constant.value) ? 'true' : 'false';
    }
    // Strings and booleans from a JavaScript caller may be of another type: false, as NaN is.
    const guards = [l, r]
      .filter((s) => s.param !== undefined)
      .map((s) => `typeof ${s.param} === '${l.type === 'bool' ? 'boolean' : 'string'}'`);
    let test: string;
    if (op === '!=') {
      // NaN != NaN stays false: a wrong or missing value never passes a filter.
      test =
        l.type === 'number'
          ? `${l.code} !== ${r.code} && ${l.code} === ${l.code} && ${r.code} === ${r.code}`
          : `${l.code} !== ${r.code}`;
    } else {
      const operator = OPERATORS[op];
      if (operator === undefined) throw new Error(`no operator for ${JSON.stringify(op)}`);
      test = `${l.code} ${operator} ${r.code}`;
    }
    return `(${[...guards, test].join(' && ')})`;
  }
}

export function checkedIndex(i: number): number {
  if (!Number.isSafeInteger(i) || i < 0) throw new Error(`bad field index ${i}`);
  return i;
}

export function keyCode(key: KeyPlan, b: Builder): string {
  switch (key.kind) {
    case 'constant':
      return b.constant(key.value);
    case 'number': {
      const a = `a${checkedIndex(key.index)}`;
      return `(typeof ${a} === 'number' ? ${a} : numberKey(${a}))`;
    }
    case 'string': {
      const a = `a${checkedIndex(key.index)}`;
      return `(typeof ${a} === 'string' ? ${a} : stringKey(${a}))`;
    }
    case 'bool':
      return `(a${checkedIndex(key.index)} === true)`;
  }
}

/**
 * What a latency end does before its where test, as the closure path does
 * (thread-aggregation.ts #endSink): read the clock, then take its start out
 * of the pending ones, so an end the where rejects still closes its start.
 * The nesting case is PendingStarts.pop() written out; the ring is loaded
 * per event because the start side allocates it when it is bound, which may
 * be after this end.
 */
function valuePrelude(value: ValuePlan, b: Builder): string[] {
  switch (value.kind) {
    case 'count':
    case 'field':
      return [];
    case 'timed':
      return ['p.timedEnds++;'];
    case 'elapsed':
      if (value.key === null) {
        return [
          'const t1 = clock.now();',
          'const d = p.depth - 1;',
          'if (d < 0) { p.unmatchedEnds++; return; }',
          'p.depth = d;',
          'const at = p.bottom + d;',
          'const t0 = p.ring[at < cap ? at : at - cap];',
        ];
      }
      return [
        'const t1 = clock.now();',
        `const pk = ${keyCode(value.key, b)};`,
        'const t0 = byKey.get(pk);',
        'if (t0 === undefined) { p.unmatchedEnds++; return; }',
        'byKey.delete(pk);',
      ];
  }
}

function source(plan: FusedPlan, b: Builder): string {
  const body: string[] = valuePrelude(plan.value, b);
  if (plan.where !== null) {
    const test = b.where(plan.where, plan.fields, plan.markerName);
    for (const i of [...b.numbers].sort((x, y) => x - y)) {
      body.push(`const n${i} = typeof a${i} === 'number' ? a${i} : toNumber(a${i});`);
    }
    body.push(`if (!${test}) return;`);
  }
  const keys = plan.keys;
  if (keys.length === 0) {
    body.push('const g = single;');
  } else if (keys.length === 1) {
    const key = keys[0] as KeyPlan;
    body.push(`const k = ${keyCode(key, b)};`);
    if (key.kind === 'number') {
      // Small non-negative integer keys (statuses, shards) are an array load, as in
      // find1. A bigint key stays a bigint (numberKey), and `>>>` throws on one.
      body.push(
        "let g = typeof k === 'number' && (k >>> 0) === k && k < small.length ? small[k] : undefined;",
        'if (g === undefined) g = table.find1(k);',
      );
    } else {
      body.push('const g = table.find1(k);');
    }
  } else {
    keys.forEach((key, j) => {
      body.push(`keyBox[${j}] = ${keyCode(key, b)};`);
    });
    body.push('const g = table.findKeys(keyBox);');
  }
  const value = plan.value;
  switch (value.kind) {
    case 'count':
      body.push('g.count++;');
      break;
    case 'field':
    case 'timed': {
      const a = `a${checkedIndex(value.index)}`;
      // The value reaches the group through f, unboxed, as in the closure path.
      body.push(`if (typeof ${a} === 'number') { f[0] = ${a}; g.addAt(f, 0); } else g.add(${a});`);
      break;
    }
    case 'elapsed':
      // Group.addLater's steps, written out (BATCH is our own number).
      body.push(
        'const n = g.pending + 1;',
        'g.later[n - 1] = t1 - t0;',
        'g.pending = n;',
        `if (n === ${checkedIndex(BATCH)}) g.flush();`,
      );
      break;
  }
  return wrap('aggregate', plan.arity, b, body);
}

/** The factory text around a body over parameters m, a0..a(arity-1). */
export function wrap(name: string, arity: number, b: Builder, body: readonly string[]): string {
  const params = Array.from({ length: checkedIndex(arity) }, (_, i) => `, a${i}`).join('');
  const consts = b.consts.map((_, j) => `const c${j} = env.consts[${j}];`).join('\n');
  return `'use strict';
const { table, small, single, f, keyBox, numberKey, stringKey, toNumber, clock, p, byKey, cap } = env;
${consts}
return function ${name}(m${params}) {
  ${body.join('\n  ')}
};`;
}

export function factoryFor(text: string): Factory | null {
  if (factories.has(text)) return factories.get(text) ?? null;
  let made: Factory | null;
  try {
    made = new Function('env', text) as Factory;
  } catch {
    made = null;
  }
  factories.set(text, made);
  return made;
}

/** What a generated function closes over; `table` and `pair` null where it has none. */
export function envOf(
  b: Builder,
  helpers: Helpers,
  table: GroupTable | null,
  keys: number,
  pair: PendingStarts | null,
): Env {
  return {
    table,
    small: table?.small ?? [],
    single: table?.single,
    f: new Float64Array(1),
    keyBox: new Array(keys).fill(undefined),
    consts: b.consts,
    p: pair,
    byKey: pair?.byKey ?? null,
    cap: pair?.cap ?? 0,
    ...helpers,
  };
}

/** The link function for this plan, or null where code generation is forbidden. */
export function fusedLink(plan: FusedPlan, helpers: Helpers): LinkFn | null {
  checkedIndex(plan.arity);
  const b = new Builder();
  const text = source(plan, b);
  const factory = factoryFor(text);
  if (factory === null) return null;
  const v = plan.value;
  const pair = v.kind === 'elapsed' || v.kind === 'timed' ? v.pair : null;
  return factory(envOf(b, helpers, plan.table, plan.keys.length, pair));
}
