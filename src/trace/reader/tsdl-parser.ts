/**
 * A recursive-descent parser for the TSDL subset that renderMetadata writes:
 * top-level `typealias`, and `trace`, `env`, `clock`, `stream`, `event` blocks
 * whose entries are `name = value;` or `name := type;`. Types are `integer`,
 * `floating_point`, `string` (each with an attribute block), `struct`,
 * `enum : base { labels }`, fixed-size arrays and alias names. Aliases are
 * resolved as they are met, so a block's types come out fully expanded.
 *
 * Anything outside the subset (variants, sequences, bit-sized or unaligned
 * integers, big-endian data) fails with ERR_TRACE_METADATA and its position.
 */
import type { CtfType, IntType, StructField } from './ctf-type.js';
import { withAlias } from './ctf-type.js';
import { metadataError, type Token, tokenize } from './tsdl-lexer.js';

export type AttrValue =
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ident'; readonly value: string };

export const BLOCK_KINDS = ['trace', 'env', 'clock', 'stream', 'event'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

export interface Block {
  readonly kind: BlockKind;
  readonly attrs: ReadonlyMap<string, AttrValue>;
  readonly types: ReadonlyMap<string, CtfType>;
  readonly line: number;
}

class Parser {
  private pos = 0;
  private readonly aliases = new Map<string, CtfType>();

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
  ) {}

  parse(): Block[] {
    const blocks: Block[] = [];
    while (this.peek().kind !== 'eof') {
      const token = this.next();
      if (token.kind === 'ident' && token.text === 'typealias') {
        this.typealias();
      } else if (
        token.kind === 'ident' &&
        (BLOCK_KINDS as readonly string[]).includes(token.text)
      ) {
        blocks.push(this.block(token.text as BlockKind, token.line));
      } else {
        this.fail(token, `expected a block or typealias, got "${token.text}"`);
      }
    }
    return blocks;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private fail(token: Token, what: string): never {
    throw metadataError(this.file, token.line, token.column, what);
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private expect(text: string): Token {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== text) {
      this.fail(token, `expected "${text}", got "${token.text || 'end of file'}"`);
    }
    return token;
  }

  private ident(): Token {
    const token = this.next();
    if (token.kind !== 'ident') this.fail(token, `expected a name, got "${token.text}"`);
    return token;
  }

  /** `a.b.c` */
  private dotted(): string {
    let name = this.ident().text;
    while (this.isPunct('.')) {
      this.next();
      name += `.${this.ident().text}`;
    }
    return name;
  }

  private typealias(): void {
    const type = this.typeSpec();
    this.expect(':=');
    const name = this.ident().text;
    this.expect(';');
    this.aliases.set(name, withAlias(type, name));
  }

  private block(kind: BlockKind, line: number): Block {
    const attrs = new Map<string, AttrValue>();
    const types = new Map<string, CtfType>();
    this.expect('{');
    while (!this.isPunct('}')) {
      if (this.peek().text === 'typealias') {
        this.next();
        this.typealias();
        continue;
      }
      const nameToken = this.peek();
      const name = this.dotted();
      if (attrs.has(name) || types.has(name)) this.fail(nameToken, `"${name}" is set twice`);
      const op = this.next();
      if (op.kind === 'punct' && op.text === '=') attrs.set(name, this.value());
      else if (op.kind === 'punct' && op.text === ':=') types.set(name, this.typeSpec());
      else this.fail(op, `expected "=" or ":=" after "${name}"`);
      this.expect(';');
    }
    this.expect('}');
    this.expect(';');
    return { kind, attrs, types, line };
  }

  private value(): AttrValue {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '-') {
      this.next();
      const number = this.next();
      if (number.kind !== 'number') this.fail(number, 'expected a number after "-"');
      return { kind: 'int', value: -number.value };
    }
    if (token.kind === 'number') return { kind: 'int', value: this.next().value };
    if (token.kind === 'string') return { kind: 'string', value: this.next().text };
    if (token.kind === 'ident') return { kind: 'ident', value: this.dotted() };
    return this.fail(token, `expected a value, got "${token.text}"`);
  }

  private attributes(): Map<string, AttrValue> {
    const attrs = new Map<string, AttrValue>();
    this.expect('{');
    while (!this.isPunct('}')) {
      const name = this.dotted();
      this.expect('=');
      attrs.set(name, this.value());
      this.expect(';');
    }
    this.expect('}');
    return attrs;
  }

  private typeSpec(): CtfType {
    const token = this.ident();
    switch (token.text) {
      case 'integer':
        return this.integer(token, this.attributes());
      case 'floating_point': {
        const attrs = this.attributes();
        this.checkByteAligned(token, attrs);
        const exp = intAttr(attrs, 'exp_dig');
        const mant = intAttr(attrs, 'mant_dig');
        if (exp === 11n && mant === 53n) return { kind: 'float', size: 64 };
        if (exp === 8n && mant === 24n) return { kind: 'float', size: 32 };
        return this.fail(token, `unsupported floating_point (exp_dig ${exp}, mant_dig ${mant})`);
      }
      case 'string': {
        if (this.isPunct('{')) {
          const encoding = this.attributes().get('encoding');
          if (encoding !== undefined && !/^(UTF8|ASCII|utf8|ascii)$/.test(String(encoding.value))) {
            this.fail(token, `unsupported string encoding "${encoding.value}"`);
          }
        }
        return { kind: 'string' };
      }
      case 'struct':
        return this.struct(token);
      case 'enum':
        return this.enumeration(token);
      default: {
        const alias = this.aliases.get(token.text);
        if (alias === undefined) this.fail(token, `unknown type "${token.text}"`);
        return alias as CtfType;
      }
    }
  }

  private checkByteAligned(token: Token, attrs: ReadonlyMap<string, AttrValue>): void {
    const align = intAttr(attrs, 'align');
    if (align !== 8n) this.fail(token, `only byte-aligned types are supported (align = ${align})`);
    const order = attrs.get('byte_order')?.value;
    if (order !== undefined && order !== 'le' && order !== 'native') {
      this.fail(token, `only little-endian data is supported (byte_order = ${order})`);
    }
  }

  private integer(token: Token, attrs: ReadonlyMap<string, AttrValue>): IntType {
    this.checkByteAligned(token, attrs);
    const size = Number(intAttr(attrs, 'size'));
    if (![8, 16, 32, 64].includes(size)) this.fail(token, `unsupported integer size ${size}`);
    const signed = attrs.get('signed');
    const base = attrs.get('base');
    const baseValue = base === undefined ? 10 : baseNumber(base);
    if (baseValue === undefined) this.fail(token, `unsupported integer base "${base?.value}"`);
    const map = attrs.get('map');
    const clock =
      map === undefined ? undefined : /^clock\.(\w+)\.value$/.exec(String(map.value))?.[1];
    if (map !== undefined && clock === undefined)
      this.fail(token, `unsupported map "${map.value}"`);
    return {
      kind: 'int',
      size,
      signed: signed !== undefined && (signed.value === 'true' || signed.value === 1n),
      base: baseValue as number,
      ...(clock === undefined ? {} : { clock }),
    };
  }

  private struct(token: Token): CtfType {
    const fields: StructField[] = [];
    this.expect('{');
    while (!this.isPunct('}')) {
      const type = this.typeSpec();
      const nameToken = this.ident();
      let fieldType = type;
      if (this.isPunct('[')) {
        this.next();
        const length = this.next();
        if (length.kind !== 'number') this.fail(length, 'only fixed-length arrays are supported');
        this.expect(']');
        fieldType = { kind: 'array', element: type, length: Number(length.value) };
      }
      if (fields.some((f) => f.name === nameToken.text)) {
        this.fail(nameToken, `field "${nameToken.text}" appears twice`);
      }
      fields.push({ name: nameToken.text, type: fieldType });
      this.expect(';');
    }
    this.expect('}');
    if (this.peek().text === 'align') this.fail(token, 'struct align() is not supported');
    return { kind: 'struct', fields };
  }

  private enumeration(token: Token): CtfType {
    let container: CtfType | undefined;
    if (this.isPunct(':')) {
      this.next();
      container = this.typeSpec();
    }
    if (container?.kind !== 'int') this.fail(token, 'an enum needs an integer container type');
    const labels = new Map<bigint, string>();
    let nextValue = 0n;
    this.expect('{');
    while (!this.isPunct('}')) {
      const label = this.next();
      if (label.kind !== 'ident' && label.kind !== 'string')
        this.fail(label, 'expected an enum label');
      if (this.isPunct('=')) {
        this.next();
        const value = this.value();
        if (value.kind !== 'int') this.fail(label, 'an enum value must be an integer');
        nextValue = value.value as bigint;
        if (this.isPunct('...')) this.fail(label, 'enum ranges are not supported');
      }
      labels.set(nextValue, label.text);
      nextValue++;
      if (!this.isPunct(',')) break;
      this.next();
    }
    this.expect('}');
    return { kind: 'enum', container: container as IntType, labels };
  }
}

function intAttr(attrs: ReadonlyMap<string, AttrValue>, name: string): bigint | undefined {
  const value = attrs.get(name);
  return value?.kind === 'int' ? value.value : undefined;
}

function baseNumber(value: AttrValue): number | undefined {
  const named: Record<string, number> = {
    decimal: 10,
    dec: 10,
    d: 10,
    i: 10,
    u: 10,
    hexadecimal: 16,
    hex: 16,
    x: 16,
    X: 16,
    p: 16,
    octal: 8,
    oct: 8,
    o: 8,
    binary: 2,
    b: 2,
  };
  if (value.kind === 'int')
    return [2, 8, 10, 16].includes(Number(value.value)) ? Number(value.value) : undefined;
  return named[value.value];
}

/** Parses TSDL text into its blocks, types resolved. `file` names the metadata in errors. */
export function parseTsdl(text: string, file: string): Block[] {
  return new Parser(tokenize(text, file), file).parse();
}
