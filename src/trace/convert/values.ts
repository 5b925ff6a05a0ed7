/**
 * Field values as the text-like outputs show them. 64-bit integers stay
 * exact: they are printed from their bigint or safe-number value, never
 * through a double. `%x` fields print as 0x-prefixed hex.
 */
import type { FieldModel, FieldValue } from '../reader/reader.js';

export function hex(value: number | bigint): string {
  return `0x${value.toString(16)}`;
}

/** A JSON-safe value for JSON lines: unsafe 64-bit ints and hex become strings. */
export function jsonValue(field: FieldModel, value: FieldValue): unknown {
  if (typeof value === 'bigint') return field.spec === 'x' ? hex(value) : value.toString();
  if (typeof value === 'number' && field.spec === 'x') return hex(value);
  return value;
}

/**
 * A float64 as people read it: six significant digits, like babeltrace2's
 * `%g` (0.5313079999978072 -> 0.531308), with three decimals kept from 1e6 up
 * so large values never turn into rounded integers. JSON keeps every digit.
 */
export function readableFloat(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return String(Number(Math.abs(value) >= 1e6 ? value.toFixed(3) : value.toPrecision(6)));
}

/** One `name = value` item of the text output. */
export function textValue(field: FieldModel, value: FieldValue): string {
  if (typeof value === 'number' && field.type === 'float64') return readableFloat(value);
  if (typeof value === 'bigint' || typeof value === 'number') {
    return field.spec === 'x' && (typeof value === 'bigint' || Number.isInteger(value))
      ? hex(value)
      : String(value);
  }
  if (typeof value === 'string' && field.type === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? 'undefined';
}
