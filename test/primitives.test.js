// Every primitive type as argument and result, through the identity, widening and
// truncation probes of libcptest (test/lib/cptest.h). Expected values are computed in JS
// from the inputs with the C conversion rules (BigInt.asIntN / asUintN, Math.fround,
// Buffer byte-order reads).
'use strict';
const t = require('tap');
const koffi = require('..');
const { testlibPaths: paths } = require('./support/env.js');

const lib = koffi.load(paths.cptest);

const TWO53 = 2n ** 53n;

// Integer results: exact as Number when |v| <= 2^53, else BigInt (API.md "Values").
function toJS(b) {
  return b >= -TWO53 && b <= TWO53 ? Number(b) : b;
}

// What C does when the JS value is converted to an integer type of `bits` bits:
// the value truncated toward zero, then reduced modulo 2^bits.
function cConv(v, bits, signed) {
  const b = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  return toJS(signed ? BigInt.asIntN(bits, b) : BigInt.asUintN(bits, b));
}

function is(t, found, wanted, msg) {
  if (Object.is(found, wanted)) t.pass(msg);
  else t.fail(msg, { found: String(found) + ` (${typeof found})`, wanted: String(wanted) + ` (${typeof wanted})` });
}

function boundaries(bits, signed) {
  const B = BigInt(bits);
  const min = signed ? -(2n ** (B - 1n)) : 0n;
  const max = signed ? 2n ** (B - 1n) - 1n : 2n ** B - 1n;
  const set = [0n, 1n, -1n, 2n, -2n, min, max, max + 1n, min - 1n, max - 1n, min + 1n, 2n ** B, 2n ** B + 3n,
    -(2n ** B) - 3n, 0x5an, 2n ** (B - 1n), 2n ** (B - 2n) + 1n];
  if (bits === 64) {
    set.push(TWO53 - 1n, TWO53, TWO53 + 1n, -TWO53 + 1n, -TWO53, -TWO53 - 1n, 2n ** 63n, 2n ** 64n - 1n,
      2n ** 63n - 1n, -(2n ** 63n), 0x0123456789abcdefn, 0xfedcba9876543210n);
  }
  return set;
}

// C types of cptest.h identity functions, with their width and signedness. long, size_t and
// the pointer-sized integers take their width from the data model (LP64: 64 bits, ILP32: 32).
// char16_t / char32_t are signed in Koffi (doc/primitives.md), like every name below.
const LONG_BITS = koffi.sizeof('long') * 8;
const PTR_BITS = koffi.sizeof('void *') * 8;
// The alignment of 8-byte integers (in structs, which is what koffi.alignof reports): 8 on
// x86-64 and arm64, 4 on i386, as gcc lays out L_Mix of libcpstructs (structs.h).
const ALIGN8 = (() => {
  const structs = koffi.load(paths.cpstructs);
  if (structs.func('const char *layout_name(int)')(1) !== 'L_Mix') throw new Error('layouts[1] of structs.c is no longer L_Mix');
  return Number(structs.func('size_t layout_align(int)')(1));
})();
const INTEGERS = [
  { type: 'int8_t', fn: 'id_i8', bits: 8, signed: true },
  { type: 'uint8_t', fn: 'id_u8', bits: 8, signed: false },
  { type: 'int16_t', fn: 'id_i16', bits: 16, signed: true },
  { type: 'uint16_t', fn: 'id_u16', bits: 16, signed: false },
  { type: 'int32_t', fn: 'id_i32', bits: 32, signed: true },
  { type: 'uint32_t', fn: 'id_u32', bits: 32, signed: false },
  { type: 'int64_t', fn: 'id_i64', bits: 64, signed: true },
  { type: 'uint64_t', fn: 'id_u64', bits: 64, signed: false },
  { type: 'char', fn: 'id_char', bits: 8, signed: true },
  { type: 'uchar', fn: 'id_uchar', bits: 8, signed: false },
  { type: 'short', fn: 'id_short', bits: 16, signed: true },
  { type: 'ushort', fn: 'id_ushort', bits: 16, signed: false },
  { type: 'int', fn: 'id_int', bits: 32, signed: true },
  { type: 'uint', fn: 'id_uint', bits: 32, signed: false },
  { type: 'long', fn: 'id_long', bits: LONG_BITS, signed: true },
  { type: 'ulong', fn: 'id_ulong', bits: LONG_BITS, signed: false },
  { type: 'longlong', fn: 'id_longlong', bits: 64, signed: true },
  { type: 'ulonglong', fn: 'id_ulonglong', bits: 64, signed: false },
  { type: 'size_t', fn: 'id_size', bits: PTR_BITS, signed: false },
  { type: 'intptr_t', fn: 'id_intptr', bits: PTR_BITS, signed: true },
  { type: 'uintptr_t', fn: 'id_uintptr', bits: PTR_BITS, signed: false },
  { type: 'wchar_t', fn: 'id_wchar', bits: 32, signed: true },
  { type: 'char16_t', fn: 'id_char16', bits: 16, signed: true },
  { type: 'char32_t', fn: 'id_char32', bits: 32, signed: true },
];

t.test('integer identities at their boundaries, BigInt and Number input', (t) => {
  for (const { type, fn, bits, signed } of INTEGERS) {
    const f = lib.func(`${type} ${fn}(${type} v)`);
    for (const big of boundaries(bits, signed)) {
      const want = cConv(big, bits, signed);
      is(t, f(big), want, `${fn}(${big}n)`);
      // The same value as a Number, when it is one exactly and inside the int64 range
      // (uint64 also takes [2^63, 2^64)). A double outside that range has no C conversion
      // (undefined behaviour), so it is not tested.
      const n = Number(big);
      const hi = signed || bits < 64 ? 2n ** 63n : 2n ** 64n;
      if (BigInt(n) === big && big >= -(2n ** 63n) && big < hi)
        is(t, f(n), want, `${fn}(${n})`);
    }
    // Fractions are truncated toward zero like a C conversion.
    is(t, f(1.75), 1, `${fn}(1.75)`);
    if (signed) is(t, f(-1.75), -1, `${fn}(-1.75)`);
  }
  t.end();
});

t.test('int64 results: Number when |v| <= 2^53, else BigInt', (t) => {
  const i64 = lib.func('int64_t id_i64(int64_t)');
  const u64 = lib.func('uint64_t id_u64(uint64_t)');
  t.equal(i64(2 ** 53), 2 ** 53);
  t.equal(i64(-(2 ** 53)), -(2 ** 53));
  t.equal(i64(2 ** 53 - 1), 2 ** 53 - 1);
  t.equal(i64(TWO53 + 1n), TWO53 + 1n);
  t.equal(i64(-TWO53 - 1n), -TWO53 - 1n);
  t.equal(typeof i64(2n ** 40n), 'number', 'a small BigInt comes back as a Number');
  t.equal(i64(2n ** 40n), 2 ** 40);
  t.equal(u64(2 ** 53), 2 ** 53);
  t.equal(u64(TWO53 + 1n), TWO53 + 1n);
  t.equal(u64(2 ** 63), 2n ** 63n, '2^63 (exact as a Number) into uint64');
  t.equal(u64(2 ** 64 - 2048), 2n ** 64n - 2048n, 'the largest double below 2^64');
  t.equal(u64(2n ** 64n - 1n), 2n ** 64n - 1n);
  t.equal(u64(-1), 2n ** 64n - 1n, '-1 into uint64 wraps like C');
  t.equal(i64(2n ** 64n - 1n), -1, '2^64-1 into int64 is -1');
  t.equal(i64(2n ** 63n), -(2n ** 63n), '2^63 into int64 wraps to INT64_MIN');
  t.equal(i64(-(2n ** 63n)), -(2n ** 63n));
  t.end();
});

t.test('bool in and out', (t) => {
  const id = lib.func('bool id_bool(bool)');
  t.equal(id(true), true);
  t.equal(id(false), false);
  const widen = lib.func('int widen_bool(bool)');
  t.equal(widen(true), 1);
  t.equal(widen(false), 0);
  const trunc = lib.func('bool trunc_bool(int)');
  for (const v of [0, 1, 2, 256, -1, 0x100, 0x7fffffff, -(2 ** 31)]) t.equal(trunc(v), v !== 0, `trunc_bool(${v})`);
  t.end();
});

t.test('float: Math.fround rounding, specials and bit patterns', (t) => {
  const id = lib.func('float id_float(float)');
  const bits = lib.func('uint32_t float_bits(float)');
  const fromBits = lib.func('float float_from_bits(uint32_t)');
  const dv = new DataView(new ArrayBuffer(4));
  const jsBits = (v) => { dv.setFloat32(0, v, true); return dv.getUint32(0, true); };
  const values = [0, -0, 1, -1, 0.1, 1 / 3, -2.5, 3.4028234663852886e38, 3.5e38, -3.5e38, 1e39, 1.401298464324817e-45,
    1e-46, 1.1754943508222875e-38, 16777217, 123456.789, Math.PI, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE];
  for (const v of values) {
    is(t, id(v), Math.fround(v), `id_float(${v})`);
    if (!Number.isNaN(v)) t.equal(bits(v), jsBits(v), `float_bits(${v})`);
  }
  for (const b of [0, 0x80000000, 0x3f800000, 0x7f800000, 0xff800000, 0x00000001, 0x7f7fffff, 0x3eaaaaab]) {
    dv.setUint32(0, b, true);
    is(t, fromBits(b), dv.getFloat32(0, true), `float_from_bits(0x${b.toString(16)})`);
  }
  t.ok(Number.isNaN(lib.func('float float_nan(void)')()), 'float_nan() is NaN');
  const inf = lib.func('float float_inf(int)');
  t.equal(inf(0), Infinity);
  t.equal(inf(1), -Infinity);
  t.equal(lib.func('int float_is_nan(float)')(NaN), 1);
  t.equal(lib.func('int float_is_nan(float)')(1), 0);
  const signbit = lib.func('int float_signbit(float)');
  t.equal(signbit(-0), 1, '-0 keeps its sign into C');
  t.equal(signbit(0), 0);
  t.equal(signbit(-Infinity), 1);
  is(t, lib.func('float double_to_float(double)')(-0), -0, '-0 float result');
  const toDouble = lib.func('double float_to_double(float)');
  t.equal(toDouble(0.1), Math.fround(0.1), 'float argument is rounded before C widens it');
  const trunc = lib.func('float trunc_float(double)');
  for (const v of [0.1, 1e300, -1e300, 1e-300, 2 / 3, 16777217]) is(t, trunc(v), Math.fround(v), `trunc_float(${v})`);
  t.end();
});

t.test('double: exact values and specials', (t) => {
  const id = lib.func('double id_double(double)');
  const bits = lib.func('uint64_t double_bits(double)');
  const fromBits = lib.func('double double_from_bits(uint64_t)');
  const dv = new DataView(new ArrayBuffer(8));
  const jsBits = (v) => { dv.setFloat64(0, v, true); return toJS(dv.getBigUint64(0, true)); };
  const values = [0, -0, 1, -1, 0.1, 1 / 3, Math.PI, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE,
    2 ** 53 + 2, Number.EPSILON, NaN, Infinity, -Infinity, 2.2250738585072014e-308];
  for (const v of values) {
    is(t, id(v), v, `id_double(${v})`);
    if (!Number.isNaN(v)) is(t, bits(v), jsBits(v), `double_bits(${v})`);
  }
  for (const b of [0n, 2n ** 63n, 0x3ff0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 1n, 0x400921fb54442d18n]) {
    dv.setBigUint64(0, b, true);
    is(t, fromBits(b), dv.getFloat64(0, true), `double_from_bits(0x${b.toString(16)})`);
  }
  t.ok(Number.isNaN(lib.func('double double_nan(void)')()));
  t.equal(lib.func('double double_inf(int)')(0), Infinity);
  t.equal(lib.func('double double_inf(int)')(1), -Infinity);
  is(t, lib.func('double double_neg_zero(void)')(), -0, 'double_neg_zero() is -0');
  const signbit = lib.func('int double_signbit(double)');
  t.equal(signbit(-0), 1);
  t.equal(signbit(0), 0);
  t.equal(lib.func('int double_is_nan(double)')(NaN), 1);
  t.equal(lib.func('int double_is_nan(double)')(Infinity), 0);
  const add = lib.func('double add_double(double, double)');
  is(t, add(0.1, 0.2), 0.1 + 0.2);
  is(t, add(-0, -0), -0);
  const addf = lib.func('float add_float(float, float)');
  is(t, addf(0.1, 0.2), Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  t.end();
});

t.test('void results are undefined and the call happens', (t) => {
  const reset = lib.func('void counter_reset(void)');
  const inc = lib.func('void counter_inc()');
  const add = lib.func('void counter_add(int)');
  const get = lib.func('int counter_get(void)');
  t.equal(reset(), undefined);
  t.equal(inc(), undefined);
  t.equal(inc(), undefined);
  t.equal(add(40), undefined);
  t.equal(get(), 42);
  t.equal(lib.func('void cp_noop(void)')(), undefined);
  t.equal(lib.func('cp_noop', 'void', [])(), undefined);
  t.end();
});

t.test('sign and zero extension of narrow arguments (widen_*)', (t) => {
  // koffi's char and wchar_t are signed everywhere; C's are unsigned on some ISAs (arm64), and
  // then C reads the same bits as unsigned.
  const charSigned = lib.func('int cp_char_is_signed(void)')() === 1;
  const wcharSigned = lib.func('int cp_wchar_is_signed(void)')() === 1;
  const probes = [
    ['widen_i8', 'int8_t', 8, true], ['widen_u8', 'uint8_t', 8, false], ['widen_i16', 'int16_t', 16, true],
    ['widen_u16', 'uint16_t', 16, false], ['widen_i32', 'int32_t', 32, true], ['widen_u32', 'uint32_t', 32, false],
    ['widen_char', 'char', 8, charSigned], ['widen_uchar', 'unsigned char', 8, false], ['widen_short', 'short', 16, true],
    ['widen_ushort', 'unsigned short', 16, false], ['widen_wchar', 'wchar_t', 32, wcharSigned],
    ['widen_char16', 'char16_t', 16, false], ['widen_char32', 'char32_t', 32, false],
  ];
  for (const [fn, type, bits, cSigned] of probes) {
    // The C function returns long long for signed parameters and unsigned long long for
    // unsigned ones (char16_t/char32_t are unsigned in C), so C's view of the value shows.
    const ret = cSigned ? 'long long' : 'unsigned long long';
    const f = lib.func(`${ret} ${fn}(${type})`);
    for (const v of boundaries(bits, true).concat(boundaries(bits, false))) {
      is(t, f(v), cConv(v, bits, cSigned), `${fn}(${v}n)`);
    }
    for (const v of [-1, -128, 127, 255, 0x8000, -0x8000, 0xffff, 0x12345678]) is(t, f(v), cConv(v, bits, cSigned), `${fn}(${v})`);
  }
  // Eight narrow arguments, two of them on the stack.
  const many = lib.func('long long widen_many(int8_t, uint8_t, int16_t, uint16_t, int8_t, uint8_t, int16_t, uint16_t)');
  const spec = [[8, true], [8, false], [16, true], [16, false], [8, true], [8, false], [16, true], [16, false]];
  const sets = [
    [-1, -1, -1, -1, -1, -1, -1, -1],
    [-128, 255, -32768, 65535, 127, 128, 32767, 32768],
    [0x1ff, 0x1ff, 0x1ffff, 0x1ffff, -129, 256, -32769, 65536],
    [1, 2, 3, 4, 5, 6, 7, 8],
  ];
  for (const args of sets) {
    let sum = 0n;
    args.forEach((a, i) => { sum += BigInt(i + 1) * BigInt(cConv(a, spec[i][0], spec[i][1])); });
    is(t, many(...args), toJS(sum), `widen_many(${args})`);
  }
  t.end();
});

t.test('narrow results with dirty upper bits (trunc_*)', (t) => {
  const probes = [
    ['int8_t trunc_i8(int)', 8, true], ['uint8_t trunc_u8(int)', 8, false], ['int16_t trunc_i16(int)', 16, true],
    ['uint16_t trunc_u16(int)', 16, false],
  ];
  const ints = [0, 1, -1, 0x7f, 0x80, 0xff, 0x100, 0x1ff, 0x17f, 0x180, 0x7fff, 0x8000, 0xffff, 0x18000, 0x12345678,
    -(2 ** 31), 2 ** 31 - 1, -0x81];
  for (const [proto, bits, signed] of probes) {
    const f = lib.func(proto);
    for (const v of ints) is(t, f(v), cConv(v, bits, signed), `${proto} with ${v}`);
  }
  const wide = [0, 1, -1, 0xffffffff, 0x80000000, 0x7fffffff, 2 ** 32 + 5, -(2 ** 32) - 1, 0x123456789a];
  const ti32 = lib.func('int32_t trunc_i32(long long)');
  const tu32 = lib.func('uint32_t trunc_u32(long long)');
  for (const v of wide) {
    is(t, ti32(v), cConv(v, 32, true), `trunc_i32(${v})`);
    is(t, tu32(v), cConv(v, 32, false), `trunc_u32(${v})`);
  }
  t.end();
});

// Byte order: the JS reference swaps bytes through a Buffer.
function beToNative(v, bytes, signedIn, signedOut) {
  const b = Buffer.alloc(8);
  if (bytes === 2) { signedIn ? b.writeInt16BE(Number(v)) : b.writeUInt16BE(Number(v)); return signedOut ? b.readInt16LE() : b.readUInt16LE(); }
  if (bytes === 4) { signedIn ? b.writeInt32BE(Number(v)) : b.writeUInt32BE(Number(v)); return signedOut ? b.readInt32LE() : b.readUInt32LE(); }
  signedIn ? b.writeBigInt64BE(BigInt(v)) : b.writeBigUInt64BE(BigInt(v));
  return toJS(signedOut ? b.readBigInt64LE() : b.readBigUInt64LE());
}
function nativeToBe(v, bytes, signedIn, signedOut) {
  const b = Buffer.alloc(8);
  if (bytes === 2) { signedIn ? b.writeInt16LE(Number(v)) : b.writeUInt16LE(Number(v)); return signedOut ? b.readInt16BE() : b.readUInt16BE(); }
  if (bytes === 4) { signedIn ? b.writeInt32LE(Number(v)) : b.writeUInt32LE(Number(v)); return signedOut ? b.readInt32BE() : b.readUInt32BE(); }
  signedIn ? b.writeBigInt64LE(BigInt(v)) : b.writeBigUInt64LE(BigInt(v));
  return toJS(signedOut ? b.readBigInt64BE() : b.readBigUInt64BE());
}

t.test('endian types in both directions', (t) => {
  t.equal(lib.func('int is_little_endian(void)')(), 1, 'x86-64 is little-endian');
  const widths = [[2, 16, 'u16', 'swap16'], [4, 32, 'u32', 'swap32'], [8, 64, 'u64', 'swap64']];
  const samples = {
    2: [0x1122, 0x0080, 0x8000, 0xfffe, 0x00ff, 1, 0],
    4: [0x11223344, 0x00000080, 0x80000000, 0xfffffffe, 0x000000ff, 1, 0],
    8: [0x1122334455667788n, 0x80n, 2n ** 63n, 2n ** 64n - 2n, 0xffn, 1n, 0n, 0x0000000000ff0000n],
  };
  for (const [bytes, bits, u, swapFn] of widths) {
    for (const sfx of ['_t', '']) {
      for (const signed of [false, true]) {
        const base = `${signed ? '' : 'u'}int${bits}`;
        const be = `${base}_be${sfx}`;
        const le = `${base}_le${sfx}`;
        const native = `uint${bits}_t`;
        const argBe = lib.func(`${native} bytes_${u}(${be})`);
        const retBe = lib.func(`${be} bytes_${u}(${native})`);
        const argLe = lib.func(`${native} bytes_${u}(${le})`);
        const retLe = lib.func(`${le} bytes_${u}(${native})`);
        const swapArg = lib.func(`${native} ${swapFn}(${be})`);
        const swapRet = lib.func(`${be} ${swapFn}(${native})`);
        const memByte = lib.func(`int mem_byte_${u}(${be}, int)`);
        for (const raw of samples[bytes]) {
          // The JS value given to a signed endian type is the signed reading of the pattern.
          const v = signed ? cConv(BigInt(raw), bits, true) : cConv(BigInt(raw), bits, false);
          is(t, argBe(v), beToNative(v, bytes, signed, false), `${native} bytes_${u}(${be}) with ${v}`);
          is(t, retBe(raw), nativeToBe(raw, bytes, false, signed), `${be} bytes_${u}(${native}) with ${raw}`);
          is(t, argLe(v), cConv(BigInt(v), bits, false), `${le} argument is native order`);
          is(t, retLe(raw), cConv(BigInt(raw), bits, signed), `${le} result is native order`);
          // swapN(x as big-endian): C sees the swapped value and swaps it back.
          is(t, swapArg(v), cConv(BigInt(v), bits, false), `${swapFn}(${be}) with ${v} gives the value back`);
          is(t, swapRet(raw), cConv(BigInt(raw), bits, signed), `${be} ${swapFn}(${native}) with ${raw}`);
          // The big-endian argument, as stored in memory by C, holds the big-endian bytes of v.
          const buf = Buffer.alloc(8);
          if (bytes === 2) buf.writeUInt16BE(Number(cConv(BigInt(v), 16, false)));
          else if (bytes === 4) buf.writeUInt32BE(Number(cConv(BigInt(v), 32, false)));
          else buf.writeBigUInt64BE(BigInt.asUintN(64, BigInt(v)));
          for (let i = 0; i < bytes; i++) t.equal(memByte(v, i), buf[i], `mem_byte_${u}(${be} ${v}, ${i})`);
        }
      }
    }
  }
  t.end();
});

t.test('every spelling of every primitive type', (t) => {
  // long and the pointer-sized names join the group of their width in the data model.
  const LONGS = ['long', 'long int'];
  const ULONGS = ['ulong', 'unsigned long'];
  const IPTRS = ['intptr', 'intptr_t'];
  const UPTRS = ['size_t', 'uintptr', 'uintptr_t'];
  const model = (bits, longs, ptrs) => [...(LONG_BITS === bits ? longs : []), ...(PTR_BITS === bits ? ptrs : [])];
  // [canonical C function, bits, signed (as seen in JS), spellings]
  const groups = [
    ['id_i8', 8, true, ['int8', 'int8_t', 'char', 'signed char']],
    ['id_u8', 8, false, ['uint8', 'uint8_t', 'uchar', 'unsigned char']],
    ['id_i16', 16, true, ['int16', 'int16_t', 'short', 'short int', 'signed short']],
    ['id_u16', 16, false, ['uint16', 'uint16_t', 'ushort', 'unsigned short', 'unsigned short int']],
    ['id_i32', 32, true, ['int32', 'int32_t', 'int', 'signed int', 'signed', ...model(32, LONGS, IPTRS)]],
    ['id_u32', 32, false, ['uint32', 'uint32_t', 'uint', 'unsigned int', 'unsigned', ...model(32, ULONGS, UPTRS)]],
    ['id_i64', 64, true, ['int64', 'int64_t', 'longlong', 'long long', 'long long int', ...model(64, LONGS, IPTRS)]],
    ['id_u64', 64, false, ['uint64', 'uint64_t', 'ulonglong', 'unsigned long long', ...model(64, ULONGS, UPTRS)]],
    ['id_char16', 16, true, ['char16', 'char16_t']],
    ['id_char32', 32, true, ['char32', 'char32_t', 'wchar_t', 'wchar']],
  ];
  for (const [fn, bits, signed, names] of groups) {
    const probe = bits === 64 ? [0n, -1n, 2n ** 63n + 5n, TWO53 + 1n, 12345n] : [0n, -1n, 2n ** BigInt(bits - 1), 0x5an];
    for (const name of names) {
      const ty = koffi.type(name);
      t.equal(ty.size, bits / 8, `sizeof(${name})`);
      t.equal(koffi.sizeof(name), bits / 8);
      t.equal(koffi.alignof(name), bits === 64 ? ALIGN8 : bits / 8, `alignof(${name})`);
      const viaProto = lib.func(`${name} ${fn}(${name} v)`);
      const viaConst = lib.func(`const ${name} ${fn}(const ${name})`);
      const viaClassic = lib.func(fn, name, [name]);
      const viaObject = lib.func(fn, ty, [ty]);
      for (const v of probe) {
        const want = cConv(v, bits, signed);
        is(t, viaProto(v), want, `${name} (prototype) ${v}`);
        is(t, viaConst(v), want, `const ${name} ${v}`);
        is(t, viaClassic(v), want, `${name} (classic) ${v}`);
        is(t, viaObject(v), want, `${name} (TypeObject) ${v}`);
      }
    }
  }
  for (const name of ['float', 'float32']) {
    t.equal(koffi.sizeof(name), 4);
    is(t, lib.func(`${name} id_float(${name})`)(0.1), Math.fround(0.1), name);
    is(t, lib.func('id_float', name, [name])(1 / 3), Math.fround(1 / 3), `${name} classic`);
  }
  for (const name of ['double', 'float64']) {
    t.equal(koffi.sizeof(name), 8);
    is(t, lib.func(`${name} id_double(${name})`)(0.1), 0.1, name);
    is(t, lib.func('id_double', name, [name])(1 / 3), 1 / 3, `${name} classic`);
  }
  for (const name of ['bool']) {
    t.equal(koffi.sizeof(name), 1);
    t.equal(lib.func(`${name} id_bool(${name})`)(true), true);
  }
  // koffi.types exposes the same TypeObjects as the names.
  for (const name of ['int', 'uint64_t', 'float', 'double', 'char16_t', 'wchar_t', 'size_t', 'int32_be_t']) {
    t.ok(koffi.types[name], `koffi.types['${name}']`);
    t.equal(koffi.types[name].size, koffi.sizeof(name));
    t.equal(koffi.types[name].name, koffi.type(name).name);
  }
  t.equal(lib.func('id_i32', koffi.types.int32, [koffi.types.int])(-7), -7);
  t.end();
});

t.test('mixed integer widths in one call keep each argument intact', (t) => {
  // mixed8: int, double, float, long long, short, double, unsigned int, float; plain sum as double.
  const mixed8 = lib.func('double mixed8(int, double, float, long long, short, double, unsigned int, float)');
  const lastI64 = lib.func('long long get_last_arg_i64(int)');
  const args = [-2147483648, 0.5, 0.1, -(2 ** 40), -32768, -0.25, 4294967295, 1e-3];
  const conv = [cConv(args[0], 32, true), args[1], Math.fround(args[2]), args[3], cConv(args[4], 16, true), args[5],
    cConv(args[6], 32, false), Math.fround(args[7])];
  let sum = 0;
  for (const v of conv) sum += v;
  // C adds left to right: ((((a + b) + c) + d) ...
  is(t, mixed8(...args), sum);
  t.equal(lastI64(0), conv[0]);
  t.equal(lastI64(3), conv[3]);
  t.equal(lastI64(4), conv[4]);
  t.equal(lastI64(6), conv[6]);
  t.end();
});
