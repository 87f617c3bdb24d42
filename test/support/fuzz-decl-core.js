// The declaration fuzzer: a seeded mutator of prototype strings, type strings, struct/union
// member maps and the arguments of the type constructors, the rules every outcome must follow,
// and a driver that runs the inputs in child processes (test/support/fuzz-decl-child.js) so
// that a crash is caught and the input that caused it is named.
//
// Input i of seed s is generated from its own PRNG state (mix(s, i)), so any input can be
// regenerated alone: `node scripts/fuzz-decl.mjs --seed s --only i`. Inputs are plain data
// ("recipes"); the child turns a recipe into JS values and calls the API with them.
//
// Rules: every input either declares something valid or throws an Error whose class is one of
// ALLOWED_CLASSES and whose message points at the problem (non-empty, and quotes the input, an
// offending name, a number from it, or an offset). Inputs built to be invalid (NUL or
// non-ASCII characters in names, alignment 3, negative lengths, a struct containing itself...)
// must throw. Valid declarations must be sane: sizes are non-negative integers, alignments
// powers of two up to 16, struct layouts follow the C rules, members keep every given name.
'use strict';
const path = require('path');
const { spawn } = require('child_process');

// ParseError (src/parser.ts) extends Error; the parser tests pin it, so it is allowed here.
const ALLOWED_CLASSES = ['TypeError', 'RangeError', 'Error', 'ParseError'];

// ---------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------

function mix(seed, index) {
  // splitmix32-style scramble of (seed, index) into a 32-bit state.
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

class Rng {
  constructor(state) {
    this.s = state >>> 0 || 0x2545f491;
  }

  next() {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n) {
    return Math.floor(this.next() * n);
  }

  pick(list) {
    return list[this.int(list.length)];
  }

  chance(p) {
    return this.next() < p;
  }
}

// ---------------------------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------------------------

// Types every child defines before fuzzing (see defineBaseTypes).
const BASE_TYPES = ['FzPoint', 'FzU', 'FzOp', 'FzE', 'FzA'];

const TYPE_SEEDS = [
  'int', 'const char *', 'unsigned long long', 'int32_t **', 'float [8]', 'int[2][3]', 'char16_t *', 'str', 'str!',
  'void *!', 'FzPoint *', 'FzPoint', 'FzU', 'FzOp *', 'FzE', 'FzA', 'uint64_be_t', 'wchar_t *',
  'const unsigned char * const *', 'char [16]', 'double', 'bool', 'size_t', 'intptr_t', 'void', 'long long',
  'signed char', 'unsigned', 'long double', 'FzCb *', 'int16_le_t', 'char32_t[4]', 'FzPoint *[2]',
];

const PROTO_SEEDS = [
  'int add_int(int a, int b)',
  'int __cdecl add_int(int, int)',
  'int __stdcall add_int(int a, int b)',
  'double add_double(double a, double b)',
  'size_t str_len(const char *s)',
  'int out_i32(_Out_ int32_t *out, int32_t v)',
  'void inc_i32(_Inout_ int32_t *p)',
  'char *! str_dup(const char *s)',
  'str! str_dup(str s)',
  'double variadic_mixed(const char *types, ...)',
  'void cp_noop(void)',
  'int sum_i0()',
  'uint32_t bytes_u32(uint32_be_t v)',
  'int read_i32_pp(int **pp)',
  'const char *str_static(int which)',
  'int add_int(FzPoint *a, FzPoint b)',
  'FzPoint add_int(FzU u, FzE e)',
  'int add_int(FzOp *a, FzA b)',
  'int add_int(const FzPoint *const *pp, unsigned long long n)',
  'int add_int(int a[4], int b)',
];

const TOKENS = [
  '*', '*', '*', '(', ')', '[', ']', ',', '.', '!', '_', ' ', '  ', '...', ';', ':', '&', '#', '"', "'", '\\',
  'const', 'unsigned', 'signed', 'struct', 'union', 'enum', '_Out_', '_Inout_', '_In_', '__stdcall', '__cdecl',
  '__fastcall', 'void', 'int', 'char', 'long', 'short', 'double', 'float', 'volatile', 'restrict', 'static',
  'FzPoint', 'FzOp', 'str', 'size_t', '0', '1', '-1', '4294967296', '99999999999999999999', '1e3', '0x10',
  '[-5]', '[0]', '[2147483648]', '[4294967297]', '[1.5]', '[NaN]', '\u0000', '\u0000', 'é', '😀', '\u202e',
  '\u00a0', '\u2028', '\ufeff', '\t', '\n', '\r', '\v',
];

// Large insertions, produced as { repeat: [text, count] } so reports stay short.
const BIG_TOKENS = [['*', 10000], ['*', 3000], ['A', 10000], ['(', 1000], [')', 1000], ['[1]', 1000], ['const ', 2000], ['int, ', 3000]];

const NAME_POOL = [
  null, undefined, '', '1abc', 'a b', 'é', 'x\u0000y', 'int', 'FzPoint', 'const', 'struct', '__proto__', 'constructor',
  'toString', '$x', 'a-b', 42, { js: '{}' }, { repeat: ['A', 100000] }, { repeat: ['_', 300] },
];

const KEY_POOL = [
  'a', '', '1a', 'a b', 'é', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'a\u0000b', '$x',
  'a-b', 'members', 'size', 'x_', { repeat: ['m', 100000] },
];

const HOSTILE_SPECS = [
  { js: 'null' }, { js: 'undefined' }, { js: '{}' }, { js: '[]' }, 42, { js: 'true' }, { js: 'sym' }, { js: 'fn' },
  { arr: [3, 'int'] }, { arr: ['int'] }, { arr: [8] }, { arr: [8, 'int', 1] }, { arr: [0, 'int'] }, { arr: [-8, 'int'] },
  { arr: [1.5, 'int'] }, { arr: ['8', 'int'] }, { arr: [16, 'int'] }, { arr: [32, 'int'] }, { arr: [{ js: 'NaN' }, 'int'] },
  { call: 'array', args: ['int', -1] }, { call: 'array', args: ['int', 2 ** 31] }, { call: 'array', args: ['int', 2 ** 53] },
  { call: 'array', args: ['char', 1e9] }, { call: 'array', args: ['int', { js: 'NaN' }] }, { call: 'array', args: ['int', 'nosuch', 4] },
  { call: 'array', args: ['int', 0] }, { call: 'array', args: ['int', 4, 'Strings'] }, { call: 'array', args: ['int', 1.5] },
  { call: 'pointer', args: ['int', 65] }, { call: 'pointer', args: ['int', 10000] }, { call: 'pointer', args: ['int', 0] },
  { ref: 'self' }, { arr: [8, { ref: 'self' }] }, 'SELF', 'SELF[2]', 'SELF *', { type: 'void' }, 'void', 'FzOp',
  { repeat: ['int *', 1] }, { cat: ['int ', { repeat: ['*', 10000] }] },
];

const STRUCT_SEEDS = [
  [['a', 'int'], ['b', 'double']],
  [['x', { arr: [8, 'int'] }], ['y', 'char[3]']],
  [['p', 'FzPoint *'], ['arr', { call: 'array', args: ['int', 4] }]],
  [['s', 'const char *'], ['n', 'size_t'], ['tags', 'uint8_t[4]']],
  [['u', 'FzU'], ['pt', 'FzPoint']],
  [['next', 'SELF *'], ['v', 'int']],
  [['len', 'int'], ['data', { call: 'array', args: ['int', 'len', 16] }]],
  [['len', 'uint32_t'], ['ptr', { call: 'pointer', args: [{ js: 'null' }, 'int', 'len'] }]],
  [['c', 'char'], ['big', { call: 'array', args: ['double', 1000] }], ['e', 'FzE']],
];

const ARRAY_LENGTHS = [0, 1, 4, -1, 2 ** 31, 2 ** 32, 2 ** 53, 1.5, { js: 'NaN' }, { js: 'Infinity' }, '4', 'n', { js: 'null' }, { js: '{}' }, 1e9, 16777216];
const ARRAY_HINTS = [{ js: 'undefined' }, 'Typed', 'Array', 'String', 'Buffer', 'typed', '', 5, { js: 'null' }, { js: '{}' }];
const POINTER_COUNTS = [{ js: 'undefined' }, 1, 2, 64, 65, 0, -1, 1.5, { js: 'NaN' }, 'x', 10000, '2'];
const ENUM_VALUES = [0, 1, -1, 2 ** 31, 2 ** 32, -(2 ** 31) - 1, 2 ** 53, 2 ** 64, 1.5, { js: 'NaN' }, { big: '18446744073709551615' },
  { big: '18446744073709551616' }, { big: '-9223372036854775809' }, { big: '-9223372036854775808' }, '1', { js: 'null' }];
const CONVENTIONS = ['__cdecl', '__stdcall', '__fastcall', '__thiscall', 'cdecl', '', '__bogus', 42, { js: 'null' }];

// ---------------------------------------------------------------------------------------------
// Mutation
// ---------------------------------------------------------------------------------------------

function hasBad(s) {
  // NUL or a character outside ASCII: never part of a valid C declaration or identifier.
  return /[\u0000\u0080-\uffff]/.test(s);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Mutates a string; returns a node (plain string, or { cat: [...] } with big repeats). */
function mutateString(rng, s, rounds = 1 + rng.int(4)) {
  let parts = [s];
  const flat = () => parts.map((p) => (typeof p === 'string' ? p : '\u0001')).join('');
  for (let r = 0; r < rounds; r++) {
    const text = flat();
    const op = rng.int(9);
    // Work on the flat text when it holds no big repeat; otherwise only append or prepend.
    if (parts.length > 1 || parts.some((p) => typeof p !== 'string')) {
      const big = rng.chance(0.2) ? { repeat: rng.pick(BIG_TOKENS) } : rng.pick(TOKENS);
      if (rng.chance(0.5)) parts.push(big);
      else parts.unshift(big);
      continue;
    }
    const at = rng.int(text.length + 1);
    if (op === 0 && text.length) {
      const len = 1 + rng.int(Math.min(5, text.length));
      parts = [text.slice(0, at) + text.slice(at + len)];
    } else if (op <= 3) {
      parts = [text.slice(0, at) + rng.pick(TOKENS) + text.slice(at)];
    } else if (op === 4) {
      parts = [text.slice(0, at), { repeat: rng.pick(BIG_TOKENS) }, text.slice(at)];
    } else if (op === 5 && text.length > 1) {
      const a = rng.int(text.length);
      const b = rng.int(text.length);
      const chars = [...text];
      [chars[a], chars[b]] = [chars[b], chars[a]];
      parts = [chars.join('')];
    } else if (op === 6 && text.length) {
      const a = rng.int(text.length);
      const len = 1 + rng.int(8);
      parts = [text.slice(0, a + len) + text.slice(a, a + len) + text.slice(a + len)];
    } else if (op === 7) {
      parts = [text.replace(/[A-Za-z_]\w*/g, (w) => (rng.chance(0.3) ? rng.pick(['int', 'void', 'FzPoint', 'x', 'const', 'long', 'str', 'unsigned']) : w))];
    } else {
      parts = [text.slice(0, at)];
    }
  }
  parts = parts.filter((p) => p !== '');
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
  if (parts.length === 0) return '';
  return { cat: parts };
}

function mutateTypeString(rng, s) {
  return rng.chance(0.15) ? s : mutateString(rng, s);
}

function randomKey(rng) {
  if (rng.chance(0.6)) return rng.pick(['a', 'b', 'c', 'x', 'y', 'len', 'data', 'next', 'v', 'n']) + rng.int(10);
  return rng.pick(KEY_POOL);
}

function randomSpec(rng) {
  const r = rng.int(10);
  if (r < 4) return mutateTypeString(rng, rng.pick(TYPE_SEEDS));
  if (r < 5) return rng.pick(TYPE_SEEDS);
  return rng.pick(HOSTILE_SPECS);
}

function mutateMembers(rng, members) {
  const m = members.map(([k, v]) => [k, v]);
  const rounds = rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const op = rng.int(7);
    const i = rng.int(Math.max(1, m.length));
    if (op === 0 && m.length) m.splice(i, 1);
    else if (op === 1) m.splice(i, 0, [randomKey(rng), randomSpec(rng)]);
    else if (op === 2 && m.length) m[i] = [typeof m[i][0] === 'string' && rng.chance(0.5) ? mutateString(rng, m[i][0], 1) : randomKey(rng), m[i][1]];
    else if (op === 3 && m.length) m[i] = [m[i][0], randomSpec(rng)];
    else if (op === 4 && m.length && typeof m[i][1] === 'string') m[i] = [m[i][0], mutateTypeString(rng, m[i][1])];
    else if (op === 5 && m.length) m[i] = [m[i][0], { arr: [rng.pick([1, 2, 3, 4, 8, 16, 5, 0, -1, 64]), m[i][1]] }];
    else if (op === 6) {
      const n = rng.chance(0.05) ? 20000 : 1 + rng.int(200);
      for (let k = 0; k < n; k++) m.push([`f${k}`, rng.pick(['int', 'char', 'double', 'FzPoint'])]);
    }
  }
  return m;
}

function nameFor(rng, i, tag) {
  return rng.chance(0.8) ? `Fz${tag}${i}` : rng.pick(NAME_POOL);
}

/** The recipe of input `index` of `seed`: { index, api, args }. */
function generate(seed, index) {
  const rng = new Rng(mix(seed, index));
  const kind = rng.int(100);
  let api;
  let args;
  if (kind < 22) {
    api = 'func';
    args = [mutateString(rng, rng.pick(PROTO_SEEDS), rng.int(4))];
  } else if (kind < 30) {
    api = 'func4';
    const params = Array.from({ length: rng.int(4) }, () => (rng.chance(0.7) ? mutateTypeString(rng, rng.pick(TYPE_SEEDS)) : rng.pick(HOSTILE_SPECS)));
    if (rng.chance(0.05)) params.push(...new Array(5000).fill('int'));
    const name = rng.chance(0.7) ? 'add_int' : mutateString(rng, 'add_int', 1);
    const result = rng.chance(0.6) ? mutateTypeString(rng, rng.pick(TYPE_SEEDS)) : rng.pick(HOSTILE_SPECS);
    const list = rng.chance(0.9) ? { arr: params } : rng.pick(HOSTILE_SPECS);
    args = rng.chance(0.3) ? [rng.pick(CONVENTIONS), name, result, list] : [name, result, list];
  } else if (kind < 36) {
    api = 'proto';
    args = [mutateString(rng, rng.pick(PROTO_SEEDS).replace(/ (add_int|\w+)\(/, ' FzP$1_' + index + '('), rng.int(4))];
  } else if (kind < 52) {
    api = 'type';
    args = [mutateTypeString(rng, rng.pick(TYPE_SEEDS))];
  } else if (kind < 76) {
    api = rng.pick(['struct', 'struct', 'struct', 'union', 'pack']);
    const members = mutateMembers(rng, rng.pick(STRUCT_SEEDS));
    const membersNode = rng.chance(0.95) ? { obj: members } : rng.pick([{ js: 'null' }, { js: '[]' }, 'int', 42, { js: 'undefined' }]);
    const selfRef = JSON.stringify(members).includes('SELF') || JSON.stringify(members).includes('"self"');
    const name = selfRef ? `Fz${index}` : nameFor(rng, index, 'S');
    args = selfRef ? [{ opaque: name }, membersNode] : rng.chance(0.15) ? [membersNode] : [name, membersNode];
  } else if (kind < 82) {
    api = 'array';
    args = [mutateTypeString(rng, rng.pick(TYPE_SEEDS)), rng.pick(ARRAY_LENGTHS)];
    if (rng.chance(0.5)) args.push(rng.pick(ARRAY_HINTS));
  } else if (kind < 87) {
    api = 'pointer';
    const t = mutateTypeString(rng, rng.pick(TYPE_SEEDS));
    const form = rng.int(3);
    args = form === 0 ? [t, rng.pick(POINTER_COUNTS)] : form === 1 ? [nameFor(rng, index, 'P'), t] : [nameFor(rng, index, 'P'), t, rng.pick(POINTER_COUNTS)];
  } else if (kind < 90) {
    api = 'alias';
    args = [nameFor(rng, index, 'A'), mutateTypeString(rng, rng.pick(TYPE_SEEDS))];
  } else if (kind < 92) {
    api = 'opaque';
    args = [nameFor(rng, index, 'O')];
  } else if (kind < 96) {
    api = 'enumeration';
    const values = Array.from({ length: 1 + rng.int(4) }, (_, k) => [rng.chance(0.85) ? `V${k}` : rng.pick(KEY_POOL), rng.pick(ENUM_VALUES)]);
    args = [nameFor(rng, index, 'E'), { obj: values }];
    if (rng.chance(0.4)) args.push(mutateTypeString(rng, rng.pick(['int8_t', 'uint8_t', 'int', 'uint64_t', 'double', 'FzPoint', 'char *'])));
  } else {
    api = rng.pick(['sizeof', 'alignof', 'out', 'inout', 'disposable', 'offsetof']);
    args = [mutateTypeString(rng, rng.pick(TYPE_SEEDS))];
    if (api === 'offsetof') args.push(rng.pick(['x', 'y', 'i', 'nope', '', '__proto__', 'toString', 'constructor', 'hasOwnProperty', 42]));
  }
  return { index, api, args };
}

// ---------------------------------------------------------------------------------------------
// Recipes: description, strings they contain, invalidity by construction
// ---------------------------------------------------------------------------------------------

function jsString(s) {
  // Runs of 16 or more equal characters are written as "x".repeat(n).
  const out = [];
  let lit = '';
  for (let i = 0; i < s.length;) {
    let j = i + 1;
    while (j < s.length && s[j] === s[i]) j++;
    if (j - i >= 16) {
      if (lit) out.push(JSON.stringify(lit));
      lit = '';
      out.push(`${JSON.stringify(s[i])}.repeat(${j - i})`);
    } else lit += s.slice(i, j);
    i = j;
  }
  if (lit || !out.length) out.push(JSON.stringify(lit));
  return out.join(' + ');
}

function describeNode(n) {
  if (typeof n === 'string') return jsString(n);
  if (typeof n === 'number') return Object.is(n, -0) ? '-0' : String(n);
  if (n === null || typeof n !== 'object') return String(n);
  if (n.js) return { sym: "Symbol('s')", fn: '() => 1', '{}': '{}', '[]': '[]' }[n.js] || n.js;
  if (n.big) return `${n.big}n`;
  if (n.repeat) return `${JSON.stringify(n.repeat[0])}.repeat(${n.repeat[1]})`;
  if (n.cat) return n.cat.map(describeNode).join(' + ');
  if (n.arr) return `[${n.arr.map(describeNode).join(', ')}]`;
  if (n.obj) return `{ ${n.obj.map(([k, v]) => `[${describeNode(k)}]: ${describeNode(v)}`).join(', ')} }`;
  if (n.call) return `koffi.${n.call}(${n.args.map(describeNode).join(', ')})`;
  if (n.ref) return 'SELF_OPAQUE';
  if (n.type) return `koffi.types.${n.type}`;
  if (n.opaque) return `koffi.opaque(${JSON.stringify(n.opaque)})`;
  return JSON.stringify(n);
}

function describeInput(input) {
  const a = input.args.map(describeNode).join(', ');
  const callee = { func: 'lib.func', func4: 'lib.func', proto: 'koffi.proto' }[input.api] || `koffi.${input.api}`;
  return `${callee}(${a})`;
}

/** Every string in a recipe (materialized), for the message rule. */
function stringsOf(n, out = []) {
  if (typeof n === 'string') out.push(n);
  else if (typeof n === 'number') out.push(String(n));
  else if (n && typeof n === 'object') {
    if (n.big) out.push(n.big);
    else if (n.repeat) out.push(n.repeat[0].repeat(Math.min(n.repeat[1], 64)));
    else if (n.cat) for (const c of n.cat) stringsOf(c, out);
    else if (n.arr) for (const c of n.arr) stringsOf(c, out);
    else if (n.obj) for (const [k, v] of n.obj) { stringsOf(k, out); stringsOf(v, out); }
    else if (n.call) for (const c of n.args) stringsOf(c, out);
    else if (n.opaque) out.push(n.opaque);
    else if (n.js) out.push(n.js);
  }
  return out;
}

/** Why the input is invalid by construction (it must throw), or null. */
function mustThrowReason(input) {
  const { api, args } = input;
  const flat = (n) => (typeof n === 'string' ? n : n && n.repeat ? n.repeat[0] : n && n.cat ? n.cat.map(flat).join('') : null);
  const isNumber = (n) => typeof n === 'number' || (n && (n.js === 'NaN' || n.js === 'Infinity'));
  const nameArg = ['alias', 'opaque'].includes(api) || (['struct', 'union', 'pack', 'enumeration'].includes(api) && args.length >= 2) ||
    (api === 'pointer' && args.length >= 2 && typeof flat(args[0]) === 'string' && !isNumber(args[1]));
  if (nameArg) {
    const name = flat(args[0]);
    if (typeof name === 'string' && !IDENT.test(name)) return `name ${JSON.stringify(name.slice(0, 40))} is not a C identifier`;
  }
  const checkText = (n) => {
    const s = flat(n);
    return typeof s === 'string' && hasBad(s) ? `NUL or non-ASCII character in ${JSON.stringify(s.slice(0, 40))}` : null;
  };
  if (['func', 'proto', 'type', 'sizeof', 'alignof'].includes(api)) return checkText(args[0]);
  // A key given twice is one member: the last spec wins (as with object properties).
  const lastOf = (pairs) => [...new Map(pairs.map(([k, v]) => [flat(k) ?? k, [k, v]])).values()];
  if (['struct', 'union', 'pack'].includes(api)) {
    const members = args[args.length - 1];
    if (!members || !members.obj) return null;
    for (const [k, v] of lastOf(members.obj)) {
      const key = flat(k);
      if (typeof key === 'string' && !IDENT.test(key)) return `member name ${JSON.stringify(key.slice(0, 40))} is not a C identifier`;
      if (v && v.arr && v.arr.length === 2 && typeof v.arr[0] === 'number' && ![1, 2, 4, 8, 16].includes(v.arr[0])) return `alignment ${v.arr[0]}`;
      if ((v && v.ref === 'self') || (v && v.arr && v.arr[1] && v.arr[1].ref === 'self') || v === 'SELF' || v === 'SELF[2]') return 'a struct containing itself';
      if (v && v.call === 'array' && typeof v.args[1] === 'number' && (v.args[1] < 0 || !Number.isInteger(v.args[1]))) return `array length ${v.args[1]}`;
      if (typeof v === 'string' && hasBad(v)) return `NUL or non-ASCII character in member type ${JSON.stringify(v.slice(0, 40))}`;
    }
  }
  if (api === 'array' && typeof args[1] === 'number' && (args[1] < 0 || !Number.isInteger(args[1]))) return `array length ${args[1]}`;
  if (api === 'enumeration' && args[1] && args[1].obj) {
    for (const [k, v] of lastOf(args[1].obj)) {
      const key = flat(k);
      if (typeof key === 'string' && !IDENT.test(key)) return `enumeration value name ${JSON.stringify(key.slice(0, 40))} is not a C identifier`;
      if (typeof v === 'number' && !Number.isInteger(v)) return `enumeration value ${v}`;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

function escapeControls(s) {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * True when the message points at the problem: quotes the input, a name or number from it, or
 * an offset. `extra`: more names that count (e.g. the canonical name a type string resolves to).
 */
function messagePointsAt(message, input, extra = []) {
  if (/offset \d+/.test(message)) return true;
  const strings = [...stringsOf({ arr: input.args }), ...extra];
  if (strings.some((s) => s.trim() === '') && /''|""|empty/.test(message)) return true;
  const variants = (s) => [s, escapeControls(s), s.replace(/\u0000/g, '\\0'), s.replace(/\u0000/g, '\\x00')];
  for (const s of strings) {
    const t = s.trim();
    if (t && t.length <= 200 && variants(t).some((v) => message.includes(v))) return true;
    for (const tok of t.match(/[A-Za-z_$][\w$]*|\d+/g) || []) {
      if (tok.length >= 2 && message.includes(tok)) return true;
      if (message.includes(`'${tok}'`) || message.includes(`"${tok}"`)) return true;
    }
  }
  // Non-string arguments: the message names what it received.
  return /\b(null|undefined|number|object|array|symbol|function|boolean|bigint|string|NaN|Infinity)\b/.test(message);
}

module.exports = {
  ALLOWED_CLASSES, BASE_TYPES, Rng, mix, generate, describeInput, describeNode, stringsOf, mustThrowReason,
  messagePointsAt, IDENT, hasBad, problemKind,
};

// ---------------------------------------------------------------------------------------------
// Driver (parent side)
// ---------------------------------------------------------------------------------------------

const CHILD = path.join(__dirname, 'fuzz-decl-child.js');

function runChunk(seed, start, end, deadline, hangMs, verbose) {
  return new Promise((resolve) => {
    const child = spawn(require('./env.js').nodePath, [CHILD, String(seed), String(start), String(end), String(deadline)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CALLPLAN_FUZZ_VERBOSE: verbose ? '1' : '0' },
    });
    let last = start - 1;
    let summary = null;
    let pending = '';
    let stderr = '';
    let hung = false;
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, hangMs);
    };
    arm();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('@@FZ SUMMARY ')) summary = JSON.parse(line.slice(13));
        else if (line.startsWith('@@FZ ')) {
          last = Number(line.slice(5));
          arm();
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => {
      if (verbose) process.stderr.write(c);
      stderr = (stderr + c).slice(-4000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ last, summary, code, signal, hung, stderr });
    });
  });
}

function emptyTotals() {
  return { inputs: 0, valid: 0, skipped: 0, threw: {}, mustThrow: 0, problems: {}, crashes: [] };
}

/** A problem detail with quoted names and numbers blurred, to group problems of one kind. */
function problemKind(detail) {
  return String(detail).replace(/'[^']*'|"[^"]*"/g, "'…'").replace(/\d+/g, 'N').slice(0, 160);
}

function mergeSummary(totals, s) {
  totals.inputs += s.inputs;
  totals.valid += s.valid;
  totals.skipped += s.skipped;
  totals.mustThrow += s.mustThrow;
  for (const [k, v] of Object.entries(s.threw)) totals.threw[k] = (totals.threw[k] || 0) + v;
  for (const [k, p] of Object.entries(s.problems)) {
    const t = (totals.problems[k] = totals.problems[k] || { count: 0, examples: [] });
    t.count += p.count;
    for (const e of p.examples) {
      const known = t.examples.find((x) => x.kind === e.kind);
      if (known) known.count += e.count;
      else if (t.examples.length < 40) t.examples.push(e);
    }
  }
}

/**
 * Runs inputs start, start + 1, ... of `seed` in child processes of `chunk` inputs each, until
 * `count` inputs ran or `seconds` passed (whichever comes first; a budget, not an assertion).
 * A child that dies or hangs is recorded with its input and the next child resumes after it.
 */
async function runFuzz({ seed, start = 0, count = Infinity, seconds = Infinity, chunk = 4000, hangMs = 60000, verbose = false, onProgress } = {}) {
  const totals = emptyTotals();
  const deadline = Number.isFinite(seconds) ? Date.now() + seconds * 1000 : 0;
  let next = start;
  const end = Number.isFinite(count) ? start + count : Infinity;
  while (next < end && (!deadline || Date.now() < deadline)) {
    const stop = Math.min(end, next + chunk);
    const r = await runChunk(seed, next, stop, deadline, hangMs, verbose);
    if (r.summary) mergeSummary(totals, r.summary);
    const died = r.signal !== null || r.code !== 0 || !r.summary;
    if (died) {
      const index = r.last >= next ? r.last : next;
      const input = generate(seed, index);
      totals.crashes.push({
        index,
        input: describeInput(input),
        how: r.hung ? 'hang (no progress, killed)' : r.signal ? `signal ${r.signal}` : `exit code ${r.code}`,
        stderr: r.stderr.slice(-1500),
        reproduce: `node scripts/fuzz-decl.mjs --seed ${seed} --only ${index}   (or --start ${next} --count ${index - next + 1})`,
      });
      next = index + 1;
    } else {
      next = r.summary.next;
    }
    if (onProgress) onProgress(totals, next);
  }
  totals.next = next;
  return totals;
}

module.exports.runFuzz = runFuzz;
