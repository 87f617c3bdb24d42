// The cases of test/bad-input.test.js, by group. Each group is a function returning a list of
// { name, run, expect, after } (see case-runner.js for the expectation forms); the runner
// calls it inside a child process, so declarations and hostile values never touch the tap
// process. Every C function is real: test/lib/cptest.h or test/lib/hostile.c. Functions that
// dereference a pointer only ever get NULL, JS memory or memory from koffi.alloc; arbitrary
// BigInt addresses go to h_addr(), which returns the address without touching it.
//
// The rules, from the contract (../shared/API.md): a wrong JS type is a TypeError naming the
// argument, the C type and the received JS type; a Buffer/TypedArray smaller than the pointee
// of a T * is a RangeError; exceptions raised by getters, Proxy traps and valueOf propagate
// as is; integers out of range are truncated like C; never a crash, a hang, or bytes written
// (or read) outside the memory that was passed.
'use strict';
const E = require('./hostile-env.js');
const { koffi, guarded, hostileValues, instantiate, cInt, jsInt, sameInt, mixHash, arrHash, fnv1a } = E;

const ERRORS = ['TypeError', 'RangeError', 'Error'];
// Errors about type names may come from the type parser, whose ParseError extends Error.
const DECL_ERRORS = ['TypeError', 'RangeError', 'Error', 'ParseError'];
const TWO64 = 2n ** 64n;
// The data model: pointers and size_t are 64 bits (LP64) or 32 (ILP32, ia32).
const PTR_SIZE = koffi.sizeof('void *');
const PTR_SPAN = 2n ** BigInt(8 * PTR_SIZE);

function has(entry, tag) {
  return entry.tags.includes(tag);
}

// The JS type the message must name, where it is unambiguous.
function receivedOf(entry) {
  if (entry.name === 'undefined') return 'undefined';
  if (entry.name === 'null') return 'null';
  if (has(entry, 'bool')) return 'boolean';
  if (has(entry, 'number')) return 'number';
  if (has(entry, 'bigint')) return 'bigint';
  if (has(entry, 'string')) return 'string';
  if (has(entry, 'symbol')) return 'symbol';
  if (has(entry, 'function')) return 'function';
  if (['[]', '[1, 2]', "['x']"].includes(entry.name)) return 'array';
  if (['{}', '{ a: 1 }'].includes(entry.name)) return 'object';
  return null;
}

function argRe(index) {
  return new RegExp(`argument ${index}(?!\\d)`);
}

/** TypeError naming argument `index`, the C type and (when unambiguous) the received type. */
function argTypeError(index, ctype, entry) {
  const received = entry ? receivedOf(entry) : null;
  return { throws: ['TypeError'], match: [argRe(index), ctype, ...(received ? [received] : [])] };
}

function rangeError(index, ctype) {
  return { throws: ['RangeError'], match: [argRe(index), ctype] };
}

function isAddress(v) {
  return (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'bigint' && v >= 0n) ||
    `expected an address (number or BigInt), got ${typeof v}`;
}

function addressIs(expected) {
  return (v) => sameInt(v, expected) || `expected address ${expected}, got ${typeof v === 'bigint' ? `${v}n` : v}`;
}

function nonNullAddress(v) {
  return ((typeof v === 'number' && v > 0) || (typeof v === 'bigint' && v > 0n)) || `expected a non-NULL address, got ${v}`;
}

// An out-of-range BigInt as an address: truncated to 64 bits like an integer, or refused.
function bigAddress(v) {
  return { either: true, throws: ['TypeError', 'RangeError'], check: addressIs(BigInt.asUintN(64, v)) };
}

// A BigInt address for argument 1: itself when it fits a pointer; from 2^32 to 2^64-1 on a
// 32-bit ISA, a RangeError naming the argument (never truncated).
function bigintArgExpect(entry, v) {
  if (has(entry, 'bigint-neg') || has(entry, 'bigint-huge')) return bigAddress(v);
  if (v >= PTR_SPAN) return { throws: ['RangeError'], match: [argRe(1)] };
  return { check: addressIs(v) };
}

const S = (v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : String(v));

// -------------------------------------------------------------------------------------------
// Scalars: bool, every integer width and spelling, endian integers, float, double.
// -------------------------------------------------------------------------------------------

const SCALAR_PROTOS = [
  ['bool id_bool(bool v)', 'bool'],
  ['int8_t id_i8(int8_t v)', 'int8_t'],
  ['uint8_t id_u8(uint8_t v)', 'uint8_t'],
  ['int16_t id_i16(int16_t v)', 'int16_t'],
  ['uint16_t id_u16(uint16_t v)', 'uint16_t'],
  ['int32_t id_i32(int32_t v)', 'int32_t'],
  ['uint32_t id_u32(uint32_t v)', 'uint32_t'],
  ['int64_t id_i64(int64_t v)', 'int64_t'],
  ['uint64_t id_u64(uint64_t v)', 'uint64_t'],
  ['char id_char(char v)', 'char'],
  ['unsigned char id_uchar(unsigned char v)', 'unsigned char'],
  ['short id_short(short v)', 'short'],
  ['unsigned short id_ushort(unsigned short v)', 'unsigned short'],
  ['int id_int(int v)', 'int'],
  ['unsigned int id_uint(unsigned int v)', 'unsigned int'],
  ['long id_long(long v)', 'long'],
  ['unsigned long id_ulong(unsigned long v)', 'unsigned long'],
  ['long long id_longlong(long long v)', 'long long'],
  ['size_t id_size(size_t v)', 'size_t'],
  ['intptr_t id_intptr(intptr_t v)', 'intptr_t'],
  ['wchar_t id_wchar(wchar_t v)', 'wchar_t'],
  ['char16_t id_char16(char16_t v)', 'char16_t'],
  ['char32_t id_char32(char32_t v)', 'char32_t'],
  ['uint32_be_t bytes_u32(uint32_be_t v)', 'uint32_be_t'],
  ['int64_le_t id_i64(int64_le_t v)', 'int64_le_t'],
  ['float id_float(float v)', 'float'],
  ['double id_double(double v)', 'double'],
];

function scalarShape(ctype) {
  const p = koffi.type(ctype).primitive;
  if (p === 'Bool') return { kind: 'bool' };
  if (p === 'Float32' || p === 'Float64') return { kind: 'float', single: p === 'Float32' };
  const m = /^(U?)Int(8|16|32|64)S?$/.exec(p);
  if (!m) throw new Error(`bad-input: unexpected primitive ${p} for ${ctype}`);
  return { kind: 'int', signed: m[1] === '', bits: Number(m[2]) };
}

function scalarExpect(shape, ctype, entry, made) {
  const v = made.value;
  const wrong = argTypeError(1, ctype, entry);
  if (has(entry, 'throwing') || has(entry, 'throwing-coercion')) return { ...wrong, orPropagates: made.error };
  if (shape.kind === 'bool') return has(entry, 'bool') ? { returns: v } : wrong;
  if (shape.kind === 'int') {
    if (has(entry, 'number') || has(entry, 'bigint')) {
      const expected = cInt(v, shape.bits, shape.signed);
      return { check: (r) => sameInt(r, expected) || `expected ${S(jsInt(expected))} (C truncation of ${S(v)}), got ${S(r)}` };
    }
    if (has(entry, 'boxed')) return { ...wrong, either: true, check: (r) => typeof r === 'number' || typeof r === 'bigint' };
    return wrong;
  }
  if (has(entry, 'number')) {
    const expected = shape.single ? Math.fround(v) : v;
    return { check: (r) => Object.is(r, expected) || `expected ${S(expected)}, got ${S(r)}` };
  }
  if (has(entry, 'bigint')) {
    const expected = shape.single ? Math.fround(Number(v)) : Number(v);
    return { ...wrong, either: true, check: (r) => Object.is(r, expected) || `expected ${S(expected)}, got ${S(r)}` };
  }
  if (has(entry, 'boxed')) return { ...wrong, either: true, check: (r) => typeof r === 'number' };
  return wrong;
}

function scalars() {
  const { cptest } = E.setup();
  const cases = [];
  for (const [proto, ctype] of SCALAR_PROTOS) {
    const fn = cptest.func(proto);
    const shape = scalarShape(ctype);
    for (const entry of hostileValues()) {
      const made = instantiate(entry);
      cases.push({ name: `${ctype} <- ${entry.name}`, run: () => fn(made.value), expect: scalarExpect(shape, ctype, entry, made) });
    }
  }
  return cases;
}

// -------------------------------------------------------------------------------------------
// One argument of every kind at once: the failing position is the one named.
// -------------------------------------------------------------------------------------------

const ALL_KINDS = ['bool', 'int8_t', 'uint8_t', 'int16_t', 'uint16_t', 'int32_t', 'uint32_t', 'int64_t', 'uint64_t',
  'float', 'double', 'const char *', 'const char16_t *', 'const char32_t *', 'const void *', 'const int32_t *',
  'H_Mix', 'const H_Mix *'];

function validAllKinds() {
  return [true, -1, 255, -300, 65535, 7, 0xffffffff, -(2n ** 62n), 2n ** 63n, 1.5, -2.5, 'é', 'x', '😀', null,
    Int32Array.of(3), { c: 1, i: 2, d: 3 }, { c: 4 }];
}

function positions() {
  const { hostile } = E.setup();
  const fn = hostile.func(`uint32_t h_all_kinds(${ALL_KINDS.map((t, i) => `${t} a${i}`).join(', ')})`);
  const cases = [{ name: 'h_all_kinds with valid arguments', run: () => fn(...validAllKinds()), expect: { returns: 305 } }];
  ALL_KINDS.forEach((ctype, k) => {
    const shown = ctype.replace(/^const /, '');
    cases.push({
      name: `h_all_kinds: Symbol as argument ${k + 1} (${ctype})`,
      run: () => { const a = validAllKinds(); a[k] = Symbol('s'); return fn(...a); },
      expect: { throws: ['TypeError'], match: [argRe(k + 1), shown, 'symbol'] },
    });
    const pointerLike = /\*/.test(ctype);
    cases.push({
      name: `h_all_kinds: undefined as argument ${k + 1} (${ctype})`,
      run: () => { const a = validAllKinds(); a[k] = undefined; return fn(...a); },
      expect: pointerLike ? { check: (r) => typeof r === 'number' } : { throws: ['TypeError'], match: [argRe(k + 1), shown] },
    });
  });
  return cases;
}

// -------------------------------------------------------------------------------------------
// Strings: char *, char16_t *, char32_t *, wchar_t * and their str* names.
// -------------------------------------------------------------------------------------------

const STRING_PARAMS = [
  ['const char *', /char \*/], ['const char16_t *', /char16_t \*/], ['const char32_t *', /char32_t \*/],
  ['const wchar_t *', /wchar_t|char32_t/], ['str', /char \*|str/], ['str16', /char16_t \*|str16/],
  ['str32', /char32_t \*|str32/], ['wstring', /wchar_t|char32_t|wstring/],
];

function stringExpect(ctypeRe, entry, made) {
  const v = made.value;
  if (has(entry, 'string')) return { check: nonNullAddress };
  if (has(entry, 'nullish')) return { check: addressIs(0n) };
  if (has(entry, 'bigint')) return bigintArgExpect(entry, v);
  if (has(entry, 'bufferlike')) return entry.bytes ? { check: nonNullAddress } : { either: true, throws: ['RangeError', 'TypeError'], check: isAddress };
  const wrong = argTypeError(1, ctypeRe, entry);
  if (has(entry, 'throwing') || has(entry, 'throwing-coercion')) return { ...wrong, orPropagates: made.error };
  return wrong;
}

function strings() {
  const { cptest, hostile } = E.setup();
  const cases = [];
  for (const [ctype, re] of STRING_PARAMS) {
    const fn = hostile.func(`uintptr_t h_addr(${ctype} s)`);
    for (const entry of hostileValues()) {
      const made = instantiate(entry);
      cases.push({ name: `${ctype} <- ${entry.name}`, run: () => fn(made.value), expect: stringExpect(re, entry, made) });
    }
  }
  const len = cptest.func('size_t str_len(const char *s)');
  const len16 = cptest.func('size_t str16_len(const char16_t *s)');
  const len32 = cptest.func('size_t str32_len(const char32_t *s)');
  const wlen = cptest.func('size_t wstr_len(const wchar_t *s)');
  const NULL_LEN = jsInt(PTR_SPAN - 1n); // (size_t)-1
  cases.push(
    { name: 'str_len(zero-filled Buffer) reads the buffer', run: () => len(Buffer.alloc(8)), expect: { returns: 0 } },
    { name: 'str_len(NUL-terminated bytes in a guarded subarray)', run: () => { const g = guarded(4, { content: 0x41 }); g.view[3] = 0; return len(g.view); }, expect: { returns: 3 } },
    { name: 'str_len(null) is NULL', run: () => len(null), expect: { returns: NULL_LEN } },
    { name: 'str_len(detached ArrayBuffer) is NULL or refused', run: () => len(E.detached().ab), expect: { either: true, throws: ['RangeError', 'TypeError'], returns: NULL_LEN } },
    { name: 'str_len with an embedded NUL stops there', run: () => len('ab\0cd'), expect: { returns: 2 } },
    { name: 'str16_len of a lone surrogate', run: () => len16('\ud800'), expect: { returns: 1 } },
    { name: 'str32_len of a lone surrogate and a letter', run: () => len32('\ud800x'), expect: { returns: 2 } },
    { name: 'str32_len of a lone low surrogate first', run: () => len32('\udc00\ud800'), expect: { returns: 2 } },
    { name: 'wstr_len of two astral characters', run: () => wlen('😀😀'), expect: { returns: 2 } },
    { name: 'str_len(5) is a TypeError, never an address', run: () => len(5), expect: argTypeError(1, /char \*/) },
    { name: 'str_len(4096n) would be an address: not called here; str_len(0n) is NULL', run: () => len(0n), expect: { returns: NULL_LEN } },
    { name: 'str_len with a string whose toString throws is a TypeError', run: () => len({ toString() { throw new Error('no'); } }), expect: argTypeError(1, /char \*/) },
  );
  return cases;
}

// -------------------------------------------------------------------------------------------
// Pointers: void *, int32_t *, struct, union and array-in-struct pointers, int32_t **.
// -------------------------------------------------------------------------------------------

const POINTER_PARAMS = [
  { ctype: 'void *', pointee: 'none', need: 0 },
  { ctype: 'int32_t *', pointee: 'scalar', need: 4 },
  { ctype: 'int32_t **', pointee: 'pointer', need: PTR_SIZE },
  { ctype: 'H_Mix *', pointee: 'record', need: 16 },
  { ctype: 'H_Arr *', pointee: 'record', need: 28 },
  { ctype: 'H_Union *', pointee: 'union', need: 8 },
];

function pointerExpect(p, entry, made) {
  const v = made.value;
  const wrong = argTypeError(1, p.ctype, entry);
  if (has(entry, 'nullish')) return { check: addressIs(0n) };
  if (has(entry, 'bigint')) return bigintArgExpect(entry, v);
  if (has(entry, 'bufferlike')) {
    if (entry.bytes < p.need) return rangeError(1, p.ctype);
    return entry.bytes ? { check: nonNullAddress } : { either: true, throws: ['RangeError', 'TypeError'], check: isAddress };
  }
  if (['bool', 'number', 'string', 'symbol', 'function'].some((tag) => has(entry, tag))) return wrong;
  if (p.pointee === 'none') {
    if (has(entry, 'throwing') || has(entry, 'throwing-coercion')) return { ...wrong, orPropagates: made.error };
    return wrong;
  }
  // Arrays and objects become a temporary pointee (an array: one element per entry).
  if (has(entry, 'throwing')) {
    // A union may refuse the object for its number of keys before reading any of them.
    if (p.pointee === 'union') return { throws: ERRORS, orPropagates: made.error };
    if (has(entry, 'array') || p.pointee === 'record') return { propagates: made.error };
    return { ...wrong, orPropagates: made.error };
  }
  if (has(entry, 'revoked')) return { throws: ['TypeError'] };
  if (has(entry, 'array')) {
    if (entry.name === '[]') return { either: true, throws: ['TypeError', 'RangeError'], check: nonNullAddress };
    if (entry.name === '[1, 2]' && p.pointee === 'scalar') return { check: nonNullAddress };
    return { throws: ['TypeError'], match: [argRe(1), p.ctype, /\[0\]/] };
  }
  if (p.pointee === 'record') {
    if (has(entry, 'exotic') || has(entry, 'proxy')) return { either: true, throws: ['TypeError'], check: nonNullAddress };
    return { check: nonNullAddress };
  }
  if (p.pointee === 'union') {
    // A union value is an object with exactly one member; none of these has one.
    return { throws: ERRORS, match: [argRe(1)] };
  }
  if (has(entry, 'throwing-coercion')) return { ...wrong, orPropagates: made.error };
  // An object for int32_t * or int32_t **: the pointee is no object.
  return { throws: ['TypeError'], match: [argRe(1), p.ctype] };
}

function pointers() {
  const { cptest, hostile } = E.setup();
  const cases = [];
  for (const p of POINTER_PARAMS) {
    const fn = hostile.func(`uintptr_t h_addr(${p.ctype} p)`);
    for (const entry of hostileValues()) {
      const made = instantiate(entry);
      cases.push({ name: `${p.ctype} <- ${entry.name}`, run: () => fn(made.value), expect: pointerExpect(p, entry, made) });
    }
  }

  // Memory that C reads or writes: sentinel bytes around the buffer must never change.
  const read = cptest.func('int read_i32_at(const int32_t *p)');
  const write = cptest.func('void write_i32_at(int32_t *p, int v)');
  const writeVoid = cptest.func('write_i32_at', 'void', ['void *', 'int']);
  const readPP = cptest.func('int read_i32_pp(int32_t **pp)');
  const mixFill = hostile.func('int h_mix_fill(H_Mix *out, int32_t seed)');
  const arrFill = hostile.func('int h_arr_fill(H_Arr *out)');
  const unionFill = hostile.func('int h_union_fill(H_Union *out, uint32_t v)');
  const holderWrite = hostile.func('int h_holder_write(H_Holder *h, int32_t v)');
  const holderRead = hostile.func('int32_t h_holder_read(const H_Holder *h)');
  const fill = cptest.func('void fill_bytes(void *p, int byte, size_t n)');
  const guardedCase = (name, size, run, expect, opts) => {
    let g;
    return { name, run: () => { g = guarded(size, opts); return run(g); }, expect, after: () => g.intact() };
  };
  cases.push(
    guardedCase('read_i32_at(4-byte guarded subarray)', 4, (g) => { g.view.writeInt32LE(-5); return read(g.view); }, { returns: -5 }),
    guardedCase('read_i32_at(2-byte guarded subarray) is a RangeError', 2, (g) => read(g.view), rangeError(1, 'int32_t *')),
    guardedCase('write_i32_at(4-byte guarded subarray) writes inside it', 4, (g) => { write(g.view, 0x11223344); return g.view.readInt32LE(); }, { returns: 0x11223344 }),
    guardedCase('write_i32_at(3-byte guarded subarray) is a RangeError', 3, (g) => write(g.view, 0x11223344), rangeError(1, 'int32_t *')),
    guardedCase('write_i32_at(Uint8Array of 4 bytes) (other element type, same size)', 4, (g) => { write(new Uint8Array(g.view.buffer, g.view.byteOffset, 4), 7); return g.view.readInt32LE(); }, { either: true, throws: ['TypeError'], returns: 7 }),
    guardedCase('write_i32_at(Int8Array of 2 bytes) is a RangeError', 2, (g) => write(new Int8Array(g.view.buffer, g.view.byteOffset, 2), 7), rangeError(1, 'int32_t *')),
    guardedCase('write_i32_at(Float64Array of 8 bytes) (other element type)', 8, (g) => write(new Float64Array(g.view.buffer, g.view.byteOffset, 1), 7), { either: true, throws: ['TypeError'], check: () => true }),
    guardedCase('write_i32_at(DataView of 3 bytes) is a RangeError', 3, (g) => write(new DataView(g.view.buffer, g.view.byteOffset, 3), 7), rangeError(1, 'int32_t *')),
    guardedCase('write_i32_at(koffi.as(2-byte buffer, "int32_t *")) is a RangeError', 2, (g) => write(koffi.as(g.view, 'int32_t *'), 0x11223344), rangeError(1, 'int32_t *')),
    guardedCase('void * parameter with koffi.as(2-byte buffer, "int32_t *") is a RangeError', 2, (g) => writeVoid(koffi.as(g.view, 'int32_t *'), 0x11223344), { throws: ['RangeError'], match: [argRe(1)] }),
    guardedCase('h_mix_fill(koffi.as(8-byte buffer, "H_Mix *")) is a RangeError', 8, (g) => mixFill(koffi.as(g.view, 'H_Mix *'), 3), { throws: ['RangeError'], match: [argRe(1)] }),
    guardedCase('h_mix_fill(16-byte guarded subarray) fills it', 16, (g) => { mixFill(g.view, 3); return [g.view[0], g.view.readInt32LE(4), g.view.readDoubleLE(8)]; }, { returns: [3, 6, 3.5] }),
    guardedCase('h_mix_fill(15-byte guarded subarray) is a RangeError', 15, (g) => mixFill(g.view, 3), rangeError(1, 'H_Mix *')),
    guardedCase('h_arr_fill(27-byte guarded subarray) is a RangeError', 27, (g) => arrFill(g.view), rangeError(1, 'H_Arr *')),
    guardedCase('h_arr_fill(28-byte guarded subarray) fills it', 28, (g) => { arrFill(g.view); return g.view.readInt32LE(0); }, { returns: 4 }),
    guardedCase('h_union_fill(7-byte guarded subarray) is a RangeError', 7, (g) => unionFill(g.view, 1), rangeError(1, 'H_Union *')),
    guardedCase('read_i32_pp([2-byte buffer]) is a RangeError (the inner pointee is an int32_t)', 2, (g) => readPP([g.view]), { throws: ['RangeError'], match: [argRe(1)] }),
    guardedCase('read_i32_pp([4-byte buffer]) reads it', 4, (g) => { g.view.writeInt32LE(99); return readPP([g.view]); }, { returns: 99 }),
    guardedCase('h_holder_write({ p: 2-byte buffer }) is a RangeError (member int32_t *)', 2, (g) => holderWrite({ p: g.view }, 0x11223344), { throws: ['RangeError'], match: [argRe(1)] }),
    guardedCase('h_holder_read({ p: 2-byte buffer }) is a RangeError (member int32_t *)', 2, (g) => holderRead({ p: g.view }), { throws: ['RangeError'], match: [argRe(1)] }),
    guardedCase('h_holder_write({ p: 4-byte buffer }) writes inside it', 4, (g) => { holderWrite({ p: g.view }, -9); return g.view.readInt32LE(); }, { returns: -9 }),
    guardedCase('fill_bytes(8-byte guarded subarray, n = 8) stays inside', 8, (g) => { fill(g.view, 0x11, 8); return g.view.every((b) => b === 0x11); }, { returns: true }),
    { name: 'write_i32_at(Int32Array over a SharedArrayBuffer)', run: () => { const a = new Int32Array(new SharedArrayBuffer(8), 4, 1); write(a, 77); return a[0]; }, expect: { returns: 77 } },
    { name: 'write_i32_at(length-tracking view of a buffer grown after creation)', run: () => {
      if (typeof ArrayBuffer.prototype.resize !== 'function') return 5;
      const ab = new ArrayBuffer(0, { maxByteLength: 64 });
      const v = new Int32Array(ab);
      ab.resize(4);
      write(v, 5);
      return v[0];
    }, expect: { returns: 5 } },
    { name: 'write_i32_at(Int32Array out of bounds after its buffer shrank) is a RangeError', run: () => {
      if (typeof ArrayBuffer.prototype.resize !== 'function') throw new RangeError('argument 1 int32_t * (no resizable buffers here)');
      const ab = new ArrayBuffer(16, { maxByteLength: 64 });
      const v = new Int32Array(ab, 8, 2);
      ab.resize(4);
      return write(v, 5);
    }, expect: rangeError(1, 'int32_t *') },
  );
  return cases;
}

// -------------------------------------------------------------------------------------------
// Aggregates by value: struct, union, arrays inside a struct.
// -------------------------------------------------------------------------------------------

function structWholeExpect(entry, made) {
  const zero = mixHash({});
  const wrong = argTypeError(1, 'H_Mix', entry);
  const isZero = (r) => r === zero || `expected the hash of a zeroed H_Mix (${zero}), got ${r}`;
  if (has(entry, 'nullish')) return wrong; // C has no NULL struct
  if (has(entry, 'throwing') && has(entry, 'array')) return { ...wrong, orPropagates: made.error };
  if (has(entry, 'throwing')) return { propagates: made.error };
  if (has(entry, 'revoked')) return { throws: ['TypeError'] };
  if (['bool', 'number', 'bigint', 'string', 'symbol', 'array'].some((tag) => has(entry, tag))) return wrong;
  if (has(entry, 'function') || has(entry, 'exotic') || has(entry, 'bufferlike') || entry.name === 'new Proxy([], {})')
    return { ...wrong, either: true, check: isZero };
  return { check: isZero };
}

function memberExpect(member, entry, made) {
  // c is an int8_t member, d a double member.
  const path = new RegExp(`\\.${member}(?!\\w)|'${member}'|member ${member}`);
  const wrong = { throws: ['TypeError'], match: [argRe(1), 'H_Mix', path] };
  if (entry.name === 'undefined') return { returns: mixHash({}) };
  if (has(entry, 'throwing') || has(entry, 'throwing-coercion')) return { ...wrong, orPropagates: made.error };
  const v = made.value;
  if (member === 'c' && (has(entry, 'number') || has(entry, 'bigint'))) {
    const c = Number(cInt(v, 8, true));
    return { returns: mixHash({ c }) };
  }
  if (member === 'd' && has(entry, 'number')) return { returns: mixHash({ d: v }) };
  if (member === 'd' && has(entry, 'bigint')) return { ...wrong, either: true, returns: mixHash({ d: Number(v) }) };
  if (entry.name === 'null') return { ...wrong, either: true, returns: mixHash({}) };
  if (has(entry, 'boxed')) return { ...wrong, either: true, check: (r) => typeof r === 'number' };
  return wrong;
}

function unionWholeExpect(entry, made) {
  if (has(entry, 'nullish')) return argTypeError(1, 'H_Union', entry);
  if (has(entry, 'throwing')) return { throws: ERRORS, orPropagates: made.error };
  if (has(entry, 'revoked')) return { throws: ['TypeError'] };
  if (['bool', 'number', 'bigint', 'string', 'symbol'].some((tag) => has(entry, tag))) return argTypeError(1, 'H_Union', entry);
  // Objects, arrays, functions, buffers: none has exactly one member of H_Union.
  return { throws: ERRORS, match: [argRe(1)] };
}

function aggregates() {
  const { hostile } = E.setup();
  const cases = [];
  const mix = hostile.func('uint32_t h_mix_hash(H_Mix v)');
  for (const entry of hostileValues()) {
    const made = instantiate(entry);
    cases.push({ name: `H_Mix by value <- ${entry.name}`, run: () => mix(made.value), expect: structWholeExpect(entry, made) });
  }
  for (const member of ['c', 'd']) {
    for (const entry of hostileValues()) {
      const made = instantiate(entry);
      cases.push({
        name: `H_Mix by value { ${member}: ${entry.name} }`,
        run: () => mix({ [member]: made.value }),
        expect: memberExpect(member, entry, made),
      });
    }
  }
  cases.push(
    { name: 'H_Mix { c: 1, i: 2, d: 3.5 } hashes member by member', run: () => mix({ c: 1, i: 2, d: 3.5 }), expect: { returns: mixHash({ c: 1, i: 2, d: 3.5 }) } },
    { name: 'H_Mix with extra keys ignores them', run: () => mix({ c: 1, zz: 'x', [Symbol('k')]: 1 }), expect: { returns: mixHash({ c: 1 }) } },
    { name: 'H_Mix from an instance with members on its prototype', run: () => mix(Object.create({ c: 5, i: 6 })), expect: { returns: mixHash({ c: 5, i: 6 }) } },
  );

  const bits = hostile.func('uint32_t h_union_bits(H_Union u)');
  const uhash = hostile.func('uint32_t h_union_hash(H_Union u)');
  for (const entry of hostileValues()) {
    const made = instantiate(entry);
    cases.push({ name: `H_Union by value <- ${entry.name}`, run: () => bits(made.value), expect: unionWholeExpect(entry, made) });
  }
  const u8 = (...b) => fnv1a(Buffer.from([...b, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8)));
  cases.push(
    { name: 'H_Union { i: 5 }', run: () => bits({ i: 5 }), expect: { returns: 5 } },
    { name: 'H_Union { i: 5 } zeroes the other bytes', run: () => uhash({ i: 5 }), expect: { returns: u8(5) } },
    { name: 'H_Union { f: 1.5 }', run: () => bits({ f: 1.5 }), expect: { returns: 0x3fc00000 } },
    { name: 'H_Union { b: [1..8] }', run: () => bits({ b: [1, 2, 3, 4, 5, 6, 7, 8] }), expect: { returns: 0x04030201 } },
    { name: 'H_Union { b: Uint8Array [1..8] }', run: () => bits({ b: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }), expect: { returns: 0x04030201 } },
    { name: 'H_Union { b: 9 elements } is a RangeError', run: () => bits({ b: [1, 2, 3, 4, 5, 6, 7, 8, 9] }), expect: { throws: ['RangeError'], match: [argRe(1), 'H_Union', /\bb\b/] } },
    { name: 'H_Union { b: Uint8Array(9) } is a RangeError', run: () => bits({ b: new Uint8Array(9) }), expect: { throws: ['RangeError'], match: [argRe(1), /\bb\b/] } },
    { name: "H_Union { i: 'x' } is a TypeError naming .i", run: () => bits({ i: 'x' }), expect: { throws: ['TypeError'], match: [argRe(1), 'H_Union', /\bi\b/, 'string'] } },
    { name: 'H_Union {} (no member) is an error', run: () => bits({}), expect: { throws: ERRORS, match: [argRe(1)] } },
    { name: 'H_Union { i: 1, f: 2 } (two members) is an error', run: () => bits({ i: 1, f: 2 }), expect: { throws: ERRORS, match: [argRe(1)] } },
    { name: 'H_Union { zz: 1 } (unknown member) is an error naming it', run: () => bits({ zz: 1 }), expect: { throws: ERRORS, match: [argRe(1), 'zz'] } },
    { name: 'H_Union { i: undefined, f: 2 }', run: () => bits({ i: undefined, f: 2 }), expect: { either: true, throws: ERRORS, returns: 0x40000000 } },
    { name: 'new koffi.Union(H_Union) with f = 2.5', run: () => { const u = new koffi.Union('H_Union'); u.f = 2.5; return bits(u); }, expect: { returns: 0x40200000 } },
    { name: 'new koffi.Union(H_Union) with no active member', run: () => bits(new koffi.Union('H_Union')), expect: { either: true, throws: ERRORS, returns: 0 } },
    { name: "new koffi.Union('H_Mix') (not a union) is a TypeError", run: () => new koffi.Union('H_Mix'), expect: { throws: ['TypeError'], match: ['H_Mix'] } },
    { name: "new koffi.Union('nope_t') names the type", run: () => new koffi.Union('nope_t'), expect: { throws: DECL_ERRORS, match: ['nope_t'] } },
  );

  const arr = hostile.func('uint32_t h_arr_hash(H_Arr v)');
  const A = (name, value, expect) => cases.push({ name: `H_Arr ${name}`, run: () => arr(typeof value === 'function' ? value() : value), expect });
  const valsRe = /vals/;
  A('{ n: 1, vals: [1, 2, 3, 4], tag: "abc" }', { n: 1, vals: [1, 2, 3, 4], tag: 'abc' }, { returns: arrHash(1, [1, 2, 3, 4], Buffer.from('abc')) });
  A('{ vals: Int32Array [5, 6, 7, 8] }', { vals: Int32Array.of(5, 6, 7, 8) }, { returns: arrHash(0, [5, 6, 7, 8], []) });
  A('{ vals: [1, 2] } (short: the rest is zero)', { vals: [1, 2] }, { returns: arrHash(0, [1, 2], []) });
  A('{ tag: "abcdefghij" } (truncated, NUL-terminated)', { tag: 'abcdefghij' }, { returns: arrHash(0, [], Buffer.from('abcde')) });
  A('{ tag: "éééé" } (8 UTF-8 bytes into char[6])', { tag: 'éééé' }, {
    check: (r) => [Buffer.from('éé'), Buffer.from('ééé').subarray(0, 5)].some((b) => r === arrHash(0, [], b)) || `unexpected hash ${r}`,
  });
  A('{ tag: [104, 105] }', { tag: [104, 105] }, { returns: arrHash(0, [], Buffer.from('hi')) });
  A('{ tag: Buffer "hi" } (2 bytes for char[6])', { tag: Buffer.from('hi') }, { either: true, throws: ['RangeError', 'TypeError'], returns: arrHash(0, [], Buffer.from('hi')) });
  A('{ vals: 5 elements } is a RangeError naming vals', { vals: [1, 2, 3, 4, 5] }, { throws: ['RangeError'], match: [argRe(1), 'H_Arr', valsRe] });
  A('{ vals: Int32Array(5) } is a RangeError naming vals', { vals: new Int32Array(5) }, { throws: ['RangeError'], match: [argRe(1), valsRe] });
  A('{ vals: Int32Array(0) }', { vals: new Int32Array(0) }, { either: true, throws: ['RangeError'], returns: arrHash(0, [], []) });
  A('{ vals: Float64Array(2) } (16 bytes of another element type)', { vals: new Float64Array(2) }, { either: true, throws: ['RangeError', 'TypeError'], returns: arrHash(0, [], []) });
  A('{ vals: Int32Array of a detached buffer }', () => ({ vals: E.detached().view }), { either: true, throws: ['RangeError', 'TypeError'], returns: arrHash(0, [], []) });
  A('{ vals: 5 } is a TypeError naming vals', { vals: 5 }, { throws: ['TypeError'], match: [argRe(1), valsRe, 'number'] });
  A('{ vals: {} } is a TypeError naming vals', { vals: {} }, { throws: ['TypeError'], match: [argRe(1), valsRe] });
  A("{ vals: [1, 'x'] } is a TypeError naming vals[1]", { vals: [1, 'x'] }, { throws: ['TypeError'], match: [argRe(1), /vals\[1\]|vals.*\[1\]/, 'string'] });
  A('{ vals: sparse array of length 2**32 - 1 } is a RangeError', () => { const a = []; a.length = 2 ** 32 - 1; return { vals: a }; }, { throws: ['RangeError'], match: [argRe(1), valsRe] });
  A('{ tag: 5 } is a TypeError naming tag', { tag: 5 }, { throws: ['TypeError'], match: [argRe(1), /tag/] });
  A('{ tag: Symbol() } is a TypeError naming tag', () => ({ tag: Symbol('t') }), { throws: ['TypeError'], match: [argRe(1), /tag/, 'symbol'] });
  A("{ n: 'x' } is a TypeError naming n", { n: 'x' }, { throws: ['TypeError'], match: [argRe(1), /\bn\b/] });
  {
    const error = new E.Sentinel('vals getter');
    const vals = [1, 2, 3, 4];
    Object.defineProperty(vals, 2, { get() { throw error; } });
    A('{ vals: array whose element getter throws } propagates', { vals }, { propagates: error });
  }
  A('{ vals: Proxy of [1, 2, 3, 4] }', () => ({ vals: new Proxy([1, 2, 3, 4], {}) }), { either: true, throws: ['TypeError'], returns: arrHash(0, [1, 2, 3, 4], []) });
  return cases;
}

// -------------------------------------------------------------------------------------------
// Output and input/output parameters.
// -------------------------------------------------------------------------------------------

function outparams() {
  const { cptest, hostile } = E.setup();
  const out = cptest.func('int out_i32(_Out_ int32_t *out, int32_t v)');
  const inc = cptest.func('void inc_i32(_Inout_ int32_t *p)');
  const swap = cptest.func('void swap_i32(_Inout_ int32_t *a, _Inout_ int32_t *b)');
  const mixFill = hostile.func('int h_mix_fill(_Out_ H_Mix *out, int32_t seed)');
  const arrFill = hostile.func('int h_arr_fill(_Out_ H_Arr *out)');
  const unionFill = hostile.func('int h_union_fill(_Out_ H_Union *out, uint32_t v)');
  const fillSeq = cptest.func('void fill_i32_seq(_Out_ int32_t *a, size_t n, int32_t start, int32_t step)');
  const cases = [];
  const C = (name, run, expect, after) => cases.push({ name, run, expect, after });

  for (const entry of hostileValues()) {
    const made = instantiate(entry);
    let expect;
    if (has(entry, 'nullish')) expect = { returns: 0 };
    else if (has(entry, 'bigint')) continue; // an address C would write to
    else if (has(entry, 'bufferlike')) expect = entry.bytes < 4 ? rangeError(1, 'int32_t *') : { returns: 1 };
    // An _Out_ pointee need not be read: a throwing getter may or may not be reached.
    else if (has(entry, 'throwing') || has(entry, 'throwing-coercion')) expect = { either: true, throws: ['TypeError'], orPropagates: made.error, returns: 1 };
    else if (['bool', 'number', 'string', 'symbol'].some((tag) => has(entry, tag))) expect = argTypeError(1, 'int32_t *', entry);
    else if (has(entry, 'function')) expect = { either: true, throws: ['TypeError'], returns: 1 };
    else if (entry.name === "['x']") expect = { either: true, throws: ['TypeError'], returns: 1 };
    else expect = { either: true, throws: ['TypeError', 'RangeError'], returns: 1 };
    C(`_Out_ int32_t * <- ${entry.name}`, () => out(made.value, 7), expect);
  }
  // _Inout_ H_Mix *: the pointee is read (getters run) and written back.
  const mixInout = hostile.func('int h_mix_fill(_Inout_ H_Mix *p, int32_t seed)');
  for (const entry of hostileValues()) {
    const made = instantiate(entry);
    if (has(entry, 'bigint')) continue; // an address C would write to
    let expect = pointerExpect({ ctype: 'H_Mix *', pointee: 'record', need: 16 }, entry, made);
    if (has(entry, 'nullish')) expect = { returns: 0 };
    else if (expect.check === nonNullAddress) expect = { ...expect, check: (r) => r === 1 || `returned ${r}` };
    C(`_Inout_ H_Mix * <- ${entry.name}`, () => mixInout(made.value, 5), expect);
  }
  C('_Out_ int32_t * [0] receives the value', () => { const a = [0]; const r = out(a, 7); return [r, a.length, a[0]]; }, { returns: [1, 1, 7] });
  C('_Out_ int32_t * [] stays empty', () => { const a = []; out(a, 7); return a.length; }, { either: true, throws: ['RangeError', 'TypeError'], returns: 0 });
  C('_Out_ int32_t * Int32Array(1)', () => { const a = new Int32Array(1); out(a, 7); return a[0]; }, { returns: 7 });
  {
    let g;
    C('_Out_ int32_t * 2-byte guarded subarray is a RangeError', () => { g = guarded(2); return out(g.view, 7); }, rangeError(1, 'int32_t *'), () => g.intact());
  }
  C('_Out_ int32_t * frozen [0]', () => { const a = Object.freeze([0]); out(a, 7); return a[0]; }, { either: true, throws: ['TypeError'], returns: 0 });
  {
    const error = new E.Sentinel('setter');
    C('_Out_ int32_t * array whose element setter throws: the exception propagates', () => {
      const a = [0];
      Object.defineProperty(a, 0, { get: () => 0, set() { throw error; } });
      return out(a, 7);
    }, { propagates: error });
  }
  C('_Inout_ arrays grown by a getter of a later argument (copy-back must not read past the marshalled copy)', () => {
    const a = [1];
    const b = [0];
    Object.defineProperty(b, 0, { get() { for (let i = 0; i < 3e6; i++) a.push(i); return 2; } });
    swap(a, b);
    return a[0];
  }, { either: true, throws: ERRORS, check: (r) => r === 2 || `a[0] should be 2 after the swap, got ${r}` });
  C('_Inout_ array grown by its own element getter', () => {
    const a = [1, 0];
    Object.defineProperty(a, 1, { get() { for (let i = 0; i < 3e6; i++) a.push(i); return 5; } });
    inc(a);
    return a[0];
  }, { either: true, throws: ERRORS, check: (r) => r === 2 || `a[0] should be 2, got ${r}` });
  C('_Inout_ array shrunk by a getter of a later argument', () => {
    const a = [1, 2, 3, 4];
    const b = [0];
    Object.defineProperty(b, 0, { get() { a.length = 0; return 2; } });
    swap(a, b);
    return a.length;
  }, { either: true, throws: ERRORS, check: (r) => r <= 4 || `the array grew to ${r}` });
  C('_Inout_ int32_t * [41] becomes [42]', () => { const a = [41]; inc(a); return a[0]; }, { returns: 42 });
  C('_Inout_ int32_t * [2**31 - 1] wraps', () => { const a = [2 ** 31 - 1]; inc(a); return a[0]; }, { returns: -(2 ** 31) });
  C('_Inout_ int32_t * [2n**40n] truncates', () => { const a = [2n ** 40n]; inc(a); return a[0]; }, { returns: 1 });
  C("_Inout_ int32_t * ['x'] is a TypeError naming [0]", () => inc(['x']), { throws: ['TypeError'], match: [argRe(1), /\[0\]/, 'string'] });
  C('_Inout_ int32_t * Proxy of [1]', () => inc(new Proxy([1], {})), { either: true, throws: ['TypeError'], check: () => true });

  C('_Out_ H_Mix * {} is filled', () => { const o = {}; mixFill(o, 5); return [o.c, o.i, o.d]; }, { returns: [5, 10, 5.5] });
  C('_Out_ H_Mix * keeps unrelated keys', () => { const o = { keep: 'me' }; mixFill(o, 5); return o.keep; }, { returns: 'me' });
  C('_Out_ H_Mix * frozen object', () => { const o = Object.freeze({ c: 0 }); mixFill(o, 5); return o.c; }, { either: true, throws: ['TypeError'], returns: 0 });
  {
    const error = new E.Sentinel('member setter');
    C('_Out_ H_Mix * with a throwing setter: the exception propagates', () => {
      const o = {};
      Object.defineProperty(o, 'i', { get: () => 0, set() { throw error; }, enumerable: true });
      return mixFill(o, 5);
    }, { propagates: error });
    const error2 = new E.Sentinel('set trap');
    C('_Out_ H_Mix * Proxy whose set trap throws: the exception propagates', () => mixFill(new Proxy({}, { set() { throw error2; } }), 5), { propagates: error2 });
  }
  C('_Out_ H_Mix * [{}, {}] fills the first', () => { const a = [{}, {}]; mixFill(a, 5); return [a[0].i, a[1].i]; }, { either: true, throws: ['TypeError'], check: (r) => r[0] === 10 || `got ${r}` });
  C('_Out_ H_Mix * null', () => mixFill(null, 5), { returns: 0 });
  C('_Out_ H_Mix * 5 is a TypeError', () => mixFill(5, 5), argTypeError(1, 'H_Mix *'));
  {
    let g;
    C('_Out_ H_Mix * 15-byte guarded subarray is a RangeError', () => { g = guarded(15); return mixFill(g.view, 5); }, rangeError(1, 'H_Mix *'), () => g.intact());
  }
  C('_Out_ H_Arr * {} gets n, vals and tag', () => {
    const o = {};
    arrFill(o);
    return [o.n, Array.from(o.vals || []).join(','), o.tag];
  }, { returns: [4, '1,2,3,4', 'hello'] });
  C('_Out_ H_Union * koffi.Union', () => { const u = new koffi.Union('H_Union'); unionFill(u, 9); return [u.i, u.b[4]]; }, { returns: [9, 0xee] });
  C('_Out_ H_Union * {}', () => { const o = {}; unionFill(o, 9); return o.i; }, { either: true, throws: ERRORS, returns: 9 });
  C('_Out_ int32_t * with 1e6 elements is copied back', () => { const a = new Array(1e6).fill(0); fillSeq(a, 1e6, 1, 2); return [a[0], a[999999]]; }, { returns: [1, 1999999] });
  // 2^32 - 1 elements are 16 GB: a bound on the length, not the machine's memory, must stop it.
  C('_Out_ int32_t * sparse array of length 2**32 - 1 is a RangeError', () => { const a = []; a.length = 2 ** 32 - 1; return fillSeq(a, 0, 1, 1); }, { throws: ['RangeError'] });
  return cases;
}

// -------------------------------------------------------------------------------------------
// Arity, variadic pairs.
// -------------------------------------------------------------------------------------------

function arity() {
  const { cptest, hostile } = E.setup();
  const cases = [];
  const fns = [
    ['void cp_noop(void)', 0],
    ['int id_int(int v)', 1],
    ['size_t str_len(const char *s)', 1],
    ['int out_i32(_Out_ int32_t *out, int32_t v)', 2],
    [`long long sum_i20(${Array.from({ length: 20 }, (_, i) => `int a${i}`).join(', ')})`, 20],
  ];
  for (const [proto, n] of fns) {
    const fn = cptest.func(proto);
    const name = /(\w+)\(/.exec(proto)[1];
    const counts = [0, n - 1, n + 1, n + 1000, 65535].filter((c, i, all) => c >= 0 && c !== n && all.indexOf(c) === i);
    for (const c of counts) {
      cases.push({ name: `${name}() with ${c} arguments (expects ${n})`, run: () => fn(...new Array(c).fill(0)), expect: { throws: ['TypeError'], match: [String(n)] } });
    }
  }
  const mix = hostile.func('uint32_t h_mix_hash(H_Mix v)');
  cases.push(
    { name: 'h_mix_hash() with no argument', run: () => mix(), expect: { throws: ['TypeError'], match: ['1'] } },
    { name: 'h_mix_hash({}, {}) with two arguments', run: () => mix({}, {}), expect: { throws: ['TypeError'], match: ['1'] } },
    { name: 'new on a declared function', run: () => { const F = cptest.func('int id_int(int v)'); return new F(5); }, expect: { either: true, throws: ERRORS, check: () => true } },
    { name: 'declared function called with a hostile this', run: () => cptest.func('int id_int(int v)').call(new Proxy({}, { get() { throw new Error('this'); } }), 5), expect: { returns: 5 } },
  );

  const vsum = cptest.func('long long variadic_sum_i(int n, ...)');
  const dsum = cptest.func('double variadic_sum_d(int n, ...)');
  const V = (name, run, expect) => cases.push({ name: `variadic: ${name}`, run, expect });
  V('no arguments at all', () => vsum(), { throws: ['TypeError'] });
  V("odd count (1, 'int')", () => vsum(1, 'int'), { throws: ['TypeError'] });
  V("odd count (2, 'int', 1, 'int')", () => vsum(2, 'int', 1, 'int'), { throws: ['TypeError'] });
  V("unknown type name 'nope_t'", () => vsum(1, 'nope_t', 1), { throws: DECL_ERRORS, match: ['nope_t'] });
  V("type name with a NUL ('int\\0int')", () => vsum(1, 'int\0int', 1), { throws: DECL_ERRORS });
  V("type name 'int *)('", () => vsum(1, 'int *)(', 1), { throws: DECL_ERRORS });
  for (const [label, t] of [['5', 5], ['null', null], ['undefined', undefined], ['{}', {}], ['Symbol()', Symbol('t')], ['() => 1', () => 1], ['[]', []]]) {
    V(`type given as ${label}`, () => vsum(1, t, 1), { throws: DECL_ERRORS });
  }
  V("'void' as a type", () => vsum(1, 'void', 1), { throws: DECL_ERRORS, match: ['void'] });
  V("'int[3]' as a type (arrays decay)", () => vsum(1, 'int[3]', [1, 2, 3]), { throws: DECL_ERRORS });
  V("koffi.types.int as the type", () => vsum(1, koffi.types.int, 41), { returns: 41 });
  V("('int', 'x') is a TypeError", () => vsum(1, 'int', 'x'), { throws: ['TypeError'], match: [/argument \d/, 'int', 'string'] });
  V("('str', 5) is a TypeError", () => vsum(1, 'str', 5), { throws: ['TypeError'], match: [/argument \d/, 'number'] });
  V("('int', Buffer) is a TypeError", () => vsum(1, 'int', Buffer.alloc(4)), { throws: ['TypeError'] });
  V("('float', 1.5) to a double sum", () => dsum(1, 'float', 1.5), { returns: 1.5 });
  V("('double', NaN)", () => dsum(1, 'double', NaN), { returns: NaN });
  V("('H_Mix', {}) (a struct through ...)", () => vsum(0, 'H_Mix', {}), { either: true, throws: ERRORS, returns: 0 });
  V('4000 (type, value) pairs', () => { const a = []; for (let i = 0; i < 4000; i++) a.push('int', 1); return vsum(4000, ...a); }, { returns: 4000 });
  V('30000 (type, value) pairs', () => { const a = []; for (let i = 0; i < 30000; i++) a.push('int', 1); return vsum(30000, ...a); }, { either: true, throws: ['RangeError', 'Error'], returns: 30000 });
  V('2000 pairs with one bad value in the middle', () => { const a = []; for (let i = 0; i < 2000; i++) a.push('int', i === 1234 ? 'x' : 1); return vsum(2000, ...a); }, { throws: ['TypeError'], match: ['string'] });
  V('2000 pairs with one unknown type in the middle', () => { const a = []; for (let i = 0; i < 2000; i++) a.push(i === 777 ? 'nope_t' : 'int', 1); return vsum(2000, ...a); }, { throws: DECL_ERRORS, match: ['nope_t'] });
  V("after a TypeObject type, strings like '#0' are not type names", () => {
    vsum(1, koffi.types.int, 1);
    vsum(1, koffi.pointer('int'), null);
    const accepted = [];
    for (let i = 0; i < 64; i++) {
      try {
        vsum(1, `#${i}`, 1);
        accepted.push(`#${i}`);
      } catch (e) {
        // expected
      }
    }
    return accepted;
  }, { returns: [] });
  V('.async on a variadic function is an Error', () => vsum.async(1, 'int', 1, () => {}), { throws: ERRORS });
  return cases;
}

// -------------------------------------------------------------------------------------------
// Memory helpers: alloc, free, decode, encode, view, address, as.
// -------------------------------------------------------------------------------------------

function memory() {
  E.setup();
  const cases = [];
  const C = (name, run, expect, after) => cases.push({ name, run, expect, after });
  const G = (name, size, run, expect, opts) => {
    let g;
    cases.push({ name, run: () => { g = guarded(size, opts); return run(g); }, expect, after: () => g.intact() });
  };

  // alloc / free
  C("alloc('int', 4) and free", () => { const p = koffi.alloc('int', 4); koffi.free(p); return typeof p; }, { returns: 'bigint' });
  C("alloc('H_Mix', 1e6) (16 MB)", () => { const p = koffi.alloc('H_Mix', 1e6); koffi.free(p); return typeof p; }, { returns: 'bigint' });
  C("alloc('int', 0)", () => { const p = koffi.alloc('int', 0); koffi.free(p); return typeof p; }, { either: true, throws: ERRORS, returns: 'bigint' });
  for (const [label, len] of [['-2', -2], ['1.5', 1.5], ['NaN', NaN], ['Infinity', Infinity], ["'4'", '4'], ['null', null], ['4n', 4n], ['2**53', 2 ** 53], ['2**40', 2 ** 40], ['Symbol()', Symbol('n')]]) {
    C(`alloc('int', ${label}) is an exception`, () => { const p = koffi.alloc('int', len); koffi.free(p); return p; }, { throws: ERRORS });
  }
  C("alloc('int', -1)", () => { const p = koffi.alloc('int', -1); koffi.free(p); return typeof p; }, { either: true, throws: ERRORS, returns: 'bigint' });
  C("alloc('nope_t', 1) names the type", () => koffi.alloc('nope_t', 1), { throws: DECL_ERRORS, match: ['nope_t'] });
  C('alloc({}, 1)', () => koffi.alloc({}, 1), { throws: ['TypeError'] });
  C("alloc('void', 4)", () => { const p = koffi.alloc('void', 4); koffi.free(p); return typeof p; }, { either: true, throws: ERRORS, returns: 'bigint' });
  C('alloc(opaque, 1)', () => { const p = koffi.alloc(koffi.opaque(), 1); koffi.free(p); return typeof p; }, { either: true, throws: ERRORS, returns: 'bigint' });
  for (const [label, v] of [['null', null], ['undefined', undefined], ['0n', 0n]]) C(`free(${label}) does nothing`, () => koffi.free(v), { returns: undefined });
  for (const [label, v] of [['-1n', -1n], ['2n**64n + 16n', TWO64 + 16n], ['-(2n**64n) + 32n', -TWO64 + 32n], ['2n**200n + 48n', 2n ** 200n + 48n]]) {
    C(`free(${label}) (not a 64-bit address) is refused`, () => koffi.free(v), { throws: ['TypeError', 'RangeError'] });
  }
  C('free(2n**64n) (truncates to NULL, or refused)', () => koffi.free(TWO64), { either: true, throws: ['TypeError', 'RangeError'], returns: undefined });
  for (const [label, v] of [['5', 5], ["'x'", 'x'], ['{}', {}], ['Buffer.alloc(8)', Buffer.alloc(8)], ['new ArrayBuffer(8)', new ArrayBuffer(8)], ['Symbol()', Symbol('p')]]) {
    C(`free(${label}) is a TypeError (never frees JS memory)`, () => koffi.free(v), { throws: ['TypeError'] });
  }

  // decode
  const NULLISH_TARGETS = [['null', null], ['undefined', undefined], ['0n', 0n]];
  const BAD_ADDRESSES = [['-1n', -1n], ['-8n', -8n], ['2n**64n + 8n', TWO64 + 8n], ['2n**128n + 64n', 2n ** 128n + 64n]];
  const WRONG_TARGETS = [['5', 5], ["'abc'", 'abc'], ['{}', {}], ['[]', []], ['Symbol()', Symbol('t')], ['true', true]];
  for (const [label, v] of NULLISH_TARGETS) C(`decode(${label}, 'int') is an exception`, () => koffi.decode(v, 'int'), { throws: ERRORS });
  for (const [label, v] of BAD_ADDRESSES) C(`decode(${label}, 'int') (not a 64-bit address) is refused`, () => koffi.decode(v, 'int'), { throws: ['TypeError', 'RangeError'] });
  for (const [label, v] of WRONG_TARGETS) C(`decode(${label}, 'int') is a TypeError`, () => koffi.decode(v, 'int'), { throws: ['TypeError'] });
  G("decode(4-byte subarray, 'int')", 4, (g) => { g.view.writeInt32LE(-3); return koffi.decode(g.view, 'int'); }, { returns: -3 });
  for (const [label, off, type] of [['1', 1, 'int'], ['4', 4, 'char'], ['-1', -1, 'char'], ['2**53', 2 ** 53, 'char'], ['-(2**53)', -(2 ** 53), 'char'],
    ['2**64', 2 ** 64, 'char'], ['Infinity', Infinity, 'char'], ['-Infinity', -Infinity, 'char'], ['2n**64n', TWO64, 'char'], ['-1n', -1n, 'char'], ['2**32 + 1', 2 ** 32 + 1, 'char']]) {
    G(`decode(4-byte subarray, offset ${label}, '${type}') is a RangeError`, 4, (g) => koffi.decode(g.view, off, type), { throws: ['RangeError'] });
  }
  G("decode(4-byte subarray, offset NaN, 'char')", 4, (g) => koffi.decode(g.view, NaN, 'char'), { either: true, throws: ERRORS, check: (r) => r === 0 || `got ${r}` });
  G("decode(4-byte subarray, offset 1.5, 'char')", 4, (g) => koffi.decode(g.view, 1.5, 'char'), { either: true, throws: ERRORS, check: (r) => r === 0 || `got ${r}` });
  for (const [label, len] of [['2', 2], ['2**31', 2 ** 31], ['2**53', 2 ** 53], ['-2', -2], ['1.5', 1.5], ['NaN', NaN], ["'1'", '1'], ['1n', 1n]]) {
    G(`decode(4-byte subarray, 'int', ${label}) is an exception`, 4, (g) => koffi.decode(g.view, 'int', len), { throws: ERRORS });
  }
  G("decode(4-byte subarray, 'int', 1)", 4, (g) => { g.view.writeInt32LE(6); return Array.from(koffi.decode(g.view, 'int', 1)); }, { returns: [6] });
  G("decode(4-byte subarray, 'char', -1) stops at the end of the buffer", 4, (g) => koffi.decode(g.view, 'char', -1),
    { either: true, throws: ERRORS, check: (r) => (typeof r === 'string' && r.length <= 4) || `read past the buffer: ${S(r)}` }, { content: 0x41, fill: 0x42 });
  for (const t of ['H_Mix', 'int[2]', 'double', 'int64_t', 'uint64_be_t', 'const char *']) {
    // 4 bytes, or fewer for a type that fits them (a 4-byte pointer on ia32).
    const n = Math.min(4, koffi.sizeof(t) - 1);
    G(`decode(${n}-byte subarray, '${t}') is a RangeError`, n, (g) => koffi.decode(g.view, t), { throws: ['RangeError'] });
  }
  G("decode(4-byte subarray, 'nope_t') names the type", 4, (g) => koffi.decode(g.view, 'nope_t'), { throws: DECL_ERRORS, match: ['nope_t'] });
  G("decode(4-byte subarray, 'void')", 4, (g) => koffi.decode(g.view, 'void'), { either: true, throws: ERRORS, returns: undefined });
  C("decode(detached ArrayBuffer, 'int') is a RangeError", () => koffi.decode(E.detached().ab, 'int'), { throws: ['RangeError', 'TypeError'] });
  C("decode(Int32Array of a detached buffer, 'int') is a RangeError", () => koffi.decode(E.detached().view, 'int'), { throws: ['RangeError', 'TypeError'] });
  C("decode(new SharedArrayBuffer(4), 'int')", () => koffi.decode(new SharedArrayBuffer(4), 'int'), { either: true, throws: ['TypeError'], returns: 0 });
  C("decode(Int32Array over a SharedArrayBuffer, 'int')", () => koffi.decode(new Int32Array(new SharedArrayBuffer(4)), 'int'), { returns: 0 });
  // String shortcuts on a buffer with no terminator: the read must stop at its end.
  for (const [fn, unit] of [['string', 1], ['string16', 2], ['string32', 4], ['wstring', 4]]) {
    G(`decode.${fn}(8-byte subarray without a terminator) stays inside it`, 8, (g) => koffi.decode[fn](g.view),
      { either: true, throws: ERRORS, check: (r) => (typeof r === 'string' && r.length <= 8 / unit) || `read past the buffer: ${S(r)}` },
      { content: 0x41, fill: 0x42 });
    G(`decode.${fn}(8-byte subarray, length too long) is a RangeError`, 8, (g) => koffi.decode[fn](g.view, 64), { throws: ['RangeError'] }, { content: 0x41, fill: 0x42 });
    G(`decode.${fn}(8-byte subarray, length 2**62) is a RangeError`, 8, (g) => koffi.decode[fn](g.view, 2 ** 62), { throws: ['RangeError'] }, { content: 0x41, fill: 0x42 });
    G(`decode.${fn}(8-byte subarray, length 2**62 + 1 unit) is a RangeError`, 8, (g) => koffi.decode[fn](g.view, 2 ** 62 + 4), { throws: ['RangeError'] }, { content: 0x41, fill: 0x42 });
    G(`decode.${fn}(8-byte subarray, length 'x')`, 8, (g) => koffi.decode[fn](g.view, 'x'),
      { either: true, throws: ERRORS, check: (r) => (typeof r === 'string' && r.length <= 8 / unit) || `read past the buffer: ${S(r)}` },
      { content: 0x41, fill: 0x42 });
    G(`decode.${fn}(8-byte subarray, length -5)`, 8, (g) => koffi.decode[fn](g.view, -5),
      { either: true, throws: ERRORS, check: (r) => (typeof r === 'string' && r.length <= 8 / unit) || `read past the buffer: ${S(r)}` },
      { content: 0x41, fill: 0x42 });
    C(`decode.${fn}(-1n) is refused`, () => koffi.decode[fn](-1n), { throws: ['TypeError', 'RangeError'] });
    C(`decode.${fn}(5) is a TypeError`, () => koffi.decode[fn](5), { throws: ['TypeError'] });
    C(`decode.${fn}(null)`, () => koffi.decode[fn](null), { either: true, throws: ERRORS, returns: null });
  }
  for (const sc of ['int', 'uint8', 'int64be', 'double', 'float', 'uint32le']) {
    G(`decode.${sc}(4-byte subarray, offset 4) is a RangeError`, 4, (g) => koffi.decode[sc](g.view, 4), { throws: ['RangeError'] });
    G(`decode.${sc}(4-byte subarray, offset -1) is a RangeError`, 4, (g) => koffi.decode[sc](g.view, -1), { throws: ['RangeError'] });
    C(`decode.${sc}(5) is a TypeError`, () => koffi.decode[sc](5), { throws: ['TypeError'] });
    C(`decode.${sc}(0n) is an Error`, () => koffi.decode[sc](0n), { throws: ERRORS });
    C(`decode.${sc}(2n**64n + 8n) is refused`, () => koffi.decode[sc](TWO64 + 8n), { throws: ['TypeError', 'RangeError'] });
  }

  // encode
  G("encode(4-byte subarray, 'int', 5)", 4, (g) => { koffi.encode(g.view, 'int', 5); return g.view.readInt32LE(); }, { returns: 5 });
  for (const [label, args] of [
    ["offset 1, 'int'", [1, 'int', 5]], ["offset 4, 'char'", [4, 'char', 1]], ["offset -1, 'char'", [-1, 'char', 1]],
    ["offset 2**53, 'char'", [2 ** 53, 'char', 1]], ["offset 2n**64n, 'char'", [TWO64, 'char', 1]], ["offset -1n, 'char'", [-1n, 'char', 1]],
    ["'int', 5, length 2", ['int', 5, 2]], ["'int', [1, 2], length 2", ['int', [1, 2], 2]], ["'int[1]', [1, 2]", ['int[1]', [1, 2]]],
    ["'double', 1", ['double', 1]], ["'H_Mix', {}", ['H_Mix', {}]], ["'str', 'x' (a pointer)", ['str', 'x']],
    ["'int', 2**31 elements", ['int', [], 2 ** 31]],
  ]) {
    // 4 bytes, or fewer for a pointer of 4 bytes (ia32).
    const n = args[0] === 'str' ? Math.min(4, PTR_SIZE - 1) : 4;
    G(`encode(${n}-byte subarray, ${label}) is a RangeError`, n, (g) => koffi.encode(g.view, ...args), { throws: ['RangeError', 'TypeError'] });
  }
  G("encode(4-byte subarray, 'char', 'abcdefgh', 4) truncates", 4, (g) => { koffi.encode(g.view, 'char', 'abcdefgh', 4); return g.view.toString('latin1'); },
    { either: true, throws: ERRORS, check: (r) => r === 'abc\0' || `got ${S(r)}` });
  G("encode(4-byte subarray, 'int', 'x') is a TypeError", 4, (g) => koffi.encode(g.view, 'int', 'x'), { throws: ['TypeError'] });
  G("encode(4-byte subarray, 'int') without a value", 4, (g) => koffi.encode(g.view, 'int'), { throws: ERRORS });
  G("encode(4-byte subarray, 'int', 5, -1)", 4, (g) => koffi.encode(g.view, 'int', 5, -1), { throws: ERRORS });
  G("encode(8-byte subarray, 'str', 'x')", 8, (g) => { koffi.encode(g.view, 'str', 'x'); return g.view.readBigUInt64LE() !== 0n; }, { returns: true });
  {
    const error = new E.Sentinel('encode getter');
    const o = {};
    Object.defineProperty(o, 'i', { get() { throw error; }, enumerable: true });
    G("encode(16-byte subarray, 'H_Mix', object whose getter throws) propagates", 16, (g) => koffi.encode(g.view, 'H_Mix', o), { propagates: error });
  }
  for (const [label, v] of NULLISH_TARGETS) C(`encode(${label}, 'int', 1) is an exception`, () => koffi.encode(v, 'int', 1), { throws: ERRORS });
  for (const [label, v] of BAD_ADDRESSES) C(`encode(${label}, 'int', 1) (not a 64-bit address) is refused`, () => koffi.encode(v, 'int', 1), { throws: ['TypeError', 'RangeError'] });
  for (const [label, v] of WRONG_TARGETS) C(`encode(${label}, 'int', 1) is a TypeError`, () => koffi.encode(v, 'int', 1), { throws: ['TypeError'] });
  C("encode(detached ArrayBuffer, 'int', 1) is a RangeError", () => koffi.encode(E.detached().ab, 'int', 1), { throws: ['RangeError', 'TypeError'] });
  C("encode(alloc'ed int[2], offset 4, 'int', 7) then decode", () => {
    const p = koffi.alloc('int', 2);
    try {
      koffi.encode(p, 4, 'int', 7);
      return koffi.decode(p, 4, 'int');
    } finally {
      koffi.free(p);
    }
  }, { returns: 7 });

  // view
  for (const [label, v] of NULLISH_TARGETS) C(`view(${label}, 4) is an exception`, () => koffi.view(v, 4), { throws: ERRORS });
  for (const [label, v] of BAD_ADDRESSES) C(`view(${label}, 4) (not a 64-bit address) is refused`, () => koffi.view(v, 4), { throws: ['TypeError', 'RangeError'] });
  for (const [label, v] of WRONG_TARGETS) C(`view(${label}, 4) is a TypeError`, () => koffi.view(v, 4), { throws: ['TypeError'] });
  const withAlloc = (f) => () => {
    const p = koffi.alloc('int', 4);
    try {
      return f(p);
    } finally {
      koffi.free(p);
    }
  };
  for (const [label, len] of [['-1', -1], ['NaN', NaN], ["'4'", '4'], ['2**53', 2 ** 53], ['2**64', 2 ** 64], ['Infinity', Infinity], ['-1n', -1n], ['2n**64n', TWO64]]) {
    C(`view(alloc'ed pointer, ${label}) is an exception`, withAlloc((p) => koffi.view(p, len).byteLength), { throws: ERRORS });
  }
  C("view(alloc'ed pointer, 0)", withAlloc((p) => koffi.view(p, 0).byteLength), { returns: 0 });
  C("view(alloc'ed pointer, 16)", withAlloc((p) => koffi.view(p, 16).byteLength), { returns: 16 });
  G('view(4-byte subarray, 5) is a RangeError', 4, (g) => koffi.view(g.view, 5), { throws: ['RangeError'] });
  G('view(4-byte subarray, 4) sees only the subarray', 4, (g) => { g.view.writeInt32LE(0x01020304); return Array.from(new Uint8Array(koffi.view(g.view, 4))); }, { either: true, throws: ['TypeError'], returns: [4, 3, 2, 1] });
  C('view() over a JS buffer keeps that buffer alive (or refuses buffers)', async () => {
    let ab = new ArrayBuffer(1 << 20);
    let collected = false;
    const registry = new FinalizationRegistry(() => { collected = true; });
    registry.register(ab, 'buffer');
    const v = new Uint8Array(koffi.view(new Uint8Array(ab), 1 << 20));
    ab = null;
    for (let i = 0; i < 6 && !collected; i++) {
      global.gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return collected ? `the buffer was garbage-collected while a view of length ${v.length} still points into it` : 'alive';
  }, { either: true, throws: ['TypeError'], returns: 'alive' });

  // address
  C('address(null)', () => koffi.address(null), { returns: 0n });
  C('address(undefined)', () => koffi.address(undefined), { either: true, throws: ERRORS, returns: 0n });
  C('address(0n)', () => koffi.address(0n), { either: true, throws: ERRORS, returns: 0n });
  C('address(Buffer.alloc(8))', () => koffi.address(Buffer.alloc(8)), { check: (r) => (typeof r === 'bigint' && r > 0n) || `got ${S(r)}` });
  C('address(detached ArrayBuffer)', () => koffi.address(E.detached().ab), { either: true, throws: ERRORS, returns: 0n });
  C('address(Int32Array of a detached buffer)', () => koffi.address(E.detached().view), { either: true, throws: ERRORS, returns: 0n });
  C('address(new SharedArrayBuffer(8))', () => koffi.address(new SharedArrayBuffer(8)), { either: true, throws: ['TypeError'], check: (r) => typeof r === 'bigint' });
  C('address(-1n)', () => koffi.address(-1n), { either: true, throws: ['TypeError', 'RangeError'], check: (r) => typeof r === 'bigint' });
  for (const [label, v] of [['5', 5], ["'x'", 'x'], ['{}', {}], ['[]', []], ['Symbol()', Symbol('a')], ['() => 1', () => 1], ['true', true]]) {
    C(`address(${label}) is a TypeError`, () => koffi.address(v), { throws: ['TypeError'] });
  }
  C('address() with no argument', () => koffi.address(), { either: true, throws: ERRORS, returns: 0n });

  // as
  C("as(Buffer, 'int') (not a pointer type) is a TypeError", () => koffi.as(Buffer.alloc(4), 'int'), { throws: ['TypeError'], match: ['int'] });
  C("as(Buffer, 'nope_t *') names the type", () => koffi.as(Buffer.alloc(4), 'nope_t *'), { throws: DECL_ERRORS, match: ['nope_t'] });
  C('as(Buffer, null) is a TypeError', () => koffi.as(Buffer.alloc(4), null), { throws: ['TypeError'] });
  C("as(Buffer, 'H_Mix') (a struct, not a pointer)", () => koffi.as(Buffer.alloc(16), 'H_Mix'), { throws: ['TypeError'] });
  const { cptest, hostile } = E.setup();
  const ptrIsNull = cptest.func('int ptr_is_null(void *p)');
  const idInt = cptest.func('int id_int(int v)');
  const addr = hostile.func('uintptr_t h_addr(void *p)');
  C("as(5, 'int32_t *') passed to void * is a TypeError", () => ptrIsNull(koffi.as(5, 'int32_t *')), { throws: ['TypeError'], match: [argRe(1)] });
  C("as(Symbol(), 'int32_t *') passed to void * is a TypeError", () => ptrIsNull(koffi.as(Symbol('s'), 'int32_t *')), { throws: ['TypeError'], match: [argRe(1)] });
  C("as(null, 'int32_t *') is NULL", () => ptrIsNull(koffi.as(null, 'int32_t *')), { returns: 1 });
  C("as(Buffer, 'int32_t *') passed to an int parameter is a TypeError", () => idInt(koffi.as(Buffer.alloc(4), 'int32_t *')), { throws: ['TypeError'], match: [argRe(1), 'int'] });
  C("as(as(Buffer, 'int32_t *'), 'H_Mix *') (nested casts)", () => addr(koffi.as(koffi.as(Buffer.alloc(4), 'int32_t *'), 'H_Mix *')), { either: true, throws: ['TypeError', 'RangeError'], check: isAddress });
  C("as([1, 2], 'int32_t *') marshals the array", () => addr(koffi.as([1, 2], 'int32_t *')), { check: nonNullAddress });
  C("as({ c: 'x' }, 'H_Mix *') is a TypeError naming .c", () => addr(koffi.as({ c: 'x' }, 'H_Mix *')), { throws: ['TypeError'], match: [argRe(1), /\bc\b/] });
  return cases;
}

// -------------------------------------------------------------------------------------------
// Huge values: 100 MB strings, million-element arrays, sparse arrays, deep type chains.
// -------------------------------------------------------------------------------------------

function huge() {
  const { cptest, hostile } = E.setup();
  const cases = [];
  const C = (name, run, expect) => cases.push({ name, run, expect });
  const MB100 = 100e6;
  C('str_len of a 100 MB string', () => cptest.func('size_t str_len(const char *s)')('a'.repeat(MB100)), { returns: MB100 });
  C('str_len of 100 MB of two-byte UTF-8', () => cptest.func('size_t str_len(const char *s)')('é'.repeat(MB100 / 2)), { returns: MB100 });
  C('str16_len of a 100 MB string', () => cptest.func('size_t str16_len(const char16_t *s)')('a'.repeat(MB100)), { returns: MB100 });
  C('str32_len of a 100 MB string', () => cptest.func('size_t str32_len(const char32_t *s)')('a'.repeat(MB100)), { returns: MB100 });
  C('wstr_len of 50 M lone surrogates', () => cptest.func('size_t wstr_len(const wchar_t *s)')('\ud800'.repeat(MB100 / 2)), { returns: MB100 / 2 });
  C('str_echo round trip of a 100 MB string', () => cptest.func('const char *str_echo(const char *s)')('b'.repeat(MB100)).length, { returns: MB100 });
  C('three 100 MB strings in one call', () => {
    const s = 'c'.repeat(MB100);
    const fn = hostile.func(`uint32_t h_all_kinds(${ALL_KINDS.join(', ')})`);
    const a = validAllKinds();
    a[11] = s;
    a[12] = s;
    a[13] = s;
    return fn(...a);
  }, { returns: 305 });
  C('a 100 MB string into char tag[6] is truncated', () => hostile.func('uint32_t h_arr_hash(H_Arr v)')({ tag: 'd'.repeat(MB100) }), { returns: arrHash(0, [], Buffer.from('ddddd')) });
  C('encode of a 100 MB string into a char * slot', () => { const b = Buffer.alloc(8); koffi.encode(b, 'const char *', 'e'.repeat(MB100)); return koffi.decode(b, 'const char *').length; }, { returns: MB100 });
  C('sum_i32_array of a million-element JS array', () => cptest.func('long long sum_i32_array(const int32_t *a, size_t n)')(new Array(1e6).fill(7), 1e6), { returns: 7e6 });
  C('sum_double_array of a million-element Float64Array', () => cptest.func('double sum_double_array(const double *a, size_t n)')(new Float64Array(1e6).fill(0.5), 1e6), { returns: 5e5 });
  C('h_mix_hash_ptr of a million objects (reads the first)', () => hostile.func('uint32_t h_mix_hash_ptr(const H_Mix *p)')(Array.from({ length: 1e6 }, () => ({ c: 1 }))), { returns: mixHash({ c: 1 }) });
  C('str_array_total_len of a million strings', () => cptest.func('size_t str_array_total_len(const char **arr, size_t n)')(new Array(1e6).fill('ab'), 1e6), { returns: 2e6 });
  C('a million nested arrays for int32_t **', () => hostile.func('uintptr_t h_addr(int32_t **p)')(Array.from({ length: 1e6 }, (_, i) => [i])), { check: nonNullAddress });
  // Holes are undefined: a TypeError for int32_t elements, but NULL pointers and zeroed structs
  // are valid elements, so only a bound on the length (not the machine's memory) stops those.
  C('sparse array of length 2**32 - 1 for const int32_t * is an exception', () => { const a = []; a.length = 2 ** 32 - 1; return hostile.func('uintptr_t h_addr(const int32_t *p)')(a); }, { throws: ERRORS });
  for (const ctype of ['const H_Mix *', 'const char **', 'int32_t **']) {
    C(`sparse array of length 2**32 - 1 for ${ctype} is a RangeError`, () => { const a = []; a.length = 2 ** 32 - 1; return hostile.func(`uintptr_t h_addr(${ctype} p)`)(a); }, { throws: ['RangeError'] });
  }
  C('array of length 2**32 - 1 with one element for H_Mix * is a RangeError', () => { const a = [{ c: 1 }]; a.length = 2 ** 32 - 1; return hostile.func('uintptr_t h_addr(const H_Mix *p)')(a); }, { throws: ['RangeError'] });
  C('a chain of 3000 struct types, each pointing to the previous, marshalled 3000 deep', () => {
    let prev = koffi.struct('HChain0', { v: 'int32_t' });
    for (let i = 1; i < 3000; i++) prev = koffi.struct(`HChain${i}`, { v: 'int32_t', next: koffi.pointer(prev) });
    let value = { v: 0 };
    for (let i = 1; i < 3000; i++) value = { v: i, next: value };
    return cptest.func('read_i32_at', 'int', [koffi.pointer(prev)])(value);
  }, { either: true, throws: ['RangeError', 'Error'], returns: 2999 });
  C('a cyclic object for a recursive struct pointer', () => {
    const Node = koffi.opaque('HNode');
    koffi.struct(Node, { v: 'int32_t', next: 'HNode *' });
    const o = { v: 5 };
    o.next = o;
    return cptest.func('int read_i32_at(HNode *p)')(o);
  }, { either: true, throws: ERRORS, returns: 5 });
  C('a 100000-deep nested array for int32_t **', () => {
    let v = [1];
    for (let i = 0; i < 1e5; i++) v = [v];
    return hostile.func('uintptr_t h_addr(int32_t **p)')(v);
  }, { throws: ['TypeError'] });
  return cases;
}

// -------------------------------------------------------------------------------------------
// Libraries and symbols: paths and names with NUL characters, unloaded libraries.
// -------------------------------------------------------------------------------------------

function library() {
  const { paths } = E.setup();
  const cases = [];
  const C = (name, run, expect) => cases.push({ name, run, expect });
  // A C string ends at the first NUL: a name with one inside must not silently become its prefix.
  C('load(path + NUL + garbage) is refused, not the library before the NUL', () => koffi.load(`${paths.cphostile}\0garbage`) && 'loaded', { throws: ERRORS });
  C("load('\\0') is refused, not the running process", () => koffi.load('\0') && 'loaded', { throws: ERRORS });
  C('load of a missing library names it', () => koffi.load('/nonexistent/libcallplan-missing.so'), { throws: ['Error'], match: ['libcallplan-missing.so'] });
  for (const [label, v] of [['5', 5], ['{}', {}], ['Symbol()', Symbol('p')], ['[]', []], ['true', true], ['1n', 1n]]) {
    C(`load(${label}) is a TypeError`, () => koffi.load(v), { throws: ['TypeError'] });
  }
  C('load(path, 5) (options not an object) is a TypeError', () => koffi.load(paths.cphostile, 5), { throws: ['TypeError'] });
  C('load(path, { bogus: 1 }) names the option', () => koffi.load(paths.cphostile, { bogus: 1 }), { throws: ERRORS, match: ['bogus'] });
  C('load(path, options whose getter throws) propagates', () => koffi.load(paths.cphostile, { get lazy() { throw new RangeError('lazy getter'); } }), { either: true, throws: ['RangeError'], match: ['lazy getter'], check: () => true });
  const lib = koffi.load(paths.cphostile);
  C("lib.func('h_addr' + NUL + 'x', ...) is refused, not bound to h_addr", () => lib.func('h_addr\0x', 'uintptr_t', ['void *']) && 'bound', { throws: ERRORS });
  C("lib.symbol('h_addr' + NUL + 'x') is refused", () => lib.symbol('h_addr\0x'), { throws: ERRORS });
  C('lib.func with a missing symbol names it', () => lib.func('int h_missing_symbol_xyz(int)'), { throws: ['Error'], match: ['h_missing_symbol_xyz'] });
  C("lib.symbol('') is an Error", () => lib.symbol(''), { throws: ERRORS });
  for (const [label, v] of [['5', 5], ['null', null], ['{}', {}], ['Symbol()', Symbol('s')]]) {
    C(`lib.symbol(${label}) is a TypeError`, () => lib.symbol(v), { throws: ['TypeError', 'Error'] });
  }
  C('a function called after lib.unload() is an Error', () => {
    const l = koffi.load(paths.cphostile);
    const f = l.func('uintptr_t h_addr(void *p)');
    l.unload();
    return f(null);
  }, { throws: ['Error'], match: ['unloaded'] });
  C('lib.func after lib.unload() is an Error', () => {
    const l = koffi.load(paths.cphostile);
    l.unload();
    return l.func('uintptr_t h_addr(void *p)');
  }, { throws: ERRORS });
  C('lib.unload() twice', () => {
    const l = koffi.load(paths.cphostile);
    l.unload();
    return l.unload();
  }, { either: true, throws: ERRORS, returns: undefined });
  C('errno() with hostile values', () => {
    const bad = [];
    for (const v of ['5', NaN, 1.5, {}, Symbol('e'), 5n, null]) {
      try {
        koffi.errno(v);
        bad.push(String(typeof v === 'symbol' ? 'Symbol()' : v));
      } catch (e) {
        if (!(e instanceof TypeError || e instanceof RangeError)) bad.push(`${String(v)}: ${e.constructor.name}`);
      }
    }
    return bad;
  }, { either: true, throws: ERRORS, check: (bad) => bad.length === 0 || `accepted or wrongly rejected: ${bad.join(', ')}` });
  return cases;
}

// -------------------------------------------------------------------------------------------
// Callbacks (only when koffi.proto exists) and async calls (only when fn.async exists).
// -------------------------------------------------------------------------------------------

function callbacks() {
  const { hostile } = E.setup();
  if (typeof koffi.proto !== 'function') return [];
  const cases = [];
  const C = (name, run, expect) => cases.push({ name, run, expect });
  const Cb = koffi.proto('int32_t HCb(int32_t v)');
  const call = hostile.func('int32_t h_call_i32(HCb *cb, int32_t v)');
  C('a JS function as the callback', () => call((v) => v * 2, 21), { returns: 42 });
  C('null callback', () => call(null, 1), { returns: -1 });
  for (const entry of hostileValues()) {
    if (has(entry, 'function') || has(entry, 'nullish')) continue;
    const made = instantiate(entry);
    if (has(entry, 'bigint')) {
      // An address C would call: only 0n is safe.
      if (entry.name !== '0n') continue;
      C(`callback <- ${entry.name}`, () => call(made.value, 1), { returns: -1 });
      continue;
    }
    if (has(entry, 'bufferlike')) {
      // JS memory is no code: C must never be handed a buffer to call.
      C(`callback <- ${entry.name}`, () => call(made.value, 1), entry.bytes ? { throws: ['TypeError'], match: [argRe(1)] } : { either: true, throws: ['TypeError'], returns: -1 });
      continue;
    }
    const wrong = { throws: ['TypeError'], match: [argRe(1)] };
    C(`callback <- ${entry.name}`, () => call(made.value, 1), has(entry, 'throwing') || has(entry, 'throwing-coercion') ? { ...wrong, orPropagates: made.error } : wrong);
  }
  {
    const error = new E.Sentinel('callback');
    C('a callback that throws: the exception reaches the caller as is', () => call(() => { throw error; }, 1), { propagates: error });
  }
  C("a callback returning 'abc' for int32_t", () => call(() => 'abc', 1), { either: true, throws: ['TypeError'], returns: 0 });
  C('a callback returning 2**40 + 5 (truncated)', () => call(() => 2 ** 40 + 5, 1), { either: true, throws: ['TypeError', 'RangeError'], returns: 5 });
  C('a callback returning a Promise', () => call(async () => 1, 1), { either: true, throws: ['TypeError'], returns: 0 });
  C('a callback returning undefined', () => call(() => undefined, 1), { either: true, throws: ['TypeError'], returns: 0 });
  C('a callback re-entering the FFI', () => call((v) => call((w) => w + 1, v), 1), { either: true, throws: ERRORS, returns: 2 });
  C('a callback declared for another prototype', () => call(koffi.register ? koffi.register(() => 1.5, koffi.pointer(koffi.proto('double HCbD(double)'))) : null, 1), { either: true, throws: ERRORS, check: () => true });
  if (typeof koffi.register === 'function') {
    C('register(5, HCb *) is a TypeError', () => koffi.register(5, koffi.pointer(Cb)), { throws: ['TypeError'] });
    C("register(fn, 'int') is an exception", () => koffi.register(() => 1, 'int'), { throws: ERRORS });
    C("register(fn, 'nope_t *') names the type", () => koffi.register(() => 1, 'nope_t *'), { throws: DECL_ERRORS, match: ['nope_t'] });
    C('register then call then unregister', () => {
      const p = koffi.register((v) => v + 1, koffi.pointer(Cb));
      try {
        return call(p, 1);
      } finally {
        koffi.unregister(p);
      }
    }, { returns: 2 });
    C('unregister twice is an Error, not a crash', () => {
      const p = koffi.register((v) => v, koffi.pointer(Cb));
      koffi.unregister(p);
      koffi.unregister(p);
    }, { throws: ERRORS });
    for (const [label, v] of [['0n', 0n], ['null', null], ['-1n', -1n], ['12345n', 12345n], ['5', 5], ["'x'", 'x'], ['{}', {}]]) {
      C(`unregister(${label}) is an exception`, () => koffi.unregister(v), { throws: ERRORS });
    }
    C('registering callbacks until the pool is exhausted is a clean Error', () => {
      const ptrs = [];
      try {
        for (let i = 0; i < 100000; i++) ptrs.push(koffi.register((v) => v, koffi.pointer(Cb)));
        return ptrs.length;
      } finally {
        for (const p of ptrs) koffi.unregister(p);
      }
    }, { either: true, throws: ['Error', 'RangeError'], check: (n) => n >= 16 || `only ${n}` });
  }
  return cases;
}

function asyncCalls() {
  const { cptest, hostile } = E.setup();
  const add = cptest.func('int add_int(int a, int b)');
  if (typeof add.async !== 'function') return [];
  const cases = [];
  // Runs fn.async(...args) both ways; the error must be thrown synchronously or delivered
  // to the callback / Promise, and never escape as an uncaught exception.
  const viaCallback = (fn, args) => new Promise((resolve, reject) => {
    fn.async(...args, (err, res) => (err ? reject(err) : resolve(res)));
  });
  const viaPromise = (fn, args) => Promise.resolve().then(() => fn.async(...args));
  const C = (name, run, expect) => cases.push({ name, run, expect });
  for (const [label, via] of [['callback', viaCallback], ['promise', viaPromise]]) {
    C(`async (${label}) add_int(1, 2)`, () => via(add, [1, 2]), { returns: 3 });
    C(`async (${label}) add_int('x', 2) is a TypeError`, () => via(add, ['x', 2]), { throws: ['TypeError'], match: [argRe(1), 'int', 'string'] });
    C(`async (${label}) add_int(1) (too few) is a TypeError`, () => via(add, [1]), { throws: ['TypeError'] });
    C(`async (${label}) h_mix_hash(null) is a TypeError`, () => via(hostile.func('uint32_t h_mix_hash(H_Mix v)'), [null]), { throws: ['TypeError'], match: [argRe(1), 'H_Mix'] });
    {
      const error = new E.Sentinel('async getter');
      const o = {};
      Object.defineProperty(o, 'i', { get() { throw error; }, enumerable: true });
      C(`async (${label}) a throwing getter propagates`, () => via(hostile.func('uint32_t h_mix_hash(H_Mix v)'), [o]), { propagates: error });
    }
    C(`async (${label}) read_i32_at(detached buffer) is a RangeError`, () => via(cptest.func('int read_i32_at(const int32_t *p)'), [E.detached().view]), { throws: ['RangeError', 'TypeError'] });
    C(`async (${label}) out_i32 writes back`, async () => { const a = [0]; await via(cptest.func('int out_i32(_Out_ int32_t *out, int32_t v)'), [a, 9]); return a[0]; }, { returns: 9 });
    C(`async (${label}) str_len of a 1 MB string`, () => via(cptest.func('size_t str_len(const char *s)'), ['f'.repeat(1e6)]), { returns: 1e6 });
  }
  C('async with a non-function last argument', () => viaPromise(add, [1, 2, 'not a function']), { throws: ['TypeError'] });
  C('600 async calls at once: each succeeds or is an Error (max_async_calls)', async () => {
    const settled = await Promise.allSettled(Array.from({ length: 600 }, (_, i) => add.async(i, 1)));
    const bad = settled.filter((s) => (s.status === 'fulfilled' ? typeof s.value !== 'number' : !(s.reason instanceof Error)));
    return bad.length;
  }, { returns: 0 });
  C('async fill_bytes into a buffer that is detached right after the call starts', async () => {
    const ab = new ArrayBuffer(1 << 16);
    const p = cptest.func('void fill_bytes(void *p, int byte, size_t n)').async(new Uint8Array(ab), 0x55, 1 << 16);
    structuredClone(ab, { transfer: [ab] });
    global.gc();
    await p.catch(() => {});
    return 'no crash';
  }, { either: true, throws: ERRORS, returns: 'no crash' });
  return cases;
}

module.exports = { scalars, positions, strings, pointers, aggregates, outparams, arity, memory, huge, library, callbacks, async: asyncCalls };
