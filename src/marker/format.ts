/**
 * Format strings, parsed twice: by TypeScript into the argument types of
 * `fire` (the types below), and at run time into `fields` (parseFormat).
 * The two parsers follow one table; test/format-types.test.ts keeps them honest.
 *
 * A format is "word %spec word %spec ...". The word just before a conversion
 * names its field, as in the kernel's "myint %d mystring %s"; a conversion
 * with no word before it is named argN, N being its argument position from 0.
 */
import { coreError } from '../errors/core-codes.js';
import type { MarkersError } from '../errors/markers-error.js';

/** What each conversion records. */
export const FieldType = {
  INT64: 'int64',
  UINT64: 'uint64',
  FLOAT64: 'float64',
  STRING: 'string',
  BOOL: 'bool',
  JSON: 'json',
} as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];

/**
 * The conversions a format may use (`%%` aside), and the field type each
 * records (the values of FieldType, written out so that a bundle which does
 * not import FieldType leaves it out).
 */
export const CONVERSIONS = {
  d: 'int64',
  i: 'int64',
  u: 'uint64',
  x: 'uint64',
  f: 'float64',
  s: 'string',
  b: 'bool',
  j: 'json',
} as const satisfies Record<string, FieldType>;
export type Conversion = keyof typeof CONVERSIONS;

export interface Field {
  readonly name: string;
  readonly type: FieldType;
  /** The conversion letter as written: `x` is a uint64 shown in hex. */
  readonly spec: Conversion;
}

/** The TypeScript type each conversion accepts. */
interface ConversionTypes {
  d: number | bigint;
  i: number | bigint;
  u: number | bigint;
  x: number | bigint;
  f: number;
  s: string;
  b: boolean;
  j: unknown;
}

type ParseArgs<F extends string> = F extends `${string}%${infer C}${infer Rest}`
  ? C extends '%'
    ? ParseArgs<Rest>
    : C extends keyof ConversionTypes
      ? [ConversionTypes[C], ...ParseArgs<Rest>]
      : never
  : F extends `${string}%`
    ? never
    : [];

/**
 * The argument tuple of `fire` for a format. A format only known as `string`
 * (not a literal) cannot be checked, so it accepts anything.
 */
export type FormatArgs<F extends string> = string extends F ? unknown[] : ParseArgs<F>;

/** The conversion letters of a format, in argument order (`%%` skipped). */
type FormatSpecs<F extends string> = F extends `${string}%${infer C}${infer Rest}`
  ? C extends '%'
    ? FormatSpecs<Rest>
    : [C, ...FormatSpecs<Rest>]
  : [];

type IsNegativeLiteral<T> = T extends number | bigint
  ? `${T}` extends `-${string}`
    ? true
    : false
  : false;

/**
 * The arguments `fire` was called with, where a negative literal given for a
 * `%u` becomes a message type, so the call does not compile. A negative value
 * only known at run time (a `number` variable) still compiles, and is clamped
 * to 0 as the coercion table says.
 */
export type CheckArgs<A extends readonly unknown[], F extends string> = string extends F
  ? A
  : {
      [K in keyof A]: K extends keyof FormatSpecs<F>
        ? FormatSpecs<F>[K] extends 'u'
          ? IsNegativeLiteral<A[K]> extends true
            ? `%u takes no negative number, got ${A[K] & (number | bigint)}`
            : A[K]
          : A[K]
        : A[K];
    };

/** `F` when it parses, otherwise a message that makes the call fail to compile. */
export type CheckFormat<F extends string> = string extends F
  ? F
  : [ParseArgs<F>] extends [never]
    ? `invalid format "${F}": use %d %i %u %x %f %s %b %j or %%`
    : F;

/** `N` when it has the form provider:event, otherwise a message that fails to compile. */
export type CheckName<N extends string> = string extends N
  ? N
  : N extends `${infer P}:${infer E}`
    ? P extends ''
      ? `invalid marker name "${N}": the provider part is empty`
      : E extends ''
        ? `invalid marker name "${N}": the event part is empty`
        : N
    : `invalid marker name "${N}": expected provider:event`;

const WORD_BEFORE = /(?:^|[^A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)[\s=:]*$/;

/**
 * Parses a format into its fields (frozen, as markers carry them). Throws ERR_INVALID_FORMAT, naming the
 * marker and the offending position, for an unknown conversion, a dangling
 * `%` or a duplicate field name.
 */
export function parseFormat(format: string, markerName: string): readonly Field[] {
  const invalid = (problem: string, details?: object): MarkersError =>
    coreError('ERR_INVALID_FORMAT', `marker "${markerName}": ${problem}`, {
      marker: markerName,
      ...details,
    });
  if (typeof format !== 'string')
    throw invalid(`the format must be a string, got ${typeof format}`);
  const fields: Field[] = [];
  // Where the text since the previous conversion starts: the field's name is its last word.
  let from = 0;
  for (const { 1: spec = '', index } of format.matchAll(/%(.?)/gs)) {
    if (spec === '%') continue;
    if (!Object.hasOwn(CONVERSIONS, spec)) {
      const what = spec === '' ? 'a dangling "%" at the end' : `unknown conversion "%${spec}"`;
      throw invalid(
        `${what} at offset ${index} of format "${format}" (use %d %i %u %x %f %s %b %j or %%)`,
        {
          format,
          offset: index,
        },
      );
    }
    const name = WORD_BEFORE.exec(format.slice(from, index))?.[1] ?? `arg${fields.length}`;
    if (fields.some((field) => field.name === name)) {
      throw invalid(`field "${name}" appears twice in format "${format}"`, { format, field: name });
    }
    fields.push(
      Object.freeze({ name, type: CONVERSIONS[spec as Conversion], spec: spec as Conversion }),
    );
    from = index + 2;
  }
  return Object.freeze(fields);
}
