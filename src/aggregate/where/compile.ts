/**
 * Checks a parsed where tree against one marker's fields and compiles it to
 * a tree of closures over the argument scratch array (see thread/shell.ts).
 * No text is ever evaluated: the target may be someone else's process.
 * Count and histogram aggregations run the checked tree as generated code
 * instead (thread/fused.ts, which emits none of the text); these closures
 * serve latency and processes where code generation is forbidden.
 *
 * Types: %d %i %u %x %f fields are numbers, %s strings, %b booleans; %j
 * fields cannot be compared. Numbers compare with numbers, strings with
 * strings (by UTF-16 code units) and with `~` globs, booleans with == and
 * !=. The pseudo-field `marker` is the marker's name, unless the marker has
 * a field of that name; it is folded to a constant per marker.
 *
 * At run time a value of the wrong type (a JavaScript caller passing a
 * string to a %d) makes every comparison on it false, `!=` included, as NaN
 * does; a bigint compares as the nearest number.
 */
import { ErrorCode } from '../../errors/markers-error.js';
import { type Field, FieldType } from '../../marker/format.js';
import { type Frame, NUM, numberAt } from '../thread/shell.js';
import { globMatcher } from './glob.js';
import { type CompareOp, type Operand, type WhereNode, whereError } from './parse.js';

export type Predicate = (s: readonly unknown[]) => boolean;

export type ValueType = 'number' | 'string' | 'bool';

/** A field of the marker by position, or the marker's name. */
export type FieldRef =
  | { readonly kind: 'arg'; readonly index: number; readonly type: FieldType }
  | { readonly kind: 'name' };

export const MARKER_PSEUDO_FIELD = 'marker';

export function findField(fields: readonly Field[], name: string): FieldRef | undefined {
  const index = fields.findIndex((f) => f.name === name);
  if (index >= 0) return { kind: 'arg', index, type: (fields[index] as Field).type };
  return name === MARKER_PSEUDO_FIELD ? { kind: 'name' } : undefined;
}

export function valueTypeOf(type: FieldType): ValueType | undefined {
  switch (type) {
    case FieldType.INT64:
    case FieldType.UINT64:
    case FieldType.FLOAT64:
      return 'number';
    case FieldType.STRING:
      return 'string';
    case FieldType.BOOL:
      return 'bool';
    default:
      return undefined;
  }
}

type Value = (s: readonly unknown[]) => unknown;

interface Typed {
  readonly type: ValueType;
  /** Reads the operand; constant when `constant` is set. */
  readonly read: Value;
  readonly constant?: { readonly value: unknown };
  /** The argument position, for a field. */
  readonly index?: number;
}

/**
 * `frame` is the marker's argument frame (numbers travel in its
 * Float64Array); every field index the predicate reads is added to `used`.
 */
export function compileWhere(
  tree: WhereNode,
  text: string,
  fields: readonly Field[],
  markerName: string,
  frame: Frame,
  used: Set<number>,
): Predicate {
  const operand = (o: Operand): Typed => {
    switch (o.type) {
      case 'number':
        return { type: 'number', read: () => o.value, constant: { value: o.value } };
      case 'string':
        return { type: 'string', read: () => o.value, constant: { value: o.value } };
      case 'bool':
        return { type: 'bool', read: () => o.value, constant: { value: o.value } };
      case 'field': {
        const ref = findField(fields, o.name);
        if (ref === undefined) {
          throw whereError(
            ErrorCode.WHERE_FIELD,
            text,
            o.pos,
            `marker "${markerName}" has no field "${o.name}" (fields: ${fields.map((f) => f.name).join(', ') || 'none'})`,
            { marker: markerName, field: o.name },
          );
        }
        if (ref.kind === 'name') {
          return { type: 'string', read: () => markerName, constant: { value: markerName } };
        }
        const type = valueTypeOf(ref.type);
        if (type === undefined) {
          throw whereError(
            ErrorCode.WHERE_FIELD,
            text,
            o.pos,
            `field "${o.name}" of marker "${markerName}" is JSON (%j) and cannot be compared`,
            { marker: markerName, field: o.name },
          );
        }
        const i = ref.index;
        used.add(i);
        if (type === 'number') return { type, read: numberAt(frame, i), index: i };
        return { type, read: (s) => s[i], index: i };
      }
    }
  };

  const compare = (node: Extract<WhereNode, { type: 'compare' }>): Predicate => {
    const left = operand(node.left);
    const right = operand(node.right);
    const op: CompareOp = node.op;
    const mismatch = (what: string): never => {
      throw whereError(ErrorCode.WHERE_FIELD, text, node.pos, what, { marker: markerName });
    };
    if (left.type !== right.type) {
      mismatch(`"${op}" compares a ${left.type} with a ${right.type}`);
    }
    if (op === '~') {
      if (left.type !== 'string') mismatch('"~" matches strings against a glob');
      if (right.constant === undefined) mismatch('the right side of "~" must be a string literal');
      const match = globMatcher(right.constant?.value as string);
      const read = left.read;
      if (left.constant !== undefined) {
        const result = match(left.constant.value as string);
        return () => result;
      }
      return (s) => {
        const v = read(s);
        return typeof v === 'string' && match(v);
      };
    }
    if (left.type === 'bool' && op !== '==' && op !== '!=') {
      mismatch(`booleans compare with == and != only, not "${op}"`);
    }
    const l = left.read;
    const r = right.read;
    const test = relation(op, left.type);
    if (left.constant !== undefined && right.constant !== undefined) {
      const result = test(left.constant.value, right.constant.value);
      return () => result;
    }
    if (right.constant !== undefined) {
      const c = right.constant.value;
      if (left.index !== undefined && left.type === 'number') {
        return numberAgainst(op, left.index, c as number, frame.numbers);
      }
      return (s) => test(l(s), c);
    }
    return (s) => test(l(s), r(s));
  };

  const build = (node: WhereNode): Predicate => {
    switch (node.type) {
      case 'or': {
        const a = build(node.left);
        const b = build(node.right);
        return (s) => a(s) || b(s);
      }
      case 'and': {
        const a = build(node.left);
        const b = build(node.right);
        return (s) => a(s) && b(s);
      }
      case 'not': {
        const a = build(node.operand);
        return (s) => !a(s);
      }
      case 'compare':
        return compare(node);
      case 'test': {
        const o = operand(node.operand);
        if (o.type !== 'bool') {
          throw whereError(
            ErrorCode.WHERE_FIELD,
            text,
            node.operand.pos,
            `a ${o.type} alone is not a condition; compare it (e.g. == or >)`,
            { marker: markerName },
          );
        }
        const read = o.read;
        return (s) => read(s) === true;
      }
    }
  };

  return build(tree);
}

export type Relation = (a: unknown, b: unknown) => boolean;

/** Comparisons that are false for a value of the wrong run-time type, as for NaN. */
export function relation(op: Exclude<CompareOp, '~'>, type: ValueType): Relation {
  const same =
    type === 'number'
      ? (a: unknown, b: unknown) => typeof a === 'number' && typeof b === 'number'
      : type === 'string'
        ? (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string'
        : (a: unknown, b: unknown) => typeof a === 'boolean' && typeof b === 'boolean';
  switch (op) {
    case '==':
      return (a, b) => same(a, b) && a === b;
    case '!=':
      // NaN != NaN stays false: a wrong or missing value never passes a filter.
      return (a, b) =>
        same(a, b) && a !== b && !Number.isNaN(a as number) && !Number.isNaN(b as number);
    case '<':
      return (a, b) => same(a, b) && (a as number) < (b as number);
    case '<=':
      return (a, b) => same(a, b) && (a as number) <= (b as number);
    case '>':
      return (a, b) => same(a, b) && (a as number) > (b as number);
    case '>=':
      return (a, b) => same(a, b) && (a as number) >= (b as number);
  }
}

/**
 * The common case, a number field against a number literal, without the
 * generic relation's calls: what the `where` benchmark measures. A field
 * that holds no number (NUM is not in its slot) compares as NaN: false.
 */
function numberAgainst(
  op: Exclude<CompareOp, '~'>,
  i: number,
  c: number,
  numbers: Float64Array,
): Predicate {
  const big = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number.NaN);
  switch (op) {
    case '==':
      return (s) => {
        const v = s[i];
        return (v === NUM ? (numbers[i] as number) : big(v)) === c;
      };
    case '!=':
      return (s) => {
        const v = s[i];
        const n = v === NUM ? (numbers[i] as number) : big(v);
        return n !== c && !Number.isNaN(n);
      };
    case '<':
      return (s) => {
        const v = s[i];
        return (v === NUM ? (numbers[i] as number) : big(v)) < c;
      };
    case '<=':
      return (s) => {
        const v = s[i];
        return (v === NUM ? (numbers[i] as number) : big(v)) <= c;
      };
    case '>':
      return (s) => {
        const v = s[i];
        return (v === NUM ? (numbers[i] as number) : big(v)) > c;
      };
    case '>=':
      return (s) => {
        const v = s[i];
        return (v === NUM ? (numbers[i] as number) : big(v)) >= c;
      };
  }
}
