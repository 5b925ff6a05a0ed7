/**
 * The `where` language: a tokenizer and a recursive-descent parser into a
 * small tree. Nothing here evaluates anything; compile.ts turns a tree into
 * closures once it has been checked against a marker's fields.
 *
 *   expr    := or
 *   or      := and ('||' and)*
 *   and     := unary ('&&' unary)*
 *   unary   := '!' unary | '(' expr ')' | compare
 *   compare := operand (('==' | '!=' | '<' | '<=' | '>' | '>=' | '~') operand)?
 *   operand := FIELD | NUMBER | STRING | 'true' | 'false'
 *
 * A bare operand is a test of a boolean field. Strings are in double or
 * single quotes with backslash escapes. Positions are 0-based offsets into
 * the text; messages show them 1-based, as columns.
 */
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '~';

export type Operand =
  | { readonly type: 'field'; readonly name: string; readonly pos: number }
  | { readonly type: 'number'; readonly value: number; readonly pos: number }
  | { readonly type: 'string'; readonly value: string; readonly pos: number }
  | { readonly type: 'bool'; readonly value: boolean; readonly pos: number };

export type WhereNode =
  | { readonly type: 'or' | 'and'; readonly left: WhereNode; readonly right: WhereNode }
  | { readonly type: 'not'; readonly operand: WhereNode; readonly pos: number }
  | {
      readonly type: 'compare';
      readonly op: CompareOp;
      readonly left: Operand;
      readonly right: Operand;
      readonly pos: number;
    }
  | { readonly type: 'test'; readonly operand: Operand };

/** The longest expression accepted, so a hostile one cannot make the parser recurse without end. */
export const MAX_WHERE_LENGTH = 4096;
const MAX_DEPTH = 64;

type Token =
  | { readonly kind: 'op'; readonly text: string; readonly pos: number }
  | { readonly kind: 'operand'; readonly operand: Operand; readonly pos: number }
  | { readonly kind: 'end'; readonly pos: number };

export function whereError(
  code: string,
  text: string,
  pos: number,
  what: string,
  details: Record<string, unknown> = {},
): MarkersError {
  return new MarkersError(code, `where ${JSON.stringify(text)} at column ${pos + 1}: ${what}`, {
    where: text,
    position: pos,
    column: pos + 1,
    ...details,
  });
}

const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!', '~', '(', ')'];
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const fail = (pos: number, what: string): never => {
    throw whereError(ErrorCode.WHERE_SYNTAX, text, pos, what);
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const rest = text.slice(i);
    if (ch === '"' || ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        const c = text[j];
        if (c === undefined) fail(i, 'this string is never closed');
        if (c === ch) break;
        if (c === '\\') {
          const e = text[j + 1];
          // \* and \? stay escaped, for the glob of a ~ to read as literal characters.
          const mapped =
            e === '*' || e === '?' ? `\\${e}` : e === undefined ? undefined : ESCAPES[e];
          if (mapped === undefined) fail(j, `unknown escape "\\${e ?? ''}"`);
          value += mapped;
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      tokens.push({ kind: 'operand', operand: { type: 'string', value, pos: i }, pos: i });
      i = j + 1;
      continue;
    }
    const number = NUMBER.exec(rest);
    // A minus sign is only ever part of a number literal: the language has no arithmetic.
    if (number !== null && (ch !== '-' || /\d|\./.test(text[i + 1] ?? ''))) {
      const value = Number(number[0]);
      if (!Number.isFinite(value)) fail(i, `the number ${number[0]} is not finite`);
      tokens.push({ kind: 'operand', operand: { type: 'number', value, pos: i }, pos: i });
      i += number[0].length;
      if (IDENT.test(text.slice(i))) fail(i, 'a number runs into a name; separate them');
      continue;
    }
    const ident = IDENT.exec(rest);
    if (ident !== null) {
      const name = ident[0];
      const operand: Operand =
        name === 'true' || name === 'false'
          ? { type: 'bool', value: name === 'true', pos: i }
          : { type: 'field', name, pos: i };
      tokens.push({ kind: 'operand', operand, pos: i });
      i += name.length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op === undefined) {
      if (ch === '=') fail(i, 'use == to compare');
      if (ch === '&' || ch === '|') fail(i, `use ${ch}${ch}`);
      fail(i, `unexpected character ${JSON.stringify(ch)}`);
    }
    tokens.push({ kind: 'op', text: op as string, pos: i });
    i += (op as string).length;
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=', '~']);

/**
 * Parses a where expression. Throws ERR_WHERE_SYNTAX naming the column of
 * the first problem.
 */
export function parseWhere(text: string): WhereNode {
  if (typeof text !== 'string') {
    throw new MarkersError(ErrorCode.WHERE_SYNTAX, 'where must be a string', { where: text });
  }
  if (text.length > MAX_WHERE_LENGTH) {
    throw whereError(
      ErrorCode.WHERE_SYNTAX,
      text.slice(0, 40),
      MAX_WHERE_LENGTH,
      `the expression is longer than ${MAX_WHERE_LENGTH} characters`,
    );
  }
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): Token => tokens[at] as Token;
  const isOp = (t: Token, op: string): boolean => t.kind === 'op' && t.text === op;
  const fail = (t: Token, what: string): never => {
    throw whereError(ErrorCode.WHERE_SYNTAX, text, t.pos, what);
  };
  const describe = (t: Token): string =>
    t.kind === 'end'
      ? 'the end'
      : t.kind === 'op'
        ? `"${t.text}"`
        : `"${text.slice(t.pos, tokens[at + 1]?.pos ?? text.length).trim()}"`;

  const operand = (): Operand => {
    const t = peek();
    if (t.kind !== 'operand')
      fail(t, `expected a field, a number or a string, found ${describe(t)}`);
    at++;
    return (t as Extract<Token, { kind: 'operand' }>).operand;
  };

  const unary = (depth: number): WhereNode => {
    if (depth > MAX_DEPTH) fail(peek(), `nested deeper than ${MAX_DEPTH} levels`);
    const t = peek();
    if (isOp(t, '!')) {
      at++;
      return { type: 'not', operand: unary(depth + 1), pos: t.pos };
    }
    if (isOp(t, '(')) {
      at++;
      const inner = or(depth + 1);
      const close = peek();
      if (!isOp(close, ')'))
        fail(
          close,
          `expected ")" to close the "(" at column ${t.pos + 1}, found ${describe(close)}`,
        );
      at++;
      return inner;
    }
    const left = operand();
    const next = peek();
    if (next.kind === 'op' && COMPARE.has(next.text)) {
      at++;
      const right = operand();
      return { type: 'compare', op: next.text as CompareOp, left, right, pos: next.pos };
    }
    return { type: 'test', operand: left };
  };

  const and = (depth: number): WhereNode => {
    let left = unary(depth);
    while (isOp(peek(), '&&')) {
      at++;
      left = { type: 'and', left, right: unary(depth) };
    }
    return left;
  };

  function or(depth: number): WhereNode {
    let left = and(depth);
    while (isOp(peek(), '||')) {
      at++;
      left = { type: 'or', left, right: and(depth) };
    }
    return left;
  }

  if (peek().kind === 'end') fail(peek(), 'the expression is empty');
  const tree = or(0);
  const last = peek();
  if (last.kind !== 'end') fail(last, `expected && or || or the end, found ${describe(last)}`);
  return tree;
}
