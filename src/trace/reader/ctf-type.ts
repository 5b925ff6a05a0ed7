/**
 * The CTF types our reader understands, as the TSDL parser resolves them
 * (aliases expanded, the alias name kept so that `json_t` and `uint64_hex_t`
 * stay recognisable). Only byte-aligned, byte-sized types: that is the whole
 * markers layout (layout.ts), and anything else is refused at parse time.
 */

export interface IntType {
  readonly kind: 'int';
  /** Bits: 8, 16, 32 or 64. */
  readonly size: number;
  readonly signed: boolean;
  /** Display base: 10, or 16 for `%x` fields. */
  readonly base: number;
  /** The clock this integer maps to (`clock.NAME.value`), if any. */
  readonly clock?: string;
  readonly alias?: string;
}
export interface FloatType {
  readonly kind: 'float';
  /** Bits: 32 or 64. */
  readonly size: number;
  readonly alias?: string;
}
export interface StringType {
  readonly kind: 'string';
  readonly alias?: string;
}
export interface EnumType {
  readonly kind: 'enum';
  readonly container: IntType;
  readonly labels: ReadonlyMap<bigint, string>;
  readonly alias?: string;
}
export interface StructField {
  /** The name as written in the metadata (still escaped). */
  readonly name: string;
  readonly type: CtfType;
}
export interface StructType {
  readonly kind: 'struct';
  readonly fields: readonly StructField[];
  readonly alias?: string;
}
export interface ArrayType {
  readonly kind: 'array';
  readonly element: CtfType;
  readonly length: number;
  readonly alias?: string;
}
export type CtfType = IntType | FloatType | StringType | EnumType | StructType | ArrayType;

/** Bytes a type takes, or undefined when it varies (strings). */
export function staticSize(type: CtfType): number | undefined {
  switch (type.kind) {
    case 'int':
    case 'float':
      return type.size / 8;
    case 'enum':
      return type.container.size / 8;
    case 'string':
      return undefined;
    case 'array': {
      const element = staticSize(type.element);
      return element === undefined ? undefined : element * type.length;
    }
    case 'struct': {
      let total = 0;
      for (const field of type.fields) {
        const size = staticSize(field.type);
        if (size === undefined) return undefined;
        total += size;
      }
      return total;
    }
  }
}

export function withAlias(type: CtfType, alias: string): CtfType {
  return { ...type, alias };
}
