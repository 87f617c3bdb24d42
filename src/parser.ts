// Parser for C-like type strings ('const char *', 'float [8]', 'str!') and function
// prototypes ('int __stdcall f(_Out_ T *p, ...)').
//
// It runs for every declaration at start-up, so it is a single-pass, hand-written scanner over
// char codes: no token arrays, no regexes, no recursion (10,000 '*' must not blow the stack),
// and linear time in the input length.

export type Direction = 'in' | 'out' | 'inout';
export type Convention = 'cdecl' | 'stdcall' | 'fastcall' | 'thiscall';

export interface TypeSpec {
  base: string;
  pointer: number;
  /** Array dimensions, outermost first; NO_DIMENSIONS (shared, frozen) when there are none. */
  array: readonly number[];
  disposable: boolean;
  direction: Direction;
}

export interface ParamSpec {
  name: string | null;
  type: TypeSpec;
}

export interface PrototypeSpec {
  name: string;
  convention: Convention;
  result: TypeSpec;
  params: ParamSpec[];
  variadic: boolean;
}

/** Largest accepted array dimension (fits an int32). */
export const MAX_ARRAY_LENGTH = 0x7fffffff;

/** Messages quote at most this many characters of the input, centred on the error. */
const SNIPPET_LENGTH = 100;

export class ParseError extends Error {
  /** The full text being parsed. */
  readonly input: string;
  /** Offset (UTF-16 code units, 0-based) of the problem in `input`. */
  readonly offset: number;

  constructor(message: string, input: string, offset: number) {
    super(`${message} at offset ${offset} in '${snippet(input, offset)}'`);
    this.input = input;
    this.offset = offset;
  }
}
ParseError.prototype.name = 'ParseError';

function snippet(input: string, offset: number): string {
  let start = 0;
  let end = input.length;
  if (end > SNIPPET_LENGTH) {
    // Keep the offending spot visible in long inputs.
    start = Math.max(0, Math.min(offset - (SNIPPET_LENGTH >> 1), input.length - SNIPPET_LENGTH));
    end = start + SNIPPET_LENGTH;
  }
  let s = escapeControls(input.slice(start, end));
  if (start > 0) s = '…' + s;
  if (end < input.length) s += '…';
  return s;
}

// Control characters (NUL, newlines, U+2028...) would make messages unreadable or cut them short.
function isControl(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0x2028 || c === 0x2029;
}

function escapeControls(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isControl(c)) continue;
    out += s.slice(last, i);
    out += c === 10 ? '\\n' : c === 13 ? '\\r' : c === 9 ? '\\t'
      : c < 0x100 ? '\\x' + c.toString(16).padStart(2, '0') : '\\u' + c.toString(16);
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

// Token kinds.
const T_EOF = 0;
const T_IDENT = 1;
const T_STAR = 2;
const T_BANG = 3;
const T_LBRACK = 4;
const T_RBRACK = 5;
const T_LPAREN = 6;
const T_RPAREN = 7;
const T_COMMA = 8;
const T_ELLIPSIS = 9;
const T_SEMI = 10;
const T_NUMBER = 11;

const TOKEN_TEXT = ['end of input', '', "'*'", "'!'", "'['", "']'", "'('", "')'", "','", "'...'", "';'", ''];

// Keyword classes for identifiers (0 = plain identifier).
const K_NONE = 0;
const K_QUALIFIER = 1; // const, volatile, restrict: ignored
const K_SIGNED = 2;
const K_UNSIGNED = 3;
const K_SHORT = 4;
const K_LONG = 5;
const K_INT = 6;
const K_CHAR = 7;
const K_BUILTIN = 8; // void, float, double, bool, _Bool: base as written, cannot combine
const K_TAG = 9; // struct, union, enum
const K_CONVENTION = 10;
const K_DIRECTION = 11;

const KEYWORDS = new Map<string, number>([
  ['const', K_QUALIFIER],
  ['volatile', K_QUALIFIER],
  ['restrict', K_QUALIFIER],
  ['signed', K_SIGNED],
  ['unsigned', K_UNSIGNED],
  ['short', K_SHORT],
  ['long', K_LONG],
  ['int', K_INT],
  ['char', K_CHAR],
  ['void', K_BUILTIN],
  ['float', K_BUILTIN],
  ['double', K_BUILTIN],
  ['bool', K_BUILTIN],
  ['_Bool', K_BUILTIN],
  ['struct', K_TAG],
  ['union', K_TAG],
  ['enum', K_TAG],
  ['__cdecl', K_CONVENTION],
  ['__stdcall', K_CONVENTION],
  ['__fastcall', K_CONVENTION],
  ['__thiscall', K_CONVENTION],
  ['_In_', K_DIRECTION],
  ['_Out_', K_DIRECTION],
  ['_Inout_', K_DIRECTION],
]);

// The keywords by length, for keywordAt().
const KEYWORDS_BY_LENGTH: Array<Array<[string, number]>> = [];
for (const [word, kind] of KEYWORDS) (KEYWORDS_BY_LENGTH[word.length] ??= []).push([word, kind]);

/** The keyword (text and class) spelled by the `length` characters at `start`, or null. */
function keywordAt(src: string, start: number, length: number): [string, number] | null {
  const candidates = KEYWORDS_BY_LENGTH[length];
  if (candidates === undefined) return null;
  const first = src.charCodeAt(start);
  for (let k = 0; k < candidates.length; k++) {
    const entry = candidates[k];
    if (entry[0].charCodeAt(0) === first && src.startsWith(entry[0], start)) return entry;
  }
  return null;
}

const CONVENTIONS: Record<string, Convention> = {
  __cdecl: 'cdecl',
  __stdcall: 'stdcall',
  __fastcall: 'fastcall',
  __thiscall: 'thiscall',
};

const DIRECTIONS: Record<string, Direction> = { _In_: 'in', _Out_: 'out', _Inout_: 'inout' };

// What a declaration is parsed for; decides which parts are allowed.
const M_TYPE = 0; // parseType(): no name
const M_PARAM = 1; // parameter: optional name, then arrays
const M_RESULT = 2; // return type: stops before the convention / function name

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

class Parser {
  readonly src: string;
  pos = 0;
  // Current token.
  tok = T_EOF;
  start = 0;
  text = ''; // identifier text (only for T_IDENT)
  kw = K_NONE; // keyword class (only for T_IDENT)
  value = 0; // number value (only for T_NUMBER)

  constructor(src: string) {
    this.src = src;
    this.next();
  }

  // A method rather than comparing this.tok directly: TypeScript would keep a narrowed
  // this.tok across next() calls.
  at(kind: number): boolean {
    return this.tok === kind;
  }

  fail(message: string, offset: number = this.start): never {
    throw new ParseError(message, this.src, offset);
  }

  describe(): string {
    if (this.at(T_IDENT)) {
      const t = this.text;
      return t.length > 40 ? `'${t.slice(0, 40)}…'` : `'${t}'`;
    }
    if (this.at(T_NUMBER)) return `'${this.src.slice(this.start, this.pos)}'`;
    return TOKEN_TEXT[this.tok];
  }

  unexpected(expected?: string): never {
    this.fail(`Unexpected ${this.describe()}${expected ? `, expected ${expected}` : ''}`);
  }

  next(): void {
    const src = this.src;
    const len = src.length;
    let i = this.pos;
    let c = 0;
    while (i < len && isSpace((c = src.charCodeAt(i)))) i++;
    this.start = i;
    if (i >= len) {
      this.pos = i;
      this.tok = T_EOF;
      return;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < len && isIdentPart(src.charCodeAt(j))) j++;
      this.pos = j;
      this.tok = T_IDENT;
      // Keywords are matched in place and take the table's string: no new string for them.
      const keyword = keywordAt(src, i, j - i);
      if (keyword === null) {
        this.text = src.slice(i, j);
        this.kw = K_NONE;
      } else {
        this.text = keyword[0];
        this.kw = keyword[1];
      }
      return;
    }
    this.pos = i + 1;
    switch (c) {
      case 42: this.tok = T_STAR; return; // *
      case 33: this.tok = T_BANG; return; // !
      case 91: this.tok = T_LBRACK; return; // [
      case 93: this.tok = T_RBRACK; return; // ]
      case 40: this.tok = T_LPAREN; return; // (
      case 41: this.tok = T_RPAREN; return; // )
      case 44: this.tok = T_COMMA; return; // ,
      case 59: this.tok = T_SEMI; return; // ;
      case 46: // .
        if (src.charCodeAt(i + 1) === 46 && src.charCodeAt(i + 2) === 46) {
          this.pos = i + 3;
          this.tok = T_ELLIPSIS;
          return;
        }
        this.fail(`Unexpected '.', expected '...'`, i);
    }
    if (c >= 48 && c <= 57) {
      this.lexNumber(i);
      return;
    }
    // this.tok still holds the previous token here, so '[-1]' gets a precise message.
    if (c === 45) this.fail(`Unexpected '-'${this.at(T_LBRACK) ? ', array lengths cannot be negative' : ''}`, i);
    this.fail(`Unexpected character ${describeChar(src, i)}`, i);
  }

  // Decimal or 0x hex; octal ('010') is rejected rather than silently read as decimal.
  lexNumber(i: number): void {
    const src = this.src;
    const len = src.length;
    let j = i;
    let v = 0;
    let tooBig = false;
    if (src.charCodeAt(i) === 48 && (src.charCodeAt(i + 1) | 0x20) === 120) {
      j = i + 2;
      let d: number;
      while (j < len && (d = hexValue(src.charCodeAt(j))) >= 0) {
        if (!tooBig) {
          v = v * 16 + d;
          if (v > MAX_ARRAY_LENGTH) tooBig = true;
        }
        j++;
      }
      if (j === i + 2) this.fail(`Invalid number '${src.slice(i, j)}'`, i);
    } else {
      while (j < len) {
        const c = src.charCodeAt(j);
        if (c < 48 || c > 57) break;
        if (!tooBig) {
          v = v * 10 + (c - 48);
          if (v > MAX_ARRAY_LENGTH) tooBig = true;
        }
        j++;
      }
      if (j - i > 1 && src.charCodeAt(i) === 48) this.fail(`Octal number '${src.slice(i, j)}' is not supported`, i);
    }
    // '3u', '1.5', '0x1g': C would read these differently (or not at all), so reject them whole.
    if (j < len && (isIdentPart(src.charCodeAt(j)) || src.charCodeAt(j) === 46)) {
      let k = j;
      while (k < len && (isIdentPart(src.charCodeAt(k)) || src.charCodeAt(k) === 46) && k - i < 40) k++;
      this.fail(`Invalid number '${src.slice(i, k)}'`, i);
    }
    if (tooBig) this.fail(`Array length ${truncate(src.slice(i, j))} is too large (maximum ${MAX_ARRAY_LENGTH})`, i);
    this.pos = j;
    this.tok = T_NUMBER;
    this.value = v;
  }

  /**
   * Parses specifiers, stars, '!' and (depending on mode) a parameter name and array suffixes.
   * Returns the parameter name, if any; the type goes to `out`.
   */
  parseDecl(mode: number, out: TypeSpec): string | null {
    let direction: Direction = 'in';
    let seenQualifier = false;
    let seenDirection = false;
    let signedness = 0; // K_SIGNED / K_UNSIGNED
    let shorts = 0;
    let longs = 0;
    let ints = 0;
    let chars = 0;
    let base: string | null = null; // set by a builtin, tag or typedef name

    // Declaration specifiers, in any order. A plain identifier is the type name only when no
    // type specifier came before it; otherwise it is the declarator name (C's own rule).
    for (;;) {
      if (!this.at(T_IDENT)) break;
      const kw = this.kw;
      const intKeywords = signedness !== 0 || shorts + longs + ints + chars > 0;
      if (kw === K_NONE) {
        if (base !== null || intKeywords) break;
        base = this.text;
      } else if (kw === K_QUALIFIER) {
        seenQualifier = true;
      } else if (kw === K_DIRECTION) {
        if (mode === M_RESULT) this.fail(`Direction qualifier '${this.text}' is only allowed on parameters`);
        if (seenDirection) this.fail(`Unexpected '${this.text}', direction given twice`);
        if (seenQualifier || base !== null || intKeywords)
          this.fail(`Unexpected '${this.text}', a direction qualifier must come first`);
        seenDirection = true;
        direction = DIRECTIONS[this.text];
      } else if (kw === K_CONVENTION) {
        // After a return type, the caller takes it ('int __stdcall f()').
        if (mode === M_RESULT) break;
        this.fail(`Unexpected calling convention '${this.text}'`);
      } else if (kw === K_BUILTIN) {
        if (this.text === 'double' && longs > 0) this.fail(`'long double' is not supported`);
        if (base !== null || intKeywords) this.fail(`Invalid combination of type specifiers with '${this.text}'`);
        base = this.text;
      } else if (kw === K_TAG) {
        if (base !== null || intKeywords) this.fail(`Invalid combination of type specifiers with '${this.text}'`);
        const tag = this.text;
        this.next();
        if (!this.at(T_IDENT) || this.kw !== K_NONE) this.unexpected(`a name after '${tag}'`);
        base = this.text;
      } else {
        // Integer keywords.
        if (base !== null) {
          if (kw === K_LONG && base === 'double') this.fail(`'long double' is not supported`);
          this.fail(`Invalid combination of type specifiers with '${this.text}'`);
        }
        switch (kw) {
          case K_SIGNED:
          case K_UNSIGNED:
            if (signedness !== 0) this.fail(`Unexpected '${this.text}', signedness given twice`);
            signedness = kw;
            break;
          case K_SHORT:
            if (shorts || longs || chars) this.fail(`Invalid combination of type specifiers with 'short'`);
            shorts = 1;
            break;
          case K_LONG:
            if (longs === 2 || shorts || chars) this.fail(`Invalid combination of type specifiers with 'long'`);
            longs++;
            break;
          case K_INT:
            if (ints || chars) this.fail(`Invalid combination of type specifiers with 'int'`);
            ints = 1;
            break;
          case K_CHAR:
            if (chars || ints || shorts || longs) this.fail(`Invalid combination of type specifiers with 'char'`);
            chars = 1;
            break;
        }
      }
      this.next();
    }

    if (base === null) {
      if (signedness === 0 && shorts + longs + ints + chars === 0) this.unexpected('a type');
      const u = signedness === K_UNSIGNED;
      if (chars) base = signedness === K_SIGNED ? 'int8' : u ? 'uchar' : 'char';
      else if (shorts) base = u ? 'ushort' : 'short';
      else if (longs === 2) base = u ? 'ulonglong' : 'longlong';
      else if (longs === 1) base = u ? 'ulong' : 'long';
      else base = u ? 'uint' : 'int';
    }

    // Pointer part: stars, with qualifiers allowed between them ('char * const *').
    let pointer = 0;
    while (this.at(T_STAR) || (this.at(T_IDENT) && this.kw === K_QUALIFIER)) {
      if (this.at(T_STAR)) pointer++;
      this.next();
    }

    let disposable = false;
    if (this.at(T_BANG)) {
      disposable = true;
      this.next();
      if (this.at(T_STAR) || this.at(T_BANG) || (this.at(T_IDENT) && this.kw === K_QUALIFIER))
        this.fail(`Unexpected ${this.describe()} after '!', which must end the type`);
    }

    out.base = base;
    out.pointer = pointer;
    out.disposable = disposable;
    out.direction = direction;
    if (mode === M_RESULT) return null;

    let name: string | null = null;
    if (mode === M_PARAM && this.at(T_IDENT)) {
      if (this.kw === K_DIRECTION) this.fail(`Unexpected '${this.text}', a direction qualifier must come first`);
      if (this.kw !== K_NONE) this.unexpected('a parameter name');
      name = this.text;
      this.next();
    }

    while (this.at(T_LBRACK)) {
      this.next();
      if (!this.at(T_NUMBER)) this.unexpected('an array length');
      if (out.array === NO_DIMENSIONS) out.array = [];
      (out.array as number[]).push(this.value);
      this.next();
      if (!this.at(T_RBRACK)) this.unexpected(`']'`);
      this.next();
    }
    if (this.at(T_BANG)) this.fail(`Unexpected '!', it must come right after the type and its '*'s`);
    return name;
  }
}

function describeChar(src: string, i: number): string {
  const cp = src.codePointAt(i)!;
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  // Printable characters are shown as-is; controls only by code point.
  if (isControl(cp)) return hex;
  return `'${String.fromCodePoint(cp)}' (${hex})`;
}

function truncate(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}

/** The array dimensions of every type without any: shared, so most specs allocate no array. */
export const NO_DIMENSIONS: readonly number[] = Object.freeze([]);

function newSpec(): TypeSpec {
  // Same property order everywhere keeps the objects monomorphic.
  return { base: '', pointer: 0, array: NO_DIMENSIONS, disposable: false, direction: 'in' };
}

function checkInput(text: unknown, what: string): asserts text is string {
  if (typeof text !== 'string') throw new TypeError(`${what}: expected a string, received ${text === null ? 'null' : typeof text}`);
}

/** Parses a type expression alone: 'const char *', 'int **', 'float [8]', 'str!', '_Out_ int *'. */
export function parseType(text: string): TypeSpec {
  checkInput(text, 'parseType');
  const p = new Parser(text);
  const spec = newSpec();
  p.parseDecl(M_TYPE, spec);
  if (!p.at(T_EOF)) {
    if (p.at(T_IDENT) && p.kw === K_NONE) p.unexpected('end of type (names are not allowed here)');
    p.unexpected('end of type');
  }
  return spec;
}

/** Parses a prototype: 'int atoi(const char *str)', 'str! strdup(str)', 'int __stdcall f(_Out_ T *p, ...)'. */
export function parsePrototype(text: string): PrototypeSpec {
  checkInput(text, 'parsePrototype');
  const p = new Parser(text);
  let convention: Convention | null = null;

  // MSVC also accepts the convention before the return type.
  if (p.at(T_IDENT) && p.kw === K_CONVENTION) {
    convention = CONVENTIONS[p.text];
    p.next();
  }
  if (p.at(T_IDENT) && p.kw === K_CONVENTION) p.fail(`Duplicate calling convention '${p.text}'`);

  const result = newSpec();
  p.parseDecl(M_RESULT, result);

  if (p.at(T_IDENT) && p.kw === K_CONVENTION) {
    if (convention !== null) p.fail(`Duplicate calling convention '${p.text}'`);
    convention = CONVENTIONS[p.text];
    p.next();
    if (p.at(T_IDENT) && p.kw === K_CONVENTION) p.fail(`Duplicate calling convention '${p.text}'`);
  }

  if (!p.at(T_IDENT)) {
    if (p.at(T_LBRACK)) p.fail(`Unexpected '[', functions cannot return arrays`);
    p.unexpected('a function name');
  }
  if (p.kw !== K_NONE) p.unexpected('a function name');
  const name = p.text;
  p.next();

  if (!p.at(T_LPAREN)) p.unexpected(`'('`);
  p.next();

  const params: ParamSpec[] = [];
  let variadic = false;
  if (!p.at(T_RPAREN)) {
    for (;;) {
      if (p.at(T_ELLIPSIS)) {
        variadic = true;
        p.next();
        if (!p.at(T_RPAREN)) {
          if (p.at(T_COMMA)) p.fail(`'...' must be the last parameter`);
          p.unexpected(`')'`);
        }
        break;
      }
      const paramStart = p.start;
      const type = newSpec();
      const pname = p.parseDecl(M_PARAM, type);
      if (type.base === 'void' && type.pointer === 0) {
        // '(void)' means no parameters; any other use of a plain void is an error.
        if (params.length === 0 && p.at(T_RPAREN) && pname === null && type.array.length === 0 &&
            !type.disposable && type.direction === 'in') {
          break;
        }
        p.fail(`Invalid parameter of type 'void', '(void)' must stand alone`, paramStart);
      }
      params.push({ name: pname, type });
      if (p.at(T_RPAREN)) break;
      if (!p.at(T_COMMA)) p.unexpected(`',' or ')'`);
      p.next();
      if (p.at(T_RPAREN)) p.unexpected('a parameter');
    }
  }
  p.next(); // ')'

  if (p.at(T_SEMI)) p.next();
  if (!p.at(T_EOF)) p.unexpected('end of prototype');

  return { name, convention: convention ?? 'cdecl', result, params, variadic };
}
