/**
 * Generates the encoder of one marker in one thread: the function a RECORD
 * link puts in the marker's dispatcher, which writes one event
 * (abi/trace-layout.ts) into the thread's ring buffer (ring-writer.ts).
 *
 * Each encoder is generated for its marker's exact fields, like the
 * dispatchers of src/registry/dispatch.ts: a fixed parameter list (no rest
 * array), the event id, the field offsets and the fast paths as constants,
 * so an event allocates nothing and touches only the ring's typed arrays.
 * The per-event work:
 *   1. reserve the worst-case size; the slow path (RingWriter.reserve) closes and
 *      opens packets or drops the event (counted);
 *   2. read the clock, clamped so it never decreases within the stream;
 *   3. write the header and the fields, each with an inline fast path
 *      (int32 numbers, ASCII strings) and a call into coerce.ts otherwise;
 *   4. publish nothing: the open packet is private until it is closed,
 *      which also happens here once its flush deadline passed.
 * Generated source is cached per field-type signature; `new Function` runs
 * once per signature, never per event.
 */
import { F, W } from '../../abi/ring.js';
import { EventHeader } from '../../abi/trace-layout.js';
import type { Field } from '../../marker/format.js';
import { monotonicNowMs } from './clock.js';
import * as coerce from './coerce.js';
import type { RingWriter } from './ring-writer.js';
import { writeString } from './utf8.js';

export type Encoder = (marker: unknown, ...args: unknown[]) => void;

type Factory = (
  ring: RingWriter,
  helpers: typeof HELPERS,
  id: number,
  maxBytes: number,
  base: number,
  now: () => number,
) => Encoder;

const HELPERS = { ...coerce, writeString } as const;
const factories = new Map<string, Factory>();

function fieldCode(field: Field, i: number): { pre: string; size: string; write: string } {
  const a = `a${i}`;
  switch (field.type) {
    case 'int64':
      return {
        pre: '',
        size: '8',
        // V8: `(a | 0) === a` is the int32 check that keeps the fast path on small integers.
        write: `if (typeof ${a} === 'number' && (${a} | 0) === ${a}) { dv.setInt32(p, ${a}, true); dv.setInt32(p + 4, ${a} >> 31, true); } else h.writeInt64(dv, p, ${a}, f64);
  p += 8;`,
      };
    case 'uint64':
      return {
        pre: '',
        size: '8',
        write: `if (typeof ${a} === 'number' && (${a} >>> 0) === ${a}) { dv.setUint32(p, ${a}, true); dv.setUint32(p + 4, 0, true); } else h.writeUint64(dv, p, ${a}, f64);
  p += 8;`,
      };
    case 'float64':
      return {
        pre: '',
        size: '8',
        write: `dv.setFloat64(p, typeof ${a} === 'number' ? ${a} : h.toFloat64(${a}, f64), true);
  p += 8;`,
      };
    case 'bool':
      return { pre: '', size: '1', write: `u8[p++] = ${a} ? 1 : 0;` };
    case 'string':
      return {
        pre: `const s${i} = typeof ${a} === 'string' ? ${a} : h.toStr(${a}, f64), n${i} = s${i}.length * 3;`,
        size: `(n${i} < maxBytes ? n${i} : maxBytes) + 1`,
        write: `p = h.writeString(u8, p, s${i}, maxBytes, f64, buf);`,
      };
    case 'json':
      return {
        pre: `const s${i} = h.toJson(${a}, f64), n${i} = s${i}.length * 3;`,
        size: `(n${i} < maxBytes ? n${i} : maxBytes) + 1`,
        write: `p = h.writeString(u8, p, s${i}, maxBytes, f64, buf);`,
      };
  }
}

/** `p` plus a constant offset, as generated source (no `+ 0`). */
function at(offset: number): string {
  return offset === 0 ? 'p' : `p + ${offset}`;
}

function factoryFor(fields: readonly Field[]): Factory {
  const key = fields.map((f) => f.type).join(',');
  let factory = factories.get(key);
  if (factory !== undefined) return factory;
  const parts = fields.map(fieldCode);
  const params = ['marker', ...fields.map((_, i) => `a${i}`)].join(', ');
  const fixed = EventHeader.SIZE;
  const sizes = [String(fixed), ...parts.map((part) => part.size)].join(' + ');
  // Bytecode budget (docs/bench.md, "Record mode against its floor"): V8
  // inlines a function of at most 460 bytes of bytecode, and at most 920 in
  // all into one optimised function. Within both, the dispatcher, this
  // encoder, its header, the clock and writeString's ASCII path are all
  // inlined into the call site, where the arguments stay unboxed; past them
  // the encoder was a call (504 bytes) and cost 5-10 ns more. Hence `var`,
  // not `const` (a closure's read of an outer `const` is a TDZ check, 2 bytes
  // each) and the header in a function of its own.
  const source = `'use strict';
var ctl = ring.ctl, f64 = ring.f64, dv = ring.dv, u8 = ring.u8, buf = ring.buf;
// u64 from an integer-valued double below 2^53: two u32 stores, no BigInt.
function header(p, t) {
  dv.setUint16(${at(EventHeader.ID)}, id, true);
  dv.setUint32(${at(EventHeader.TIMESTAMP)}, t >>> 0, true);
  dv.setUint32(${at(EventHeader.TIMESTAMP + 4)}, (t * 2.3283064365386963e-10) >>> 0, true);
}
return function encode(${params}) {
  ${parts.map((part) => part.pre).join('\n  ')}
  const need = ${sizes};
  let p = ctl[${W.POS}];
  if (p + need > ctl[${W.END}]) {
    p = ring.reserve(need);
    if (p < 0) return;
  }
  let t = base + now() * 1e6;
  const last = f64[${F.LAST_TS}];
  if (t < last) t = last;
  f64[${F.LAST_TS}] = t;
  header(p, t);
  p += ${fixed};
  ${parts.map((part) => part.write).join('\n  ')}
  ctl[${W.POS}] = p;
  ctl[${W.PKT_EVENTS}]++;
  if (t >= f64[${F.FLUSH_AT}]) ring.close();
};`;
  try {
    factory = new Function('ring', 'h', 'id', 'maxBytes', 'base', 'now', source) as Factory;
  } catch {
    // Code generation is forbidden (--disallow-code-generation-from-strings, a
    // CSP, an edge worker): the same events, written by a closure over the fields.
    factory = closureFactory(fields);
  }
  factories.set(key, factory);
  return factory;
}

/**
 * The encoder without `new Function`: the generated code's steps, as a loop
 * over the field types. It allocates the rest array and a string list per
 * event; slower, never broken (test/record-no-code-generation.test.ts).
 */
function closureFactory(fields: readonly Field[]): Factory {
  const types = fields.map((f) => f.type);
  const n = types.length;
  return (ring, h, id, maxBytes, base, now) => {
    const { ctl, f64, dv, u8, buf } = ring;
    return function encode(_marker: unknown, ...args: unknown[]): void {
      const strings: string[] = [];
      let need = EventHeader.SIZE;
      for (let i = 0; i < n; i++) {
        const a = args[i];
        const type = types[i];
        if (type === 'string' || type === 'json') {
          const s =
            type === 'json' ? h.toJson(a, f64) : typeof a === 'string' ? a : h.toStr(a, f64);
          strings[i] = s;
          need += Math.min(s.length * 3, maxBytes) + 1;
        } else {
          need += type === 'bool' ? 1 : 8;
        }
      }
      let p = ctl[W.POS] as number;
      if (p + need > (ctl[W.END] as number)) {
        p = ring.reserve(need);
        if (p < 0) return;
      }
      let t = base + now() * 1e6;
      const last = f64[F.LAST_TS] as number;
      if (t < last) t = last;
      f64[F.LAST_TS] = t;
      dv.setUint16(p + EventHeader.ID, id, true);
      dv.setUint32(p + EventHeader.TIMESTAMP, t >>> 0, true);
      dv.setUint32(p + EventHeader.TIMESTAMP + 4, (t * 2.3283064365386963e-10) >>> 0, true);
      p += EventHeader.SIZE;
      for (let i = 0; i < n; i++) {
        const a = args[i];
        switch (types[i]) {
          case 'int64':
            h.writeInt64(dv, p, a, f64);
            p += 8;
            break;
          case 'uint64':
            h.writeUint64(dv, p, a, f64);
            p += 8;
            break;
          case 'float64':
            dv.setFloat64(p, typeof a === 'number' ? a : h.toFloat64(a, f64), true);
            p += 8;
            break;
          case 'bool':
            u8[p++] = a ? 1 : 0;
            break;
          default:
            p = h.writeString(u8, p, strings[i] as string, maxBytes, f64, buf);
        }
      }
      ctl[W.POS] = p;
      (ctl[W.PKT_EVENTS] as number)++;
      if (t >= (f64[F.FLUSH_AT] as number)) ring.close();
    };
  };
}

/**
 * The encoder for a marker with `fields`, writing event `id` into `ring`.
 * Strings longer than `maxBytes` of UTF-8 are truncated (utf8.ts).
 */
export function buildEncoder(
  fields: readonly Field[],
  ring: RingWriter,
  id: number,
  maxBytes: number,
  baseNs: number,
): Encoder {
  return factoryFor(fields)(ring, HELPERS, id, maxBytes, baseNs, monotonicNowMs);
}
