/**
 * TSDL tokenizer: turns metadata text into identifiers, integer literals,
 * string literals and punctuation, skipping C comments. One pass, no
 * backtracking; every token keeps its line and column for error messages.
 */
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';

export interface Token {
  readonly kind: 'ident' | 'number' | 'string' | 'punct' | 'eof';
  /** The identifier, the punctuation, or the decoded string literal. */
  readonly text: string;
  /** The value of an integer literal. */
  readonly value: bigint;
  readonly line: number;
  readonly column: number;
}

const PUNCT_2 = new Set([':=', '...']);
const PUNCT_1 = new Set([
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '=',
  ':',
  '.',
  '-',
  '+',
  '<',
  '>',
  '*',
]);
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
  '0': '\0',
};

export function metadataError(
  file: string,
  line: number,
  column: number,
  what: string,
): MarkersError {
  return new MarkersError(ErrorCode.TRACE_METADATA, `${file}:${line}:${column}: ${what}`, {
    file,
    line,
    column,
  });
}

export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (what: string): never => {
    throw metadataError(file, line, i - lineStart + 1, what);
  };
  const push = (kind: Token['kind'], tokenText: string, start: number, value = 0n): void => {
    tokens.push({ kind, text: tokenText, value, line, column: start - lineStart + 1 });
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment');
      for (let j = i; j < end; j++) {
        if (text[j] === '\n') {
          line++;
          lineStart = j + 1;
        }
      }
      i = end + 2;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (IDENT_START.test(ch)) {
      const start = i;
      while (i < text.length && IDENT_PART.test(text[i] as string)) i++;
      push('ident', text.slice(start, i), start);
    } else if (DIGIT.test(ch)) {
      const start = i;
      const hex = text.startsWith('0x', i) || text.startsWith('0X', i);
      i += hex ? 2 : 0;
      while (i < text.length && (hex ? /[0-9a-fA-F]/ : DIGIT).test(text[i] as string)) i++;
      const digits = text.slice(start, i);
      while (i < text.length && /[uUlL]/.test(text[i] as string)) i++;
      if (i < text.length && IDENT_PART.test(text[i] as string))
        fail(`bad integer literal "${digits}"`);
      push('number', digits, start, BigInt(digits));
    } else if (ch === '"') {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        const c = text[i];
        if (c === undefined || c === '\n') fail('unterminated string literal');
        i++;
        if (c === '"') break;
        if (c !== '\\') {
          value += c;
          continue;
        }
        const e = text[i++] as string;
        if (e === 'x') {
          const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i, i + 2))?.[0];
          if (hex === undefined) fail('bad \\x escape');
          value += String.fromCharCode(Number.parseInt(hex as string, 16));
          i += (hex as string).length;
        } else if (Object.hasOwn(ESCAPES, e)) {
          value += ESCAPES[e];
        } else {
          fail(`unknown escape "\\${e}"`);
        }
      }
      push('string', value, start);
    } else {
      const two = text.slice(i, i + 3) === '...' ? '...' : text.slice(i, i + 2);
      if (PUNCT_2.has(two)) {
        push('punct', two, i);
        i += two.length;
      } else if (PUNCT_1.has(ch)) {
        push('punct', ch, i);
        i++;
      } else {
        fail(`unexpected character "${ch}"`);
      }
    }
  }
  push('eof', '', i);
  return tokens;
}
