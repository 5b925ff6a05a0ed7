/**
 * Checks for values read from the control socket. Whatever a target sends is
 * untrusted (it may be another user's process squatting a socket, or a
 * broken build): the CLI checks every field it uses before it uses it.
 *
 * A check is a function (value, where) => value that throws WireShapeError
 * naming the path of the bad field ("result.threads[3].id"). Checks return
 * the value they were given, typed; objects keep their other keys, which no
 * caller reads without checking them first. The caller turns a
 * WireShapeError into one ERR_PROTOCOL error that names the target.
 */

/** A bad field in a message from the peer; `where` is its path. */
export class WireShapeError extends Error {
  override readonly name = 'WireShapeError';
}

export type Check<T> = (value: unknown, where: string) => T;

function fail(where: string, expected: string, value: unknown): never {
  const got =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'an array'
        : typeof value === 'string'
          ? `a string of ${value.length} characters`
          : typeof value === 'number'
            ? String(value)
            : typeof value;
  throw new WireShapeError(`${where} must be ${expected}, got ${got}`);
}

/** An integer in [min, max]. */
export function int(min = 0, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return (value, where) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      fail(where, `an integer in [${min}, ${max}]`, value);
    }
    return value;
  };
}

/** A finite number in [min, max] (counters, times, ratios). */
export function num(min = 0, max = Number.MAX_VALUE): Check<number> {
  return (value, where) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      fail(where, `a finite number in [${min}, ${max}]`, value);
    }
    return value;
  };
}

/** A string of at most `max` characters, optionally matching `pattern`. */
export function str(max = 4096, pattern?: RegExp): Check<string> {
  return (value, where) => {
    if (typeof value !== 'string' || value.length > max) {
      fail(where, `a string of at most ${max} characters`, value);
    }
    if (pattern !== undefined && !pattern.test(value)) {
      throw new WireShapeError(`${where} is not of the expected form (${pattern.source})`);
    }
    return value;
  };
}

export const bool: Check<boolean> = (value, where) => {
  if (typeof value !== 'boolean') fail(where, 'a boolean', value);
  return value;
};

export function oneOf<const T extends readonly string[]>(...values: T): Check<T[number]> {
  return (value, where) => {
    if (typeof value !== 'string' || !values.includes(value)) {
      fail(where, `one of ${values.join(', ')}`, value);
    }
    return value as T[number];
  };
}

/** An array of at most `max` items, each passing `item`. */
export function list<T>(item: Check<T>, max = 100_000): Check<readonly T[]> {
  return (value, where) => {
    if (!Array.isArray(value) || value.length > max) {
      fail(where, `an array of at most ${max} items`, value);
    }
    for (let i = 0; i < value.length; i++) item(value[i], `${where}[${i}]`);
    return value as readonly T[];
  };
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, where) => (value === null ? null : check(value, where));
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, where) => (value === undefined ? undefined : check(value, where));
}

/** Any JSON value: plain data the CLI only prints as JSON (a probe module's report). */
export const anything: Check<unknown> = (value) => value;

type Shape = Record<string, Check<unknown>>;
type Checked<C> = C extends Check<infer T> ? T : never;
/** Keys whose check lets `undefined` through are optional, as the peer may leave them out. */
type OptionalKeys<S extends Shape> = {
  [K in keyof S]: undefined extends Checked<S[K]> ? K : never;
}[keyof S];
type FromShape<S extends Shape> = {
  [K in Exclude<keyof S, OptionalKeys<S>>]: Checked<S[K]>;
} & { [K in OptionalKeys<S>]?: Checked<S[K]> };

/** An object (not an array, not null) whose keys in `shape` pass their checks. */
export function object<S extends Shape>(shape: S): Check<FromShape<S>> {
  return (value, where) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(where, 'an object', value);
    }
    const record = value as Record<string, unknown>;
    for (const [key, check] of Object.entries(shape)) {
      // Own properties only: a missing key must not be found on Object.prototype.
      check(Object.hasOwn(record, key) ? record[key] : undefined, `${where}.${key}`);
    }
    return value as FromShape<S>;
  };
}

/** A record of string keys (at most `max`) whose values pass `item`. */
export function dictionary<T>(item: Check<T>, max = 10_000): Check<Record<string, T>> {
  return (value, where) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(where, 'an object', value);
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > max) fail(where, `an object of at most ${max} keys`, value);
    for (const [key, v] of entries) {
      str(256)(key, `${where} key`);
      item(v, `${where}.${key}`);
    }
    return value as Record<string, T>;
  };
}

/** Either of two checks: the first that passes. */
export function either<A, B>(a: Check<A>, b: Check<B>, expected: string): Check<A | B> {
  return (value, where) => {
    try {
      return a(value, where);
    } catch (error) {
      if (!(error instanceof WireShapeError)) throw error;
      try {
        return b(value, where);
      } catch (second) {
        if (!(second instanceof WireShapeError)) throw second;
        return fail(where, expected, value);
      }
    }
  };
}
