/**
 * The hot loop every loop case is measured in, after ANCHORS.md: each
 * iteration hashes the counter (FNV-1a style multiply) and adds to a float
 * sum, about 1.6 ns of dependent integer and float work that V8 cannot fold
 * away. The case's snippet is pasted inside; the baseline is the same loop
 * with nothing pasted.
 *
 * Each loop is compiled from its own source text with `new Function`, so it
 * is a separate function with its own feedback vector: the baseline never
 * sees the case's maps, and two cases never share inline caches. The label
 * comment makes each source unique, so V8's compilation cache cannot hand
 * two loops the same SharedFunctionInfo.
 *
 * Bindings become `const`s of the enclosing function, the way a marker is a
 * module-level `const` at a real call site.
 */
import type { Bindings } from './case.js';

export type Loop = (iterations: number) => number;

/** The strings `s` takes in turn: short, and not a constant V8 could fold. */
export const SHORT_STRINGS = ['GET /users', 'POST /login', 'GET /', 'PUT /items/7'] as const;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const TAKEN = new Set(['a', 'b', 's', 'i', 'h', 'n', 'sum', 'strings', 'bindings', 'loop']);

let compiled = 0;

export function compileLoop(label: string, bindings: Bindings, body: string): Loop {
  const names = Object.keys(bindings);
  for (const name of names) {
    if (!IDENTIFIER.test(name) || TAKEN.has(name)) {
      throw new Error(`loop "${label}": binding name "${name}" is not usable in the loop`);
    }
  }
  const consts = names.map((name) => `const ${name} = bindings[${JSON.stringify(name)}];`);
  const source = `'use strict';
// loop ${++compiled}: ${label.replace(/[\r\n]/g, ' ')}
const strings = bindings.__strings;
${consts.join('\n')}
return function loop(n) {
  let h = -2128831035;
  let sum = 0.5;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ i, 16777619);
    const a = h >>> 20;
    const b = sum;
    const s = strings[i & 3];
    sum += (h & 1023) * 0.25;
    {
${body}
    }
  }
  return h + sum;
};`;
  const factory = new Function('bindings', source) as (bindings: Bindings) => Loop;
  return factory({ ...bindings, __strings: SHORT_STRINGS });
}
