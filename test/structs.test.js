// Structs and unions by value under x86-64 System V (every class of argument and result,
// register exhaustion, the hidden return pointer, MEMORY-class packed structs, a 256 KiB
// struct), pointers to structs with copy-back (out/inout), arrays of structs, JS arrays and
// typed arrays as T *, opaque handles through _Out_ Handle **, string arrays with NULL
// entries, zero-filled missing members and the errors of bad values and bad declarations.
//
// Every C function is in test/lib/structs.c (declarations and conventions in structs.h):
// hash_T(v) is FNV-1a over every member's bytes in declaration order, so a value that
// arrives in the wrong register, shifted, truncated or misaligned shows up as a different
// hash; xform_T(v) returns v transformed member by member, which checks the result path.
'use strict';
const t = require('tap');
const koffi = require('..');
const { testlibPaths: paths } = require('./support/env.js');
const B = require('./gen/bytes.js');

const lib = koffi.load(paths.cpstructs);
// The data model, from C: the alignment of int64_t and double inside a struct (8 on x86-64 and
// arm64, 4 on i386), as gcc lays out L_Mix (whose most aligned members they are), and the
// pointer size.
const ALIGN8 = (() => {
  if (lib.func('const char *layout_name(int)')(1) !== 'L_Mix') throw new Error('layouts[1] of structs.c is no longer L_Mix');
  return Number(lib.func('size_t layout_align(int)')(1));
})();
const PTR_SIZE = koffi.sizeof('void *');

// ---------------------------------------------------------------------------------------
// By-value types.  flat: the member kinds in declaration order (arrays element by element,
// nested structs member by member), the order hash_T hashes them and xform_T numbers them.
// ---------------------------------------------------------------------------------------

const T = {};
const def = (name, members) => (T[name] = koffi.struct(name, members));
const defPacked = (name, members) => (T[name] = koffi.pack(name, members));
const defUnion = (name, members) => (T[name] = koffi.union(name, members));

def('S_I', { a: 'int32_t' });
def('S_C3', { a: 'uint8_t', b: 'uint8_t', c: 'uint8_t' });
def('S_II', { a: 'int32_t', b: 'int32_t' });
def('S_F', { a: 'float' });
def('S_FF', { a: 'float', b: 'float' });
def('S_FFF', { a: 'float', b: 'float', c: 'float' });
def('S_FFFF', { a: 'float', b: 'float', c: 'float', d: 'float' });
def('S_D', { a: 'double' });
def('S_IF', { a: 'int32_t', b: 'float' });
def('S_FI', { a: 'float', b: 'int32_t' });
def('S_SFC', { a: 'int16_t', b: 'float', c: 'int8_t' });
def('S_LL', { a: 'int64_t', b: 'int64_t' });
def('S_LD', { a: 'int64_t', b: 'double' });
def('S_DL', { a: 'double', b: 'int64_t' });
def('S_DD', { a: 'double', b: 'double' });
def('S_MixII', { a: 'int8_t', b: 'int16_t', c: 'float', d: 'float', e: 'uint32_t' });
def('S_FFIF', { a: 'float', b: 'float', c: 'int32_t', d: 'float' });
def('S_HBFD', { a: 'uint16_t', b: 'uint8_t', c: 'float', d: 'double' });
def('S_Nest1', { inner: 'S_FF', c: 'float' });
def('S_X8', { x: 'int8_t' });
def('S_Nest2', { p: T.S_X8, q: 'S_F', d: 'double' });
def('S_Arr3F', { v: koffi.array('float', 3) });
def('S_Arr2ID', { a: 'int32_t [2]', d: 'double' });
def('S_ArrMix', { tag: 'uint8_t', s: koffi.array('int16_t', 3), f: 'float' });
def('S_ArrS', { pairs: koffi.array('S_II', 2) });
defUnion('U_FI', { f: 'float', i: 'int32_t' });
defUnion('U_FD', { f: koffi.array('float', 2), d: 'double' });
defUnion('U_DL', { d: 'double', i: 'int64_t' });
defUnion('U_SS', { s: 'S_FF', d: koffi.array('double', 2) });
defUnion('U_BF', { b: koffi.array('uint8_t', 12), f: koffi.array('float', 3) });
def('S_TagU', { tag: 'uint8_t', u: 'U_FI' });
def('S_L3', { a: 'int64_t', b: 'int64_t', c: 'int64_t' });
def('S_D3', { a: 'double', b: 'double', c: 'double' });
def('S_F5', { a: koffi.array('float', 5) });
defPacked('P_CI', { a: 'uint8_t', b: 'int32_t' });
defPacked('P_FCF', { a: 'float', b: 'uint8_t', c: 'float' });
defPacked('P_II', { a: 'int32_t', b: 'int32_t' });
defPacked('P_BBSF', { a: 'uint8_t', b: 'uint8_t', c: 'uint16_t', d: 'float' });
defPacked('P_DS', { a: 'double', b: 'uint16_t' });
def('A16', { a: [16, 'int32_t'], b: 'int32_t' });
def('AF16', { a: [16, 'float'] });
def('A32', { a: [16, koffi.array('int32_t', 3)], x: 'double', y: 'double' });

// [name, class (documentation), flat kinds, sizeof, alignof, samples, flatten result?]
// (A union member of a result can be read as any of its members: S_TagU reads u.i.)
const BYVAL = [
  ['S_I', 'INTEGER: rdi / rax', 'i32', 4, 4, [{ a: -123456789 }, { a: 2147483647 }]],
  ['S_C3', 'INTEGER, 3 bytes', 'u8x3', 3, 1, [{ a: 1, b: 200, c: 255 }, { a: 0, b: 0, c: 0 }]],
  ['S_II', 'INTEGER', 'i32x2', 8, 4, [{ a: -1, b: 0x7fffffff }, { a: 17, b: -42 }]],
  ['S_F', 'SSE: xmm0', 'f32', 4, 4, [{ a: 1.5 }, { a: -3.25 }]],
  ['S_FF', 'SSE (float pair): xmm0', 'f32x2', 8, 4, [{ a: 1.25, b: -2.5 }, { a: 1e-3, b: 65504 }]],
  ['S_FFF', 'SSE, SSE: xmm0:xmm1', 'f32x3', 12, 4, [{ a: 0.5, b: 1.5, c: -7.75 }]],
  ['S_FFFF', 'SSE, SSE: xmm0:xmm1', 'f32x4', 16, 4, [{ a: 1, b: 2, c: 3, d: 4 }, { a: -0.5, b: 0.25, c: 1e10, d: -1e-10 }]],
  ['S_D', 'SSE: xmm0', 'f64', 8, ALIGN8, [{ a: Math.PI }, { a: -1e-300 }]],
  ['S_IF', 'INTEGER (int and float in one eightbyte)', 'i32 f32', 8, 4, [{ a: -7, b: 2.5 }, { a: 0x12345678, b: -1e20 }]],
  ['S_FI', 'INTEGER (float and int in one eightbyte)', 'f32 i32', 8, 4, [{ a: 3.5, b: -9 }]],
  ['S_SFC', 'INTEGER, INTEGER: rax:rdx', 'i16 f32 i8', 12, 4, [{ a: -300, b: 0.75, c: -100 }]],
  ['S_LL', 'II: rax:rdx', 'i64x2', 16, ALIGN8, [{ a: 0x123456789abcdef0n, b: -0x0fedcba987654321n }, { a: 5, b: -6 }]],
  ['S_LD', 'IS: rax:xmm0', 'i64 f64', 16, ALIGN8, [{ a: -0x7edcba9876543210n, b: 1e100 }, { a: 3, b: 0.5 }]],
  ['S_DL', 'SI: xmm0:rax', 'f64 i64', 16, ALIGN8, [{ a: -2.5e-10, b: 0x7fffffffffffffffn }, { a: 4.5, b: -3 }]],
  ['S_DD', 'SS: xmm0:xmm1', 'f64x2', 16, ALIGN8, [{ a: 1.5, b: -1e300 }, { a: -0, b: 2 ** 60 }]],
  ['S_MixII', 'II, both eightbytes mixed int/float', 'i8 i16 f32 f32 u32', 16, 4, [{ a: -5, b: 1234, c: 1.5, d: -2.25, e: 0xfffffff0 }]],
  ['S_FFIF', 'SI: xmm0:rax', 'f32 f32 i32 f32', 16, 4, [{ a: 1.5, b: 2.5, c: -3, d: 4.5 }]],
  ['S_HBFD', 'IS: rax:xmm0', 'u16 u8 f32 f64', 16, ALIGN8, [{ a: 65535, b: 200, c: 0.125, d: -99.5 }]],
  ['S_Nest1', 'nested float pair + float: SSE, SSE', 'f32 f32 f32', 12, 4, [{ inner: { a: 1.5, b: 2.5 }, c: 3.5 }]],
  ['S_Nest2', 'nested int8 + nested float in one eightbyte: INTEGER, SSE', 'i8 f32 f64', 16, ALIGN8, [{ p: { x: -128 }, q: { a: 0.25 }, d: 1e-5 }]],
  ['S_Arr3F', 'float[3] inside: SSE, SSE', 'f32x3', 12, 4, [{ v: [1.5, 2.5, -3.5] }, { v: new Float32Array([4, 5, 6]) }]],
  ['S_Arr2ID', 'int[2] + double: INTEGER, SSE', 'i32x2 f64', 16, ALIGN8, [{ a: [-1, 7], d: 6.5 }]],
  ['S_ArrMix', 'u8 + short[3] + float: INTEGER, SSE', 'u8 i16x3 f32', 12, 4, [{ tag: 9, s: [-1, -2, 32767], f: 8.5 }]],
  ['S_ArrS', 'array of structs inside: INTEGER, INTEGER', 'i32x4', 16, 4, [{ pairs: [{ a: 1, b: 2 }, { a: 3, b: 4 }] }]],
  ['S_TagU', 'u8 + union inside: INTEGER', 'u8 i32', 8, 4, [{ tag: 255, u: { i: 123456 } }], (r) => [r.tag, r.u.i]],
  ['S_L3', 'MEMORY (24 bytes)', 'i64x3', 24, ALIGN8, [{ a: 1n << 62n, b: -5, c: 9007199254740993n }]],
  ['S_D3', 'MEMORY', 'f64x3', 24, ALIGN8, [{ a: 1.25, b: -0.5, c: 1e10 }]],
  ['S_F5', 'MEMORY (float[5])', 'f32x5', 20, 4, [{ a: [1, 2, 3, 4, 5.5] }]],
  ['P_CI', 'packed, misaligned int: MEMORY although 5 bytes', 'u8 i32', 5, 1, [{ a: 0xab, b: -0x12345678 }]],
  ['P_FCF', 'packed, misaligned float: MEMORY although 9 bytes', 'f32 u8 f32', 9, 1, [{ a: 1.5, b: 7, c: -2.5 }]],
  ['P_II', 'packed but aligned: INTEGER', 'i32x2', 8, 1, [{ a: 1, b: -2 }]],
  ['P_BBSF', 'packed but aligned, mixed: INTEGER', 'u8 u8 u16 f32', 8, 1, [{ a: 1, b: 2, c: 0xfffe, d: 0.5 }]],
  ['P_DS', 'packed, 10 bytes: SSE, INTEGER (xmm0:rax)', 'f64 u16', 10, 1, [{ a: 1.5, b: 0xbeef }]],
  ['A16', 'aligned(16), second eightbyte padding only: one register', 'i32x2', 16, 16, [{ a: 11, b: -22 }]],
  ['AF16', 'aligned(16) float, second eightbyte padding only: one SSE register', 'f32', 16, 16, [{ a: -6.5 }]],
  ['A32', 'aligned(16) MEMORY', 'i32x3 f64x2', 32, 16, [{ a: [1, 2, 3], x: 0.5, y: -0.25 }]],
];

/** What xform_T returns, flattened: integer m + k (wrapping), float m * 2 + k in its type. */
function xformFlat(kinds, flat) {
  return kinds.map((k, i) => {
    const pos = i + 1;
    if (k === 'f32') return Math.fround(Math.fround(flat[i] * 2) + pos);
    if (k === 'f64') return flat[i] * 2 + pos;
    return B.wrapBig(k, B.wrapBig(k, flat[i]) + BigInt(pos));
  });
}

const normFlat = (kinds, flat) => flat.map((v, i) => B.norm(kinds[i], v));
const show = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `${x}n` : ArrayBuffer.isView(x) ? Array.from(x) : x));

t.test('by-value struct arguments and results of every class', (t) => {
  for (const [name, cls, flatSpec, size, align, samples, pick = B.flatten] of BYVAL) {
    t.test(`${name} (${cls})`, (t) => {
      const kinds = B.kinds(flatSpec);
      t.equal(koffi.sizeof(T[name]), size, 'sizeof');
      t.equal(koffi.alignof(T[name]), align, 'alignof');
      const hash = lib.func(`uint32_t hash_${name}(${name} v)`);
      const hashClassic = lib.func(`hash_${name}`, 'uint32_t', [T[name]]);
      const xform = lib.func(`${name} xform_${name}(${name} v)`);
      const xformClassic = lib.func(`xform_${name}`, T[name], [name]);
      for (const v of samples) {
        const flat = B.flatten(v);
        t.equal(flat.length, kinds.length, 'sample shape');
        const want = B.hashItems(kinds.map((k, i) => [k, flat[i]]));
        t.equal(hash(v), want, `hash_${name}(${show(v)}): every member byte arrives`);
        t.equal(hashClassic(v), want, `hash_${name}(${show(v)}) declared with the classic syntax`);
        const expect = xformFlat(kinds, flat);
        const r = xform(v);
        t.type(r, 'object', 'result is an object');
        t.same(normFlat(kinds, pick(r)), expect, `xform_${name}(${show(v)}) -> ${show(r)}`);
        t.same(normFlat(kinds, pick(xformClassic(v))), expect, `xform_${name} declared with the classic syntax`);
        // Feed the result back: a decoded struct is a valid input.
        if (pick === B.flatten) t.equal(hash(r), B.hashItems(kinds.map((k, i) => [k, expect[i]])), `hash_${name}(xform_${name}(v))`);
      }
      t.end();
    });
  }
  t.end();
});

t.test('result members have the right JS types', (t) => {
  const r = lib.func('S_LD xform_S_LD(S_LD v)')({ a: 0x123456789abcdef0n, b: 1 });
  t.same(Object.keys(r), ['a', 'b'], 'members in declaration order');
  t.equal(typeof r.a, 'bigint', 'int64 beyond 2^53 is a BigInt');
  t.equal(r.a, 0x123456789abcdef1n);
  t.equal(r.b, 4);
  const r2 = lib.func('S_LL xform_S_LL(S_LL v)')({ a: 1, b: 2 });
  t.same(r2, { a: 2, b: 4 }, 'small int64 members are Numbers');
  const nest = lib.func('S_Nest2 xform_S_Nest2(S_Nest2 v)')({ p: { x: 1 }, q: { a: 1 }, d: 1 });
  t.same(nest, { p: { x: 2 }, q: { a: 4 }, d: 5 }, 'nested structs decode as nested objects');
  const arr = lib.func('S_Arr2ID xform_S_Arr2ID(S_Arr2ID v)')({ a: [1, 2], d: 0 });
  t.ok(arr.a instanceof Int32Array, 'int32_t[2] member decodes as an Int32Array (hint Typed)');
  t.same(Array.from(arr.a), [2, 4]);
  const ss = lib.func('S_ArrS xform_S_ArrS(S_ArrS v)')({ pairs: [{ a: 1, b: 2 }, { a: 3, b: 4 }] });
  t.ok(Array.isArray(ss.pairs), 'array of structs decodes as a JS array');
  t.same(ss.pairs, [{ a: 2, b: 4 }, { a: 6, b: 8 }]);
  t.end();
});

t.test('unions by value', (t) => {
  const hFI = lib.func('uint32_t hash_U_FI(U_FI v)');
  t.equal(hFI({ i: 7 }), B.hashItems([['i32', 7]]), 'U_FI as .i');
  t.equal(hFI({ f: 1.5 }), B.hashItems([['f32', 1.5]]), 'U_FI as .f');
  const u = new koffi.Union('U_FI');
  u.i = -99;
  t.equal(hFI(u), B.hashItems([['i32', -99]]), 'a koffi.Union object');
  const xFI = lib.func('U_FI xform_U_FI(U_FI v)');
  t.equal(xFI({ i: 41 }).i, 42, 'union result read as .i');
  const mk = lib.func('U_FI make_U_FI_f(float f)');
  const r = mk(1.5);
  t.equal(r.f, 1.5, 'union result read as .f');
  t.equal(r.i, 0x3fc00000, 'the same union result read as .i');

  const hFD = lib.func('uint32_t hash_U_FD(U_FD v)');
  t.equal(hFD({ d: 1.5 }), B.hashItems([['f64', 1.5]]), 'U_FD (SSE) as .d');
  t.equal(hFD({ f: [1.5, -2] }), B.hashItems([['f32', 1.5], ['f32', -2]]), 'U_FD as .f[2]');
  t.equal(lib.func('U_FD xform_U_FD(U_FD v)')({ d: 1.5 }).d, 4, 'U_FD result in xmm0');

  const hDL = lib.func('uint32_t hash_U_DL(U_DL v)');
  t.equal(hDL({ i: 0x1122334455667788n }), B.hashItems([['i64', 0x1122334455667788n]]), 'U_DL (INTEGER) as .i');
  t.equal(hDL({ d: -2.5 }), B.hashItems([['f64', -2.5]]), 'U_DL as .d: a double in an INTEGER eightbyte');
  t.equal(lib.func('U_DL xform_U_DL(U_DL v)')({ i: 0x1122334455667788n }).i, 0x1122334455667789n, 'U_DL result in rax');
  t.equal(lib.func('U_DL make_U_DL_d(double d)')(0.5).d, 0.5, 'U_DL result read as .d');

  const hSS = lib.func('uint32_t hash_U_SS(U_SS v)');
  t.equal(hSS({ d: [1.5, -2.5] }), B.hashItems([['f64', 1.5], ['f64', -2.5]]), 'U_SS (SSE, SSE)');
  const xSS = lib.func('U_SS xform_U_SS(U_SS v)')({ d: [1.5, -2.5] });
  t.same(Array.from(xSS.d), [3, -1.5], 'U_SS result in xmm0:xmm1');

  const hBF = lib.func('uint32_t hash_U_BF(U_BF v)');
  const bytes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 250];
  t.equal(hBF({ b: bytes }), B.fnv1a(bytes), 'U_BF (12 bytes, INTEGER, INTEGER) as .b');
  t.equal(hBF({ f: [1, 2, 3] }), B.hashItems([['f32', 1], ['f32', 2], ['f32', 3]]), 'U_BF as .f: floats in INTEGER eightbytes');
  const xBF = lib.func('U_BF xform_U_BF(U_BF v)')({ b: bytes });
  t.same(Array.from(xBF.b), bytes.map((b, k) => (b + k + 1) & 0xff), 'U_BF result in rax:rdx');
  t.end();
});

t.test('registers run out: a struct goes wholly to the stack', (t) => {
  const LL = { a: 0x0102030405060708n, b: -0x1112131415161718n };
  const f1 = lib.func('uint32_t spill_ints_pair(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, S_LL s, int32_t f)');
  t.equal(f1(1, 2, 3, 4, 5, LL, 6),
    B.hashItems([['i32', 1], ['i32', 2], ['i32', 3], ['i32', 4], ['i32', 5], ['i64', LL.a], ['i64', LL.b], ['i32', 6]]),
    '5 ints, a 16-byte INTEGER pair (stack, not r9 + stack), then an int in r9');
  const f2 = lib.func('uint32_t fit_ints_pair(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, S_II s, int32_t f)');
  t.equal(f2(1, 2, 3, 4, 5, { a: -7, b: 8 }, 6),
    B.hashItems([['i32', 1], ['i32', 2], ['i32', 3], ['i32', 4], ['i32', 5], ['i32', -7], ['i32', 8], ['i32', 6]]),
    '5 ints, an 8-byte struct in r9, then an int on the stack');
  const D = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5];
  const f3 = lib.func('uint32_t spill_dbls_pair(double a, double b, double c, double d, double e, double f, double g, S_DD s, double h)');
  t.equal(f3(...D, { a: -1.25, b: 1e200 }, 7.5),
    B.hashItems([...D.map((d) => ['f64', d]), ['f64', -1.25], ['f64', 1e200], ['f64', 7.5]]),
    '7 doubles, an SSE pair (stack), then a double in xmm7');
  const f4 = lib.func('uint32_t fit_dbls_ff(double a, double b, double c, double d, double e, double f, double g, S_FF s, double h)');
  t.equal(f4(...D, { a: -1.25, b: 3.75 }, 7.5),
    B.hashItems([...D.map((d) => ['f64', d]), ['f32', -1.25], ['f32', 3.75], ['f64', 7.5]]),
    '7 doubles, a float pair in xmm7, then a double on the stack');
  const f5 = lib.func('uint32_t spill_int_mixed(int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t a5, int64_t a6, S_LD s, double d, int32_t g)');
  t.equal(f5(1, 2, 3, 4, 5, 6, { a: -0x123456789n, b: 0.125 }, 9.5, -10),
    B.hashItems([['i64', 1], ['i64', 2], ['i64', 3], ['i64', 4], ['i64', 5], ['i64', 6], ['i64', -0x123456789n], ['f64', 0.125], ['f64', 9.5], ['i32', -10]]),
    'INTEGER registers full: the IS struct goes to the stack whole, the next double to xmm0');
  const f6 = lib.func('uint32_t spill_sse_mixed(double d1, double d2, double d3, double d4, double d5, double d6, double d7, double d8, S_DL s, int32_t i)');
  t.equal(f6(...D, 8.5, { a: -3.5, b: 77n }, 123),
    B.hashItems([...D.map((d) => ['f64', d]), ['f64', 8.5], ['f64', -3.5], ['i64', 77], ['i32', 123]]),
    'SSE registers full: the SI struct goes to the stack whole, the next int to rdi');
  t.end();
});

t.test('many struct arguments spilling to the stack', (t) => {
  const f = lib.func('uint32_t many_structs(S_DD a, S_DD b, S_DD c, S_DD d, S_DD e, S_LL f, S_LL g, S_LL h, S_LL i, S_LD j, S_FFF k, int32_t x, double y, S_IF z)');
  const dd = (i) => ({ a: i + 0.5, b: -i - 0.25 });
  const ll = (i) => ({ a: BigInt(i) * 0x100000001n, b: -BigInt(i) });
  const args = [dd(1), dd(2), dd(3), dd(4), dd(5), ll(6), ll(7), ll(8), ll(9), { a: -10, b: 10.5 }, { a: 1.5, b: 2.5, c: 3.5 }, 42, -0.5, { a: 77, b: -7.5 }];
  const items = [];
  for (let i = 0; i < 5; i++) items.push(['f64', args[i].a], ['f64', args[i].b]);
  for (let i = 5; i < 9; i++) items.push(['i64', args[i].a], ['i64', args[i].b]);
  items.push(['i64', -10], ['f64', 10.5], ['f32', 1.5], ['f32', 2.5], ['f32', 3.5], ['i32', 42], ['f64', -0.5], ['i32', 77], ['f32', -7.5]);
  t.equal(f(...args), B.hashItems(items), 'all 14 arguments arrive');
  const fc = lib.func('many_structs', 'uint32_t', ['S_DD', 'S_DD', 'S_DD', 'S_DD', 'S_DD', 'S_LL', 'S_LL', 'S_LL', 'S_LL', 'S_LD', 'S_FFF', 'int32_t', 'double', 'S_IF']);
  t.equal(fc(...args), B.hashItems(items), 'classic syntax');
  t.end();
});

t.test('MEMORY-class arguments among register arguments', (t) => {
  const f = lib.func('uint32_t mem_mixed(int32_t a, S_L3 b, double c, P_CI d, S_D3 e, int32_t f, S_F5 g, float h)');
  const b = { a: 1n, b: -2n, c: 0x7fffffffffffffffn };
  const e = { a: 0.1, b: 0.2, c: 0.3 };
  const g = { a: [1.5, 2.5, 3.5, 4.5, 5.5] };
  t.equal(f(-1, b, 2.5, { a: 0xfe, b: 0x7abbccdd }, e, 99, g, -0.75),
    B.hashItems([['i32', -1], ['i64', 1], ['i64', -2], ['i64', b.c], ['f64', 2.5], ['u8', 0xfe], ['i32', 0x7abbccdd],
      ['f64', 0.1], ['f64', 0.2], ['f64', 0.3], ['i32', 99], ...g.a.map((x) => ['f32', x]), ['f32', -0.75]]));
  t.end();
});

t.test('hidden return pointer and struct results with stack arguments', (t) => {
  const f = lib.func('S_L3 ret_mem_args(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f)');
  const args = [1, 20, 300, -4000, 50000, -600000];
  const r = f(...args);
  t.equal(r.a, 321, 'a + b + c (rdi holds the hidden pointer, a..e in rsi..r9)');
  t.equal(r.b, -554000, 'd + e + f (f on the stack)');
  t.equal(r.c, B.hashItems(args.map((v) => ['i64', v])), 'hash of all six');
  const g = lib.func('S_DD ret_dd_many(double a, double b, double c, double d, double e, double f, double g, double h, double i, double j)');
  const ds = [0.5, -1, 2.25, 3, -4.5, 5, 6.125, -7, 8, 9.75];
  const rd = g(...ds);
  t.equal(rd.a, ds.reduce((s, d, i) => s + (i + 1) * d, 0), 'weighted sum in xmm0 (two doubles on the stack)');
  t.equal(rd.b, B.hashItems(ds.map((v) => ['f64', v])), 'hash in xmm1');
  t.end();
});

t.test('over-aligned structs: A16/AF16 in one register, A16/A32 at 16-byte stack boundaries', (t) => {
  const f = lib.func('uint32_t a16_args(A16 s, int32_t x, int32_t y, int32_t z, int32_t w, int32_t u)');
  t.equal(f({ a: 5, b: -6 }, 1, 2, 3, 4, 5),
    B.hashItems([['i32', 5], ['i32', -6], ['i32', 1], ['i32', 2], ['i32', 3], ['i32', 4], ['i32', 5]]),
    'A16 takes rdi only, x..u take rsi..r9');
  const f2 = lib.func('uint32_t a16_then_double(A16 s, double d, float f)');
  t.equal(f2({ a: 5, b: -6 }, 2.5, 1.5), B.hashItems([['i32', 5], ['i32', -6], ['f64', 2.5], ['f32', 1.5]]),
    'the padding eightbyte of A16 takes no SSE register: d in xmm0, f in xmm1');
  const f3 = lib.func('uint32_t af16_args(AF16 s, double d, int32_t x, AF16 t, float f)');
  t.equal(f3({ a: 1.5 }, 3.5, 7, { a: 2.5 }, 4.5), B.hashItems([['f32', 1.5], ['f64', 3.5], ['i32', 7], ['f32', 2.5], ['f32', 4.5]]),
    'AF16 (SSE, NO_CLASS) takes one SSE register: s xmm0, d xmm1, t xmm2, f xmm3');
  const f4 = lib.func('uint32_t a16_stack(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int32_t g, A16 s, int32_t h)');
  t.equal(f4(1, 2, 3, 4, 5, 6, 7, { a: 11, b: 12 }, 13),
    B.hashItems([['i64', 1], ['i64', 2], ['i64', 3], ['i64', 4], ['i64', 5], ['i64', 6], ['i32', 7], ['i32', 11], ['i32', 12], ['i32', 13]]),
    'A16 on the stack at a 16-byte boundary (offset 16 after g), h at offset 32');
  const g = lib.func('uint32_t a32_args(S_L3 first, A32 s, int32_t z)');
  t.equal(g({ a: 1, b: 2, c: 3 }, { a: [4, 5, 6], x: 7.5, y: -8.5 }, 9),
    B.hashItems([['i64', 1], ['i64', 2], ['i64', 3], ['i32', 4], ['i32', 5], ['i32', 6], ['f64', 7.5], ['f64', -8.5], ['i32', 9]]),
    'A32 after a 24-byte stack struct starts at offset 32');
  t.end();
});

t.test('a 256 KiB struct by value', (t) => {
  const N = 256 * 1024;
  const Huge = koffi.struct('S_Huge', { data: koffi.array('uint8_t', N) });
  t.equal(koffi.sizeof(Huge), N);
  const data = new Uint8Array(N);
  for (let i = 0; i < N; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
  const hash = lib.func('uint32_t hash_S_Huge(S_Huge v)');
  t.equal(hash({ data }), B.fnv1a(data), 'argument copied whole');
  const make = lib.func('S_Huge make_S_Huge(uint32_t seed)');
  const r = make(5);
  t.equal(r.data.length, N, 'result length');
  let bad = -1;
  for (let i = 0; i < N; i++) if (r.data[i] !== ((5 + i * 7) & 0xff)) { bad = i; break; }
  t.equal(bad, -1, 'every byte of the returned struct (hidden pointer) is right');
  const x = lib.func('S_Huge xform_S_Huge(S_Huge v)')({ data });
  bad = -1;
  for (let i = 0; i < N; i++) if (x.data[i] !== ((data[i] + 1) & 0xff)) { bad = i; break; }
  t.equal(bad, -1, 'argument and result together');
  const args = lib.func('uint32_t hash_S_Huge_args(int32_t a, S_Huge v, double d, int32_t b)');
  let h = B.fnv1a(B.scalarBytes('i32', -3));
  h = B.fnv1a(data, h);
  h = B.fnv1a(B.scalarBytes('f64', 2.5), h);
  h = B.fnv1a(B.scalarBytes('i32', 77), h);
  t.equal(args(-3, { data }, 2.5, 77), h, 'registers around a huge stack argument');
  for (let i = 0; i < 3; i++) t.equal(hash({ data }), B.fnv1a(data), `repeated call ${i}`);
  t.end();
});

t.test('string and char-array members by value', (t) => {
  koffi.struct('NamedValue', { name: 'const char *', value: 'int32_t' });
  const hNV = lib.func('uint32_t hash_NamedValue(NamedValue v)');
  const utf8 = (s) => [...Buffer.from(s, 'utf8')];
  t.equal(hNV({ name: 'héllo', value: 5 }), B.fnv1a(B.scalarBytes('i32', 5), B.fnv1a(utf8('héllo'))), 'const char * member');
  t.equal(hNV({ name: null, value: 5 }), B.hashItems([['i32', 5]]), 'NULL string member');
  const mk = lib.func('NamedValue make_NamedValue(const char *name, int32_t value)');
  t.same(mk('wörld', -1), { name: 'wörld', value: -1 }, 'string member decoded');
  t.same(mk(null, 3), { name: null, value: 3 }, 'NULL string member decodes as null');

  koffi.struct('Label', { name: koffi.array('char', 16), n: 'int32_t' });
  const hL = lib.func('uint32_t hash_Label(Label v)');
  const nameBytes = [...utf8('hello'), ...new Array(11).fill(0)];
  t.equal(hL({ name: 'hello', n: 7 }), B.fnv1a(B.scalarBytes('i32', 7), B.fnv1a(nameBytes)), 'JS string into char[16], zero padded');
  const mkL = lib.func('Label make_Label(const char *s, int32_t n)');
  t.same(mkL('hello', 5), { name: 'hello', n: 5 }, 'char[16] decodes as a string (hint String)');
  t.same(mkL('0123456789abcdefXYZ', 5), { name: '0123456789abcdef', n: 5 }, 'unterminated char[16] stops at 16');
  t.end();
});

// ---------------------------------------------------------------------------------------
// Pointers to structs
// ---------------------------------------------------------------------------------------

const Inner = koffi.struct('Inner', { x: 'int32_t', y: 'float' });
const Outer = koffi.struct('Outer', { id: 'int32_t', inner: Inner, z: 'double', tags: koffi.array('uint8_t', 4) });
const Point = koffi.struct('Point', { x: 'int32_t', y: 'int32_t' });
const outerItems = (o) => [['i32', o.id], ['i32', o.inner.x], ['f32', o.inner.y], ['f64', o.z], ...Array.from(o.tags, (v) => ['u8', v])];
const filled = (s) => ({ id: s, inner: { x: s * 2, y: s + 0.5 }, z: s * 0.25, tags: [s, s + 1, s + 2, s + 3] });

t.test('objects passed to T * are copied in', (t) => {
  const hash = lib.func('uint32_t outer_hash(const Outer *p)');
  const o = { id: -5, inner: { x: 1 << 30, y: -0.125 }, z: 1e-3, tags: [9, 8, 7, 255] };
  t.equal(hash(o), B.hashItems(outerItems(o)), 'every member read through the pointer');
  t.equal(hash(null), 0, 'null is NULL');
  t.same(o, { id: -5, inner: { x: 1 << 30, y: -0.125 }, z: 1e-3, tags: [9, 8, 7, 255] }, 'input object untouched');
  const hashC = lib.func('outer_hash', 'uint32_t', [koffi.pointer(Outer)]);
  t.equal(hashC(o), B.hashItems(outerItems(o)), 'classic syntax with koffi.pointer()');
  t.end();
});

t.test('out and inout struct pointers copy back into the same object', (t) => {
  const want = filled(5);
  const check = (t, o, w, msg) => {
    t.equal(o.id, w.id, `${msg}: id`);
    t.same(o.inner, w.inner, `${msg}: inner`);
    t.equal(o.z, w.z, `${msg}: z`);
    t.same(Array.from(o.tags), w.tags, `${msg}: tags`);
  };
  const fillP = lib.func('int32_t outer_fill(_Out_ Outer *out, int32_t seed)');
  let o = {};
  t.equal(fillP(o, 5), 1);
  check(t, o, want, '_Out_');
  const fillC = lib.func('outer_fill', 'int32_t', [koffi.out(koffi.pointer(Outer)), 'int32_t']);
  o = { keep: 'me' };
  fillC(o, 5);
  check(t, o, want, 'koffi.out()');
  t.equal(o.keep, 'me', 'other properties of the object are kept');
  t.equal(fillP(null, 1), 0, 'null out pointer is NULL');

  const bumpP = lib.func('int32_t outer_bump(_Inout_ Outer *p)');
  o = filled(3);
  t.equal(bumpP(o), 1);
  check(t, o, { id: 4, inner: { x: 12, y: 4 }, z: -0.75, tags: [4, 5, 6, 7] }, '_Inout_');
  const bumpC = lib.func('outer_bump', 'int32_t', [koffi.inout(koffi.pointer(Outer))]);
  bumpC(o);
  check(t, o, { id: 5, inner: { x: 24, y: 4.5 }, z: 0.75, tags: [5, 6, 7, 8] }, 'koffi.inout() twice');

  const getIn = lib.func('void point_get(Point *out, int32_t x, int32_t y)');
  const p = { x: 0, y: 0 };
  getIn(p, 3, 4);
  t.same(p, { x: 0, y: 0 }, 'without out/inout nothing is copied back');
  const getOut = lib.func('void point_get(_Out_ Point *out, int32_t x, int32_t y)');
  getOut(p, 3, -4);
  t.same(p, { x: 3, y: -4 }, '_Out_ Point *');
  t.end();
});

t.test('JS arrays and typed arrays as T *', (t) => {
  const scaleIn = lib.func('void ints_scale(int32_t *arr, int32_t n, int32_t k)');
  const scaleIO = lib.func('void ints_scale(_Inout_ int32_t *arr, int32_t n, int32_t k)');
  let a = [1, -2, 3];
  scaleIn(a, 3, 10);
  t.same(a, [1, -2, 3], 'JS array to an input int *: not copied back');
  scaleIO(a, 3, 10);
  t.same(a, [10, -20, 30], 'JS array to _Inout_ int *: copied back into the same array');
  const ta = new Int32Array([4, 5, 6]);
  scaleIn(ta, 3, -2);
  t.same(Array.from(ta), [-8, -10, -12], 'Int32Array: C writes its memory');
  const sum = lib.func('double dbls_sum(const double *arr, int32_t n)');
  t.equal(sum([0.5, 1.5, 2.5], 3), 0.5 + 3 + 7.5, 'JS array of doubles in');
  t.equal(sum(new Float64Array([1, 2]), 2), 5, 'Float64Array in');
  const fill = lib.func('void dbls_fill(_Out_ double *arr, int32_t n, double start)');
  a = [0, 0, 0, 0];
  fill(a, 4, -1.5);
  t.same(a, [-1.5, -0.5, 0.5, 1.5], '_Out_ double * into a JS array');
  const fillC = lib.func('dbls_fill', 'void', [koffi.out(koffi.pointer('double')), 'int32_t', 'double']);
  const f64 = new Float64Array(3);
  fillC(f64, 3, 10);
  t.same(Array.from(f64), [10, 11, 12], 'koffi.out(double *) into a Float64Array');

  const pts = [{ x: 1, y: 2 }, { x: -3, y: 4 }, { x: 5, y: -6 }];
  const psum = lib.func('int32_t points_sum(const Point *pts, int32_t n)');
  t.equal(psum(pts, 3), 1 + 2000 - 3 + 4000 + 5 - 6000, 'array of structs in');
  const tr = lib.func('void points_translate(_Inout_ Point *pts, int32_t n, int32_t dx, int32_t dy)');
  tr(pts, 3, 10, 100);
  t.same(pts, [{ x: 11, y: 102 }, { x: 7, y: 104 }, { x: 15, y: 94 }], 'array of structs copied back in place');
  const fillN = lib.func('void outer_fill_n(_Out_ Outer *out, int32_t n, int32_t seed)');
  const outs = [{}, {}, {}];
  fillN(outs, 3, 7);
  for (let i = 0; i < 3; i++) {
    const w = filled(7 + i);
    t.equal(outs[i].id, w.id, `out array element ${i}: id`);
    t.same(outs[i].inner, w.inner, `out array element ${i}: inner`);
    t.same(Array.from(outs[i].tags), w.tags, `out array element ${i}: tags`);
  }
  t.end();
});

t.test('a returned struct pointer decodes with koffi.decode', (t) => {
  const p = lib.func('const Point *point_static(void)')();
  t.equal(typeof p, 'bigint');
  t.same(koffi.decode(p, Point), { x: 31, y: -41 });
  t.same(koffi.decode(p, 'Point'), { x: 31, y: -41 }, 'by type name');
  t.end();
});

t.test('opaque handles through _Out_ Handle **', (t) => {
  koffi.opaque('Handle');
  const open = lib.func('int32_t handle_open(int32_t id, _Out_ Handle **out)');
  const id = lib.func('int32_t handle_id(const Handle *h)');
  const close = lib.func('void handle_close(Handle *h)');
  const live = lib.func('int32_t handle_live(void)');
  const before = live();
  const h = [null];
  t.equal(open(42, h), 0);
  t.equal(h.length, 1);
  t.equal(typeof h[0], 'bigint', 'the handle comes back as a BigInt address');
  t.equal(id(h[0]), 42, 'and can be passed back');
  const h2 = [null];
  open(-7, h2);
  t.not(h2[0], h[0], 'a second handle is a different pointer');
  t.equal(id(h2[0]), -7);
  t.equal(live(), before + 2);
  close(h[0]);
  close(h2[0]);
  t.equal(live(), before);
  t.equal(open(1, null), -1, 'null for Handle ** is NULL');
  const openNull = lib.func('int32_t handle_open_null(_Out_ Handle **out)');
  const h3 = [123n];
  t.equal(openNull(h3), 7);
  t.equal(h3[0], null, 'a NULL handle written back is null');
  const openC = lib.func('handle_open', 'int32_t', ['int32_t', koffi.out(koffi.pointer('Handle', 2))]);
  const h4 = [null];
  openC(9, h4);
  t.equal(id(h4[0]), 9, 'koffi.out(koffi.pointer(Handle, 2))');
  close(h4[0]);
  t.equal(id(null), -1);
  t.end();
});

t.test('arrays of strings with NULL entries', (t) => {
  const desc = lib.func('int32_t strs_describe(const char **arr, int32_t n, char *out, size_t outlen)');
  const run = (arr) => {
    const buf = Buffer.alloc(256);
    const n = desc(arr, arr.length, buf, buf.length);
    return [n, buf.toString('utf8', 0, buf.indexOf(0))];
  };
  t.same(run(['a', null, 'bc', null]), [2, 'a|(null)|bc|(null)'], 'NULL entries arrive as NULL');
  t.same(run(['héllo', '', 'wörld']), [3, 'héllo||wörld'], 'UTF-8 and empty strings');
  t.same(run([null]), [0, '(null)']);
  const count = lib.func('int32_t strs_count(const char **arr)');
  t.equal(count(['x', 'y', 'z', null]), 3, 'NULL-terminated by the caller');
  t.equal(count([null, 'y']), 0);
  t.equal(count(null), -1);
  const produce = lib.func('void strs_produce(_Out_ const char **out, int32_t n)');
  const out = [undefined, undefined, undefined, undefined, undefined];
  produce(out, 5);
  t.same(out, ['s0', null, 's2', null, 's4'], '_Out_ const char ** decodes strings and NULLs');
  const nd = lib.func('int32_t named_describe(const NamedValue *p, char *out, size_t outlen)');
  const buf = Buffer.alloc(32);
  nd({ name: 'key', value: -3 }, buf, 32);
  t.equal(buf.toString('utf8', 0, buf.indexOf(0)), 'key=-3', 'string member through a struct pointer');
  t.end();
});

t.test('missing members are zeroed like C', (t) => {
  const hash = lib.func('uint32_t outer_hash(const Outer *p)');
  const hashV = lib.func('uint32_t outer_hash_val(Outer v)');
  const zero = B.hashItems(outerItems({ id: 0, inner: { x: 0, y: 0 }, z: 0, tags: [0, 0, 0, 0] }));
  t.equal(hashV({}), zero, 'empty object by value');
  t.equal(hash({}), zero, 'empty object through a pointer');
  t.equal(hashV({ id: 3 }), B.hashItems(outerItems({ id: 3, inner: { x: 0, y: 0 }, z: 0, tags: [0, 0, 0, 0] })), 'only id given');
  t.equal(hash({ inner: { y: 2.5 }, z: 1 }), B.hashItems(outerItems({ id: 0, inner: { x: 0, y: 2.5 }, z: 1, tags: [0, 0, 0, 0] })), 'nested member partly given');
  t.equal(hashV({ tags: [1, 2] }), B.hashItems(outerItems({ id: 0, inner: { x: 0, y: 0 }, z: 0, tags: [1, 2, 0, 0] })), 'short array member zero-filled');
  // Garbage from a previous call must not leak into the missing members.
  hash(filled(9));
  t.equal(hash({ id: 1 }), B.hashItems(outerItems({ id: 1, inner: { x: 0, y: 0 }, z: 0, tags: [0, 0, 0, 0] })), 'after a full call');
  hashV(filled(9));
  t.equal(hashV({ id: 1 }), B.hashItems(outerItems({ id: 1, inner: { x: 0, y: 0 }, z: 0, tags: [0, 0, 0, 0] })), 'by value after a full call');
  const hLL = lib.func('uint32_t hash_S_LL(S_LL v)');
  t.equal(hLL({ b: 5 }), B.hashItems([['i64', 0], ['i64', 5]]), 'register struct with a missing member');
  const hL3 = lib.func('uint32_t hash_S_L3(S_L3 v)');
  hL3({ a: 1, b: 2, c: 3 });
  t.equal(hL3({ c: 4 }), B.hashItems([['i64', 0], ['i64', 0], ['i64', 4]]), 'MEMORY struct with missing members');
  t.end();
});

t.test('wrong member values: TypeError naming the member path', (t) => {
  const hash = lib.func('uint32_t outer_hash(const Outer *p)');
  const hashV = lib.func('uint32_t outer_hash_val(Outer v)');
  const throwsAt = (fn, re, what) => {
    let err = null;
    try { fn(); } catch (e) { err = e; }
    t.ok(err, `${what}: throws`);
    t.type(err, TypeError, `${what}: TypeError`);
    if (err) t.match(err.message, re, `${what}: message "${err.message}" names ${re}`);
  };
  throwsAt(() => hashV({ id: 1, inner: { x: 'str', y: 1 } }), /\.inner\.x/, 'string for inner.x by value');
  throwsAt(() => hash({ id: 1, inner: { x: 'str', y: 1 } }), /\.inner\.x/, 'string for inner.x through a pointer');
  throwsAt(() => hashV({ id: 1, inner: { x: 1, y: {} } }), /\.inner\.y/, 'object for inner.y');
  throwsAt(() => hashV({ id: 'x' }), /\.id/, 'string for id');
  throwsAt(() => hashV({ inner: 5 }), /\.inner/, 'number for a struct member');
  throwsAt(() => hashV({ tags: [1, 'x'] }), /\.tags\[1\]/, 'string inside an array member');
  throwsAt(() => hashV(null), /argument 1/, 'null for a struct by value');
  throwsAt(() => hashV(undefined), /argument 1/, 'undefined for a struct by value');
  throwsAt(() => hashV([]), /argument 1/, 'array for a struct by value');
  throwsAt(() => hashV(5), /argument 1/, 'number for a struct by value');
  throwsAt(() => hashV('str'), /argument 1/, 'string for a struct by value');
  const psum = lib.func('int32_t points_sum(const Point *pts, int32_t n)');
  throwsAt(() => psum([{ x: 1, y: 2 }, { x: 'bad', y: 2 }], 2), /\[1\]\.x/, 'bad member of element 1 of an array of structs');
  const many = lib.func('uint32_t many_structs(S_DD a, S_DD b, S_DD c, S_DD d, S_DD e, S_LL f, S_LL g, S_LL h, S_LL i, S_LD j, S_FFF k, int32_t x, double y, S_IF z)');
  const dd = { a: 1, b: 2 };
  throwsAt(() => many(dd, dd, dd, dd, dd, dd, dd, dd, dd, dd, { a: 1, b: 'two', c: 3 }, 1, 1, dd), /argument 11[\s\S]*\.b/, 'argument 11, member b');
  t.equal(hashV({ id: 1 }), B.hashItems(outerItems({ id: 1, inner: { x: 0, y: 0 }, z: 0, tags: [0, 0, 0, 0] })), 'still works afterwards');
  t.end();
});

t.test('member values: truncation like C, throwing getters, proxies, short buffers', (t) => {
  const hC3 = lib.func('uint32_t hash_S_C3(S_C3 v)');
  t.equal(hC3({ a: 257, b: -1, c: 1000 }), B.fnv1a([1, 255, 1000 & 0xff]), 'out-of-range uint8_t members are truncated like C');
  const hLL = lib.func('uint32_t hash_S_LL(S_LL v)');
  t.equal(hLL({ a: 2n ** 64n + 5n, b: -(2n ** 63n) }), B.hashItems([['i64', 5], ['i64', -(2n ** 63n)]]), 'BigInt members wrap to 64 bits');
  const hashV = lib.func('uint32_t outer_hash_val(Outer v)');
  const hash = lib.func('uint32_t outer_hash(const Outer *p)');
  const boom = { id: 1, get z() { throw new Error('getter boom'); } };
  t.throws(() => hashV(boom), /getter boom/, 'a throwing getter propagates (by value)');
  t.throws(() => hash(boom), /getter boom/, 'a throwing getter propagates (through a pointer)');
  const inner = { x: 1, get y() { throw new RangeError('inner boom'); } };
  t.throws(() => hashV({ inner }), /inner boom/, 'a throwing getter in a nested member propagates');
  const prox = new Proxy({}, { get: (o, k) => (k === 'id' ? 77 : undefined), has: (o, k) => k === 'id' });
  t.equal(hashV(prox), B.hashItems([['i32', 77], ['i32', 0], ['f32', 0], ['f64', 0], ['u8', 0], ['u8', 0], ['u8', 0], ['u8', 0]]), 'a Proxy is read like an object');
  const trap = new Proxy({}, { get() { throw new Error('proxy boom'); } });
  t.throws(() => hashV(trap), /proxy boom/, 'a throwing Proxy propagates');
  t.throws(() => hash(Buffer.alloc(8)), RangeError, 'a Buffer smaller than Outer for const Outer * is a RangeError');
  const okBuf = Buffer.alloc(koffi.sizeof(Outer));
  okBuf.writeInt32LE(9, 0);
  t.equal(hash(okBuf), B.hashItems([['i32', 9], ['i32', 0], ['f32', 0], ['f64', 0], ['u8', 0], ['u8', 0], ['u8', 0], ['u8', 0]]), 'a Buffer of the right size is passed as memory');
  const fill = lib.func('int32_t outer_fill(_Out_ Outer *out, int32_t seed)');
  t.throws(() => fill(5, 1), TypeError, 'a Number for _Out_ Outer * is a TypeError (never an address)');
  t.throws(() => fill('x', 1), TypeError, 'a string for _Out_ Outer * is a TypeError');
  t.equal(hashV({ id: 2 }), B.hashItems([['i32', 2], ['i32', 0], ['f32', 0], ['f64', 0], ['u8', 0], ['u8', 0], ['u8', 0], ['u8', 0]]), 'still works afterwards');
  t.end();
});

t.test('bad struct declarations', (t) => {
  t.throws(() => koffi.struct('BadMember', { a: 'int', b: 'no_such_type_t' }), /no_such_type_t/, 'member of unknown type');
  t.throws(() => koffi.struct('BadSelf', { a: 'int', self: 'BadSelf' }), undefined, 'a struct containing itself by name');
  const Opq = koffi.opaque('BadSelf2');
  t.throws(() => koffi.struct(Opq, { a: 'int', self: Opq }), undefined, 'a struct containing itself through its opaque type');
  t.throws(() => koffi.struct('BadVoid', { a: 'void' }), undefined, 'void member');
  t.throws(() => koffi.struct('BadOpaque', { a: koffi.opaque('SomeOpaque') }), undefined, 'opaque (incomplete) member');
  t.throws(() => koffi.array('uint8_t', 2 ** 27), undefined, 'array over max_type_size (64 MiB)');
  t.throws(() => koffi.struct('BadHuge', { a: koffi.array('uint8_t', 2 ** 25), b: koffi.array('uint8_t', 2 ** 25), c: 'int' }),
    undefined, 'struct over max_type_size');
  t.throws(() => koffi.struct('BadArrMember', { a: koffi.array('double', 2 ** 24) }), undefined, 'double[2^24] (128 MiB) member');
  t.throws(() => koffi.struct({ 'not an identifier': 'int' }), undefined, 'invalid member name');
  t.throws(() => koffi.struct('Bad Name', { a: 'int' }), undefined, 'invalid type name');
  t.throws(() => koffi.struct('BadAlign', { a: [3, 'int'] }), undefined, 'alignment 3');
  t.end();
});

t.test('self-referential structs through pointers', (t) => {
  const Node = koffi.opaque('ListNode');
  const T1 = koffi.struct(Node, { value: 'int', next: 'ListNode *' });
  t.equal(T1, Node, 'the opaque type is completed in place');
  t.equal(koffi.sizeof(Node), 2 * PTR_SIZE);
  t.equal(koffi.offsetof(Node, 'next'), PTR_SIZE);
  // Koffi also accepts the struct's own name in a pointer member of its definition.
  let T2 = null;
  t.doesNotThrow(() => { T2 = koffi.struct('TreeNode', { left: 'TreeNode *', right: 'TreeNode *', v: 'int' }); },
    "koffi.struct('TreeNode', { left: 'TreeNode *', ... }) refers to itself by name");
  if (T2) {
    t.equal(koffi.sizeof(T2), 3 * PTR_SIZE);
    t.equal(koffi.offsetof(T2, 'v'), 2 * PTR_SIZE);
    t.equal(T2.members.left.type.ref, T2, 'the pointer member points to the struct being defined');
  }
  t.end();
});
