// Callbacks: prototype types, transient and registered callbacks through the static
// trampolines, every argument and result type (structs in every System V class, stack spills,
// 64-bit unsigned values), exceptions, nesting, calls from other threads (the JS thread idle
// or blocked inside a native call), W^X, and koffi.node (env, poll).
//
// C code: the call_cb_* helpers of libcptest (cptest.h), qsort from libc, and libcpcallbacks
// (test/lib/callbacks.h). Cases that could crash the process run in a child process.
'use strict';
const t = require('tap');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const koffi = require('..');
const { testlibPaths: paths, testlibPathsFile, nodePath } = require('./support/env.js');

const lib = koffi.load(paths.cptest);
const cbs = koffi.load(paths.cpcallbacks);
const libc = koffi.load(null);
// The data model: pointers (and so function types) and size_t are 8 bytes on LP64, 4 on ia32.
const PTR_SIZE = koffi.sizeof('void *');
const SIZE_MAX_BIG = 2n ** BigInt(8 * koffi.sizeof('size_t')) - 1n;
const SIZE_MAX = SIZE_MAX_BIG <= 2n ** 53n ? Number(SIZE_MAX_BIG) : SIZE_MAX_BIG;

const ROOT = path.join(__dirname, '..');

// Runs `code` in a fresh node process with koffi, lib (cptest), cbs (cpcallbacks) and libc in
// scope; returns { status, signal, stdout, stderr }.
function child(code, { nodeArgs = [], timeout = 60000, env } = {}) {
  const prelude = `
    const koffi = require(${JSON.stringify(ROOT)});
    const paths = require(${JSON.stringify(testlibPathsFile)});
    const lib = koffi.load(paths.cptest);
    const cbs = koffi.load(paths.cpcallbacks);
    const libc = koffi.load(null);
  `;
  const r = spawnSync(nodePath, [...nodeArgs, '-e', prelude + code], {
    encoding: 'utf8', timeout, env: env ? { ...process.env, ...env } : process.env,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// A child process that ran to the end: no signal, status 0 (stderr shown on failure).
function exitedCleanly(t, r, what) {
  t.same({ signal: r.signal, status: r.status }, { signal: null, status: 0 }, what, { stderr: r.stderr });
}

function is(t, found, wanted, msg) {
  if (Object.is(found, wanted)) t.pass(msg);
  else t.fail(msg, { found: `${String(found)} (${typeof found})`, wanted: `${String(wanted)} (${typeof wanted})` });
}

// ---------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------

t.test('proto() forms and the Prototype / Callback type objects', (t) => {
  const A = koffi.proto('int TypesA(int a, double b)');
  t.equal(A.name, 'TypesA');
  t.equal(A.primitive, 'Prototype');
  t.equal(A.size, PTR_SIZE, 'a function type has the size of a pointer');
  t.equal(A.proto.name, 'TypesA');
  t.equal(A.proto.arguments.length, 2);
  t.equal(A.proto.arguments[0].type, koffi.types.int);
  t.equal(A.proto.arguments[0].direction, 'Input');
  t.equal(A.proto.result, koffi.types.int);
  t.equal(koffi.type('TypesA'), A, 'registered by name');

  const P = koffi.pointer(A);
  t.equal(P.name, 'TypesA *');
  t.equal(P.primitive, 'Callback');
  t.equal(P.size, PTR_SIZE);
  t.equal(P.proto, A.proto);
  t.equal(koffi.type('TypesA *'), P, "'TypesA *' is the same type");

  const B = koffi.proto('TypesB', 'double', ['int', 'float']);
  t.equal(B.primitive, 'Prototype');
  t.same(B.proto.arguments.map((a) => a.type.name), ['int', 'float']);
  const C = koffi.proto('__stdcall', 'TypesC', 'void', []);
  t.equal(C.proto.result.primitive, 'Void');
  t.equal(koffi.proto('void __stdcall TypesD(int)').primitive, 'Prototype');

  const anon1 = koffi.proto('int (int a)');
  const anon2 = koffi.proto(null, 'int', ['int']);
  const anon3 = koffi.proto('int(void)');
  for (const a of [anon1, anon2, anon3]) {
    t.equal(a.primitive, 'Prototype');
    t.match(a.name, /^<anonymous_\d+>$/);
  }
  t.not(anon1.name, anon2.name);
  t.equal(koffi.pointer(anon1).primitive, 'Callback');

  t.equal(koffi.callback, koffi.proto, 'koffi.callback is an alias');
  t.equal(koffi.callback('int TypesE(int)').primitive, 'Prototype');

  t.throws(() => koffi.proto('int TypesA(int)'), /Duplicate type name 'TypesA'/);
  t.throws(() => koffi.proto('int TypesF(TypesA cb)'), /use a pointer to it \('TypesA \*'\)/);
  t.throws(() => koffi.proto('int TypesG(int'), /Unexpected end of input/);
  t.throws(() => koffi.proto('TypesH', 'int', 'int'), TypeError);
  t.throws(() => lib.func('long long call_cb_i32(TypesA cb, int v)'), /TypesA/);
  t.end();
});

// ---------------------------------------------------------------------------------------
// Scalars, both ways
// ---------------------------------------------------------------------------------------

t.test('every primitive as argument and result (transient)', (t) => {
  const cases = [
    ['bool', 'int', [true, false], (v) => !v, (v, r) => (v ? 0 : 1)],
    ['int8_t', 'long long', [-128, 127, -1, 5], (v) => v, (v) => v],
    ['uint8_t', 'unsigned long long', [0, 255, 128], (v) => v, (v) => v],
    ['int16_t', 'long long', [-32768, 32767, -2], (v) => v, (v) => v],
    ['uint16_t', 'unsigned long long', [0, 65535], (v) => v, (v) => v],
    ['int32_t', 'long long', [-2147483648, 2147483647, -7], (v) => v, (v) => v],
    ['uint32_t', 'unsigned long long', [0, 4294967295, 2147483648], (v) => v, (v) => v],
    ['int64_t', 'long long', [-(2 ** 53), 2 ** 53, -5, -(2n ** 63n), 2n ** 63n - 1n], (v) => v, (v) => v],
    ['uint64_t', 'unsigned long long', [0, 2 ** 53, 2n ** 63n, 2n ** 64n - 1n, 2n ** 63n + 5n], (v) => v, (v) => v],
    ['float', 'float', [1.5, -0.25, 3.4e38], (v) => v * 2, (v) => Math.fround(v * 2)],
    ['double', 'double', [Math.PI, -1e300, 0.1], (v) => v / 3, (v) => v / 3],
  ];
  const short = {
    bool: 'bool', int8_t: 'i8', uint8_t: 'u8', int16_t: 'i16', uint16_t: 'u16', int32_t: 'i32', uint32_t: 'u32',
    int64_t: 'i64', uint64_t: 'u64', float: 'float', double: 'double',
  };
  for (const [type, ret, values, body, expect] of cases) {
    const name = `Scalar_${short[type]}`;
    koffi.proto(`${type} ${name}(${type} v)`);
    const f = lib.func(`${ret} call_cb_${short[type]}(${name} *cb, ${type} v)`);
    for (const v of values) {
      let seen;
      const r = f((x) => { seen = x; return body(x); }, v);
      const wanted = typeof v === 'bigint' && v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
      is(t, seen, type === 'float' ? Math.fround(v) : wanted, `${type} ${String(v)} arrives`);
      is(t, r, expect(wanted), `${type} ${String(v)} returns`);
    }
  }
  t.end();
});

t.test('uint64_t arguments of 2^63 and above arrive as unsigned BigInt', (t) => {
  const f = lib.func('unsigned long long call_cb_u64(Scalar_u64 *cb, uint64_t v)');
  const seen = [];
  for (const v of [2n ** 63n, 2n ** 63n + 1n, 2n ** 64n - 1n]) f((x) => (seen.push(x), 0), v);
  t.same(seen, [2n ** 63n, 2n ** 63n + 1n, 2n ** 64n - 1n]);
  t.ok(seen.every((x) => typeof x === 'bigint' && x > 0n));
  t.end();
});

t.test('narrow results are truncated like C and widened by C', (t) => {
  is(t, lib.func('long long call_cb_i8(Scalar_i8 *cb, int8_t v)')(() => 0x1ff, 0), -1, 'int8 0x1ff -> -1');
  is(t, lib.func('unsigned long long call_cb_u8(Scalar_u8 *cb, uint8_t v)')(() => 300, 0), 44, 'uint8 300 -> 44');
  is(t, lib.func('long long call_cb_i16(Scalar_i16 *cb, int16_t v)')(() => 0x18000, 0), -32768, 'int16 wraps');
  is(t, lib.func('unsigned long long call_cb_u32(Scalar_u32 *cb, uint32_t v)')(() => -1, 0), 4294967295, 'uint32 -1');
  is(t, lib.func('long long call_cb_i32(Scalar_i32 *cb, int32_t v)')(() => 2.9, 0), 2, 'int from 2.9');
  is(t, lib.func('long long call_cb_i64(Scalar_i64 *cb, int64_t v)')(() => -(2n ** 62n), 0), -(2n ** 62n), 'BigInt result');
  t.end();
});

t.test('number results: fractions, out of range, NaN, -0, BigInt and refused values', (t) => {
  // The loader stores number results through a typed array; the marshaller converts the rest.
  const i32 = lib.func('long long call_cb_i32(Scalar_i32 *cb, int32_t v)');
  const u8 = lib.func('unsigned long long call_cb_u8(Scalar_u8 *cb, uint8_t v)');
  const u32 = lib.func('unsigned long long call_cb_u32(Scalar_u32 *cb, uint32_t v)');
  const dbl = lib.func('double call_cb_double(Scalar_double *cb, double v)');
  const flt = lib.func('float call_cb_float(Scalar_float *cb, float v)');
  const via = (r) => [i32, u8, u32, dbl, flt].map((f) => f(() => r, 0));
  t.same(via(2 ** 40 + 7), [7, 7, 7, 2 ** 40 + 7, 2 ** 40], '2^40 + 7');
  t.same(via(-2.9), [-2, 254, 4294967294, -2.9, Math.fround(-2.9)], '-2.9');
  t.same(via(NaN), [0, 0, 0, NaN, NaN], 'NaN');
  t.same(via(-Infinity), [0, 0, 0, -Infinity, -Infinity], '-Infinity');
  is(t, dbl(() => -0, 0), -0, '-0 stays -0');
  t.same(via(5n), [5, 5, 5, 5, 5], 'BigInt');
  for (const f of [i32, u8, u32, dbl, flt]) {
    t.throws(() => f(() => true, 0), /returned an invalid value/);
    t.throws(() => f(() => '7', 0), /returned an invalid value/);
    t.throws(() => f(() => ({ valueOf: () => 7 }), 0), /returned an invalid value/);
  }
  t.end();
});

t.test('void, two classes, pointers', (t) => {
  koffi.proto('void CbVoid(void)');
  let called = 0;
  is(t, lib.func('void call_cb_void(CbVoid *cb)')(() => { called++; return 5; }), undefined);
  t.equal(called, 1);

  koffi.proto('double CbIntDouble(int a, double b)');
  t.equal(lib.func('double call_cb_int_double(CbIntDouble *cb, int a, double b)')((a, b) => a * 1000 + b, 7, 0.5), 7000.5);

  koffi.proto('void *CbPtr(void *p)');
  const f = lib.func('void *call_cb_ptr(CbPtr *cb, void *p)');
  let got;
  t.equal(f((p) => (got = p), 0x1234n), 0x1234n);
  t.equal(got, 0x1234n);
  t.equal(f((p) => (got = p), null), null);
  t.equal(got, null, 'NULL arrives as null');
  // NULL is recognised from both 32-bit halves of the pointer: one set bit in either is an address.
  const highest = koffi.sizeof('void *') === 8 ? 0x8000000000000000n : 0x80000000n;
  for (const p of [1n, 0x80000000n, highest]) {
    f((q) => (got = q), p);
    t.equal(got, p, `0x${p.toString(16)} arrives as a BigInt`);
  }
  if (koffi.sizeof('void *') === 8) {
    f((q) => (got = q), 0x100000000n);
    t.equal(got, 0x100000000n, 'an address with only upper bits set is no NULL');
  }
  const buf = Buffer.alloc(8);
  t.equal(f(() => buf, null), koffi.address(buf), 'a Buffer result passes its address');
  t.equal(f(() => undefined, 0x10n), null, 'undefined -> NULL');
  t.end();
});

t.test('strings as arguments and results', (t) => {
  koffi.proto('int CbStr(const char *s)');
  koffi.proto('int CbStr16(const char16_t *s)');
  const callStr = lib.func('int call_cb_str(CbStr *cb, int which)');
  const callStr16 = lib.func('int call_cb_str16(CbStr16 *cb, int which)');
  const staticStr = lib.func('const char *str_static(int which)');
  const seen = [];
  for (let i = 0; i < 4; i++) {
    callStr((s) => (seen.push(s), 1), i);
    t.equal(seen[seen.length - 1], staticStr(i), `UTF-8 string ${i} arrives as a JS string`);
    callStr16((s) => (seen.push(s), 1), i);
    t.equal(seen[seen.length - 1], staticStr(i), `UTF-16 string ${i} arrives as a JS string`);
  }
  t.ok(seen.every((s) => typeof s === 'string'));

  koffi.proto('const char *CbRetStr(void)');
  const retLen = lib.func('size_t call_cb_ret_str_len(CbRetStr *cb)');
  t.equal(retLen(() => 'hello'), 5);
  t.equal(retLen(() => 'héllo wörld 😀'), Buffer.byteLength('héllo wörld 😀'));
  t.equal(retLen(() => 'x'.repeat(100000)), 100000, 'a long string');
  t.equal(retLen(() => null), SIZE_MAX, 'null -> NULL (str_len returns (size_t)-1)');

  koffi.proto('void CbFill(void *buf, size_t cap)');
  const fill = lib.func('size_t call_cb_fill_buf(CbFill *cb)');
  t.equal(fill((buf, cap) => {
    t.equal(typeof buf, 'bigint');
    t.equal(cap, 64);
    koffi.encode(buf, 'char', 'abc', 4);
  }), 3);
  t.end();
});

t.test('9 and more arguments spill to the stack (mixedN_cb)', (t) => {
  const sigs = {
    10: ['int8_t', 'double', 'int', 'uint16_t', 'float', 'int64_t', 'int', 'double', 'int8_t', 'uint16_t'],
    14: ['double', 'float', 'int', 'double', 'float', 'double', 'int64_t', 'float', 'double', 'int8_t', 'float', 'double', 'uint16_t', 'float'],
    17: ['float', 'int', 'double', 'int8_t', 'float', 'int64_t', 'double', 'uint16_t', 'float', 'int', 'double', 'int64_t', 'float', 'int8_t', 'double', 'uint16_t', 'float'],
    20: ['int8_t', 'uint16_t', 'float', 'double', 'int', 'int64_t', 'float', 'int8_t', 'double', 'uint16_t', 'float', 'int', 'double', 'int64_t', 'float', 'int8_t', 'double', 'uint16_t', 'float', 'double'],
  };
  const sample = {
    int8_t: (i) => -100 + i, uint16_t: (i) => 60000 + i, int: (i) => -1000000 * (i + 1), int64_t: (i) => 2 ** 40 + i,
    float: (i) => 1.5 + i, double: (i) => Math.PI * (i + 1),
  };
  for (const [n, types] of Object.entries(sigs)) {
    koffi.proto(`double Mixed${n}(${types.join(', ')})`);
    const f = lib.func(`double call_mixed${n}_cb(Mixed${n} *cb, ${types.join(', ')})`);
    const values = types.map((ty, i) => sample[ty](i));
    let seen;
    const r = f((...args) => { seen = args; return 0.5 + args.length; }, ...values);
    t.same(seen, values, `mixed${n}: every argument arrives`);
    t.equal(r, 0.5 + types.length, `mixed${n}: result`);
  }
  t.end();
});

// ---------------------------------------------------------------------------------------
// Structs by value
// ---------------------------------------------------------------------------------------

koffi.struct('CbsI2', { a: 'int32_t', b: 'int32_t' });
koffi.struct('CbsD2', { x: 'double', y: 'double' });
koffi.struct('CbsID', { i: 'int64_t', d: 'double' });
koffi.struct('CbsDI', { d: 'double', i: 'int32_t' });
koffi.struct('CbsF3', { x: 'float', y: 'float', z: 'float' });
koffi.struct('CbsFI', { f: 'float', i: 'int32_t' });
koffi.struct('CbsU8', { c: 'uint8_t' });
koffi.struct('CbsI3', { a: 'int64_t', b: 'int64_t', c: 'int64_t' });
koffi.pack('CbsPacked', { tag: 'uint8_t', v: 'int64_t', w: 'uint16_t', pad: koffi.array('uint8_t', 5, 'Array') });
const cbsLast = cbs.func('double cbs_last(void)');

t.test('structs by value in every System V class, both ways', (t) => {
  const cases = [
    ['i2', 'CbsI2', 'INTEGER', { a: -1, b: 2 }, (s) => ({ a: s.a + 10, b: s.b * 3 }), (r) => r.a + r.b],
    ['d2', 'CbsD2', 'SSE SSE', { x: 1.5, y: -2.25 }, (s) => ({ x: s.x * 2, y: s.y * 2 }), (r) => r.x + r.y],
    ['id', 'CbsID', 'INTEGER SSE', { i: 2 ** 40, d: 0.5 }, (s) => ({ i: s.i + 1, d: s.d + 1 }), (r) => r.i + r.d],
    ['di', 'CbsDI', 'SSE INTEGER', { d: 0.25, i: -9 }, (s) => ({ d: s.d + 1, i: s.i - 1 }), (r) => r.d + r.i],
    ['f3', 'CbsF3', 'SSE SSE (12 bytes)', { x: 1, y: 2.5, z: -3 }, (s) => ({ x: s.z, y: s.y, z: s.x }), (r) => r.x + r.y + r.z],
    ['fi', 'CbsFI', 'INTEGER (float and int)', { f: 1.5, i: -3 }, (s) => ({ f: s.f * 2, i: s.i * 2 }), (r) => r.f + r.i],
    ['u8', 'CbsU8', 'INTEGER (1 byte)', { c: 200 }, (s) => ({ c: s.c + 1 }), (r) => r.c],
    ['i3', 'CbsI3', 'MEMORY (24 bytes)', { a: 1, b: -2, c: 3 }, (s) => ({ a: s.a * 10, b: s.b * 10, c: s.c * 10 }), (r) => r.a + r.b + r.c],
    ['packed', 'CbsPacked', 'MEMORY (packed, misaligned)', { tag: 3, v: -1000, w: 7, pad: [0, 0, 0, 0, 0] },
      (s) => ({ tag: s.tag + 1, v: s.v - 1, w: s.w + 1 }), (r) => r.tag + r.v + r.w],
  ];
  for (const [n, type, cls, value, body, sum] of cases) {
    koffi.proto(`${type} StructCb_${n}(${type} v)`);
    const f = cbs.func(`${type} cbs_call_${n}(StructCb_${n} *cb, ${type} v)`);
    let seen;
    const r = f((s) => { seen = s; return body(s); }, value);
    t.same(seen, value, `${type} (${cls}) arrives`);
    const wanted = body(value);
    for (const k of Object.keys(wanted)) t.equal(r[k], wanted[k], `${type} (${cls}) result .${k}`);
    t.equal(cbsLast(), sum(wanted), `${type} (${cls}): C received the result`);
  }
  t.end();
});

t.test('aggregate results in memory with register arguments', (t) => {
  koffi.proto('CbsI3 StructCbArgs(int32_t a, double b)');
  const f = cbs.func('CbsI3 cbs_call_i3_args(StructCbArgs *cb, int32_t a, double b)');
  t.same(f((a, b) => ({ a, b: b * 4, c: a + b }), -4, 2.5), { a: -4, b: 10, c: -1 });
  t.equal(cbsLast(), 5);
  t.end();
});

t.test('aggregates spilled to the stack', (t) => {
  koffi.proto('double SpillCb(int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5, CbsID s1, CbsID s2, CbsI3 big, double d, CbsD2 last)');
  const f = cbs.func('double cbs_call_spill(SpillCb *cb)');
  let seen;
  t.equal(f((...args) => { seen = args; return 42.5; }), 42.5);
  t.same(seen, [1, 2, 3, 4, 5, { i: 6, d: 6.5 }, { i: 7, d: 7.5 }, { a: 8, b: 9, c: 10 }, 11.5, { x: 12.25, y: 13.25 }]);
  t.end();
});

// ---------------------------------------------------------------------------------------
// qsort, registered callbacks
// ---------------------------------------------------------------------------------------

koffi.proto('int QsortCmp(const void *a, const void *b)');
const qsort = libc.func('void qsort(_Inout_ void *base, size_t n, size_t size, QsortCmp *cmp)');

t.test('qsort from libc with a transient and a registered comparator', (t) => {
  const values = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) - 500);
  const sorted = values.slice().sort((a, b) => a - b);
  const cmp = (a, b) => koffi.decode(a, 'int') - koffi.decode(b, 'int');

  const arr = new Int32Array(values);
  qsort(arr, arr.length, 4, cmp);
  t.same(Array.from(arr), sorted, 'transient');

  const ptr = koffi.register(cmp, 'QsortCmp *');
  t.equal(typeof ptr, 'bigint');
  const arr2 = new Int32Array(values);
  qsort(arr2, arr2.length, 4, ptr);
  t.same(Array.from(arr2), sorted, 'registered');
  koffi.unregister(ptr);

  // The strings example of the Koffi documentation.
  const strings = ['foo', 'bar', '123', 'foobar'];
  qsort(koffi.as(strings, 'char **'), strings.length, koffi.sizeof('void *'), (p1, p2) => {
    const s1 = koffi.decode(p1, 'char *');
    const s2 = koffi.decode(p2, 'char *');
    return s1.localeCompare(s2);
  });
  t.same(strings, ['123', 'bar', 'foo', 'foobar']);
  t.end();
});

t.test('registered callbacks: lifetime, limits and errors', (t) => {
  koffi.proto('int RegCb(int v)');
  const call = lib.func('long long call_cb_i32(RegCb *cb, int v)');
  const store = lib.func('void cb_store(RegCb *cb)');
  const callStored = lib.func('int cb_call_stored(int v)');

  const p = koffi.register((v) => v * 2, 'RegCb *');
  t.equal(call(p, 21), 42, 'passed as a pointer');
  store(p);
  t.equal(callStored(5), 10, 'kept by C and called later');
  t.equal(callStored(6), 12);
  t.equal(koffi.stats().callbacks >= 1, true, 'stats() counts registered callbacks');
  koffi.unregister(p);
  store(null);

  t.throws(() => koffi.unregister(p), /not a registered callback/, 'unregistering twice');
  t.throws(() => koffi.unregister(0x1234n), /not a registered callback/, 'unknown pointer');
  t.throws(() => koffi.unregister(12), TypeError);
  t.throws(() => koffi.register((v) => v, 'RegCb'), /use 'RegCb \*'/, 'the prototype itself');
  t.throws(() => koffi.register((v) => v, 'int *'), /callback pointer type/);
  t.throws(() => koffi.register(42, 'RegCb *'), /expected a function/);
  t.throws(() => koffi.register((v) => v), TypeError);

  // Many at once: each keeps its own function.
  const many = [];
  for (let i = 0; i < 2000; i++) many.push(koffi.register((v) => v + i, 'RegCb *'));
  t.equal(new Set(many).size, 2000, '2000 distinct pointers');
  let ok = true;
  for (let i = 0; i < many.length; i += 97) ok = ok && call(many[i], 1000) === 1000 + i;
  t.ok(ok, 'each calls its own function');
  for (const q of many) koffi.unregister(q);

  // Exhaustion names the limit; everything is usable again afterwards.
  const all = [];
  let error = null;
  try {
    for (;;) all.push(koffi.register((v) => v, 'RegCb *'));
  } catch (err) {
    error = err;
  }
  t.ok(all.length >= 1024, `${all.length} registered before running out`);
  t.match(error.message, /all \d+ trampolines are in use/);
  t.match(error.message, String(all.length + 1 > 8192 ? 8192 : all.length));
  t.throws(() => call((v) => v, 1), /no free callback trampoline/, 'transient callbacks share the pool');
  for (const q of all) koffi.unregister(q);
  t.equal(call((v) => v + 1, 1), 2, 'usable again');
  t.end();
});

t.test('deprecated register(this, fn, type)', (t) => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  const self = { k: 3 };
  const p = koffi.register(self, function (v) { return v * this.k; }, 'RegCb *');
  const p2 = koffi.register(self, function (v) { return v + this.k; }, 'RegCb *');
  const call = lib.func('long long call_cb_i32(RegCb *cb, int v)');
  t.equal(call(p, 5), 15, 'this is bound');
  t.equal(call(p2, 5), 8);
  koffi.unregister(p);
  koffi.unregister(p2);
  setImmediate(() => {
    process.off('warning', onWarning);
    const mine = warnings.filter((w) => /register\(thisValue, fn, type\)/.test(w.message));
    t.equal(mine.length, 1, 'warned once');
    t.equal(mine[0].name, 'DeprecationWarning');
    t.end();
  });
});

t.test('callback parameters reject other values', (t) => {
  const call = lib.func('long long call_cb_i32(RegCb *cb, int v)');
  t.throws(() => call(42, 1), { name: 'TypeError', message: /argument 1 expects RegCb \*.*received number/ });
  t.throws(() => call({}, 1), { name: 'TypeError', message: /received object/ });
  t.throws(() => call('f', 1), TypeError);
  for (const v of [Buffer.alloc(64), new ArrayBuffer(16), new Uint8Array(8), new DataView(new ArrayBuffer(8))])
    t.throws(() => call(v, 1), { name: 'TypeError', message: /argument 1/ }, `${v.constructor.name}: JS memory is no code`);
  t.end();
});

t.test('function pointers: koffi.call', (t) => {
  const p = koffi.register((v) => v * 7, 'RegCb *');
  t.equal(koffi.call(p, 'RegCb', 6), 42, 'a registered callback called back from JS');
  t.equal(koffi.call(p, 'RegCb *', 2), 14);
  koffi.unregister(p);
  const abs = libc.symbol('abs');
  koffi.proto('int AbsProto(int)');
  t.equal(koffi.call(abs, 'AbsProto', -5), 5, 'a C function');
  t.throws(() => koffi.call(0n, 'AbsProto', 1), /NULL/);
  t.throws(() => koffi.call(abs, 'int', 1), /prototype/);
  t.end();
});

// ---------------------------------------------------------------------------------------
// Exceptions, nesting, late calls
// ---------------------------------------------------------------------------------------

t.test('an exception in a callback: C gets 0, the caller gets the exception', (t) => {
  const record = cbs.func('int32_t cbs_record_i32(RegCb *cb, int32_t v)');
  const last = cbs.func('int32_t cbs_last_i32(void)');
  record((v) => v, 99);
  t.equal(last(), 99);
  const boom = new Error('boom');
  t.throws(() => record(() => { throw boom; }, 1), boom, 'the same exception object');
  t.equal(last(), 0, 'C received 0');

  // Later calls during the same native call are skipped.
  koffi.proto('int NTimes(int i)');
  const nTimes = lib.func('long long call_cb_n_times(NTimes *cb, int n)');
  let calls = 0;
  t.throws(() => nTimes(() => { calls++; throw new RangeError('first'); }, 10), RangeError);
  t.equal(calls, 1, 'the JS function ran once');
  t.equal(nTimes((i) => i, 10), 45, 'the next native call is unaffected');

  // Registered callbacks too, and a zeroed struct for an aggregate result.
  const p = koffi.register(() => { throw new TypeError('reg'); }, 'RegCb *');
  t.throws(() => record(p, 1), /reg/);
  koffi.unregister(p);
  const f = cbs.func('CbsI3 cbs_call_i3(StructCb_i3 *cb, CbsI3 v)');
  f(() => ({ a: 1, b: 1, c: 1 }), {});
  t.equal(cbsLast(), 3);
  t.throws(() => f(() => { throw new Error('struct'); }, {}), /struct/);
  t.equal(cbsLast(), 0, 'C received a zeroed struct');
  const g = cbs.func('CbsD2 cbs_call_d2(StructCb_d2 *cb, CbsD2 v)');
  t.throws(() => g(() => { throw new Error('regs'); }, {}), /regs/);
  t.equal(cbsLast(), 0, 'zeroed struct in registers');

  // A result of the wrong type is reported the same way.
  t.throws(() => record(() => 'seven', 1), { name: 'TypeError', message: /Callback 'RegCb' returned an invalid value.*string/ });
  t.equal(last(), 0);
  t.throws(() => lib.func('int call_cb_bool(Scalar_bool *cb, bool v)')(() => 1, true), /returned an invalid value/);
  t.end();
});

t.test('nested callbacks: depth 32, transient and registered', (t) => {
  const call = lib.func('long long call_cb_i32(RegCb *cb, int v)');
  const depthOf = (d) => (d === 0 ? 0 : 1 + call(depthOf, d - 1));
  t.equal(depthOf(32), 32, 'a fresh transient callback at each level');

  let p;
  const viaRegistered = (d) => (d === 0 ? 0 : 1 + call(p, d - 1));
  p = koffi.register(viaRegistered, 'RegCb *');
  t.equal(call(p, 24), 24);
  koffi.unregister(p);

  // An exception deep down surfaces at each level until caught.
  const boom = new Error('deep');
  const thrower = (d) => (d === 0 ? (() => { throw boom; })() : 1 + call(thrower, d - 1));
  t.throws(() => call(thrower, 16), boom, 'propagates to the outermost caller');
  let caught = null;
  const catcher = (d) => {
    if (d === 8) {
      try {
        return call(thrower, 4);
      } catch (err) {
        caught = err;
        return 100;
      }
    }
    return 1 + call(catcher, d - 1);
  };
  t.equal(call(catcher, 16), 108, 'a callback can catch an inner exception');
  t.equal(caught, boom);
  t.equal(koffi.internal.callbacks().transient, 0, 'every transient slot released');
  t.end();
});

t.test('a registered callback that unregisters itself while it runs', (t) => {
  koffi.proto('int SelfUnreg(int i)');
  const nTimes = lib.func('long long call_cb_n_times(SelfUnreg *cb, int n)');
  let ran = 0;
  let other = null;
  const p = koffi.register(() => {
    ran++;
    koffi.unregister(p);
    other = koffi.register(() => 1, 'SelfUnreg *'); // may reuse what p held
    return 7;
  }, 'SelfUnreg *');
  t.throws(() => nTimes(p, 3), /called after it was released/, 'the later calls of the same native call');
  t.equal(ran, 1, 'the JS function ran once');
  t.equal(nTimes(other, 3), 3, 'the new registration works');
  koffi.unregister(other);
  t.end();
});

t.test('a transient callback called after its native call returned', (t) => {
  const store = lib.func('void cb_store(RegCb *cb)');
  const callStored = lib.func('int cb_call_stored(int v)');
  let ran = false;
  store(() => { ran = true; return 1; });
  t.throws(() => callStored(3), /called after it was released/);
  t.equal(ran, false, 'the JS function did not run');
  store(null);

  // The same, in a child process, with a second transient callback in between (the released
  // slot is not reused at once) and the C result checked.
  const r = child(`
    koffi.proto('int CbLate(int)');
    const store2 = lib.func('void cb_store(CbLate *cb)');
    const callStored = lib.func('int cb_call_stored(int v)');
    const call = lib.func('long long call_cb_i32(CbLate *cb, int v)');
    store2((v) => v + 1);
    call((v) => v, 1);
    let error = null, result;
    try { result = callStored(5); } catch (e) { error = e.message; }
    console.log(JSON.stringify({ error, result, next: call((v) => v * 2, 21) }));
  `);
  exitedCleanly(t, r, 'no crash');
  const out = JSON.parse(r.stdout.trim().split('\n').pop() || '{}');
  t.match(out.error, /called after it was released/);
  t.equal(out.next, 42, 'later calls work');
  t.end();
});

// ---------------------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------------------

koffi.proto('int32_t ThreadCb(int32_t x)');
const threadsSync = cbs.func('int cbs_threads_sync(ThreadCb *cb, int nthreads, int ncalls)');
const threadsStart = cbs.func('void *cbs_threads_start(ThreadCb *cb, int nthreads, int ncalls)');
const threadsDone = cbs.func('int cbs_threads_done(void *handle)');
const threadsJoin = cbs.func('int cbs_threads_join(void *handle)');
const triple = (x) => 3 * x + 1;

function waitFor(cond, ms = 30000) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() - t0 > ms) return reject(new Error('timed out'));
      setTimeout(tick, 2);
    };
    tick();
  });
}

t.test('a thread calls back while the JS thread is blocked in the native call', (t) => {
  const sync = lib.func('int thread_call_cb_sync(RegCb *cb, int v)');
  t.equal(sync((v) => v * 2, 21), 42, 'transient');
  const p = koffi.register((v) => v + 1, 'RegCb *');
  t.equal(sync(p, 41), 42, 'registered');
  koffi.unregister(p);

  const locked = cbs.func('int32_t cbs_call_while_locked(ThreadCb *cb, int32_t v)');
  t.equal(locked((v) => v * 3, 14), 42, 'the JS thread waits on a mutex the calling thread holds');

  const boom = new Error('from a thread');
  t.throws(() => sync(() => { throw boom; }, 1), boom, 'an exception reaches the blocked call');

  // C code that first ran JS itself through Node-API, then waits for a thread calling back:
  // the wait is still served (the JS it ran has returned).
  const napiThenWait = cbs.func('int32_t cbs_napi_then_wait(void *env, const char *script, ThreadCb *cb, int32_t v)');
  t.equal(napiThenWait(koffi.node.env, '6 * 7', (v) => v + 1, 99), 142, 'after re-entering JS through Node-API');
  t.end();
});

t.test('stress: 4 threads x 1000 calls while the JS thread is blocked', (t) => {
  let calls = 0;
  t.equal(threadsSync((x) => (calls++, triple(x)), 4, 1000), 0, 'every result correct (transient)');
  t.equal(calls, 4000);
  const p = koffi.register(triple, 'ThreadCb *');
  t.equal(threadsSync(p, 4, 1000), 0, 'every result correct (registered)');
  koffi.unregister(p);
  t.end();
});

t.test('a thread calls back while the JS thread idles in the event loop', async (t) => {
  const start = lib.func('void *thread_call_cb_start(RegCb *cb, int v, int delay_ms)');
  const join = lib.func('int thread_call_cb_join(void *h)');
  let resolve;
  const got = new Promise((r) => (resolve = r));
  const p = koffi.register((v) => { resolve(v); return v * 10; }, 'RegCb *');
  const h = start(p, 7, 20);
  const keepAlive = setTimeout(() => {}, 30000);
  t.equal(await got, 7);
  t.equal(join(h), 70);
  koffi.unregister(p);

  // No JS caller to throw to: the exception becomes a process warning, the thread gets 0.
  const boom = new Error('idle boom');
  const warned = new Promise((r) => process.once('warning', r));
  const q = koffi.register(() => { throw boom; }, 'RegCb *');
  const h2 = start(q, 1, 10);
  t.equal(await warned, boom, 'reported as a warning');
  t.equal(join(h2), 0, 'the thread received 0');
  koffi.unregister(q);
  clearTimeout(keepAlive);
});

t.test('stress: 4 threads x 1000 calls while the JS thread idles', async (t) => {
  let calls = 0;
  const p = koffi.register((x) => (calls++, triple(x)), 'ThreadCb *');
  const h = threadsStart(p, 4, 1000);
  t.ok(h);
  await waitFor(() => threadsDone(h));
  t.equal(threadsJoin(h), 0, 'every result correct');
  t.equal(calls, 4000);
  koffi.unregister(p);
});

t.test('threads: late calls and process exit (child processes)', (t) => {
  // A transient callback used by a thread after its native call returned: 0, a warning, no crash.
  let r = child(`
    koffi.proto('int CbT(int)');
    const start = lib.func('void *thread_call_cb_start(CbT *cb, int v, int delay_ms)');
    const join = lib.func('int thread_call_cb_join(void *h)');
    const h = start((v) => v + 1, 5, 50);
    setTimeout(() => console.log('result', join(h)), 300);
  `);
  exitedCleanly(t, r, 'late transient from a thread: no crash');
  t.match(r.stdout, /result 0/);
  t.match(r.stderr, /after it was released/);

  // Unregistered while a thread is about to call it.
  r = child(`
    koffi.proto('int CbT(int)');
    const start = lib.func('void *thread_call_cb_start(CbT *cb, int v, int delay_ms)');
    const join = lib.func('int thread_call_cb_join(void *h)');
    const p = koffi.register((v) => v + 1, 'CbT *');
    const h = start(p, 5, 50);
    koffi.unregister(p);
    setTimeout(() => console.log('result', join(h)), 300);
  `);
  exitedCleanly(t, r, 'unregistered: no crash');
  t.match(r.stdout, /result 0/);

  // Node exits while threads are still calling a registered callback.
  r = child(`
    koffi.proto('int32_t CbX(int32_t)');
    const p = koffi.register((x) => 3 * x + 1, 'CbX *');
    cbs.func('void *cbs_threads_start(CbX *cb, int n, int calls)')(p, 4, 100000);
    setTimeout(() => process.exit(0), 50);
  `);
  exitedCleanly(t, r, 'exit with threads calling back: no crash');

  // The same when the event loop simply ends. The environment's teardown closes the library
  // whose threads are still running; preloading it keeps its code mapped, so this checks only
  // the callbacks, which must see released slots.
  r = child(`
    koffi.proto('int32_t CbX(int32_t)');
    const p = koffi.register((x) => 3 * x + 1, 'CbX *');
    cbs.func('void *cbs_threads_start(CbX *cb, int n, int calls)')(p, 2, 100000);
  `, { env: { LD_PRELOAD: [process.env.LD_PRELOAD, paths.cpcallbacks].filter(Boolean).join(' ') } });
  exitedCleanly(t, r, 'loop ends with threads calling back: no crash');

  // A worker thread environment ends while a C thread calls its registered callback.
  r = child(`
    const { Worker } = require('node:worker_threads');
    const w = new Worker(\`
      const koffi = require(${JSON.stringify(ROOT)});
      const paths = require(${JSON.stringify(testlibPathsFile)});
      const cbs = koffi.load(paths.cpcallbacks);
      koffi.proto('int32_t CbW(int32_t)');
      const p = koffi.register((x) => 3 * x + 1, 'CbW *');
      const h = cbs.func('void *cbs_threads_start(CbW *cb, int n, int calls)')(p, 2, 200000);
      require('node:worker_threads').parentPort.postMessage('started');
      setTimeout(() => process.exit(0), 30);
    \`, { eval: true });
    w.on('exit', () => setTimeout(() => console.log('worker gone'), 200));
  `);
  exitedCleanly(t, r, 'worker exit with threads calling back: no crash');
  t.match(r.stdout, /worker gone/);

  // Callbacks inside two worker threads at once, each with its own JS thread, then both exit
  // (the addon is unloaded with the last one). Their threads call back while they are blocked.
  r = spawnSync(nodePath, ['-e', `
    const { Worker } = require('node:worker_threads');
    const src = \`
      const koffi = require(${JSON.stringify(ROOT)});
      const paths = require(${JSON.stringify(testlibPathsFile)});
      const lib = koffi.load(paths.cptest);
      const cbs = koffi.load(paths.cpcallbacks);
      koffi.proto('int CbW(int)');
      koffi.proto('int32_t CbT(int32_t)');
      const direct = lib.func('long long call_cb_i32(CbW *cb, int v)')((v) => v + 1, 41);
      const blocked = lib.func('int thread_call_cb_sync(CbW *cb, int v)')((v) => v * 2, 21);
      const stress = cbs.func('int cbs_threads_sync(CbT *cb, int n, int calls)')((x) => 3 * x + 1, 4, 250);
      koffi.register((v) => v, 'CbW *');
      const inline = koffi.internal.callbacks().inlineScopes;
      require('node:worker_threads').parentPort.postMessage([direct, blocked, stress, inline]);
    \`;
    for (let i = 0; i < 2; i++) new Worker(src, { eval: true }).on('message', (m) => console.log(JSON.stringify(m)));
  `], { encoding: 'utf8', timeout: 60000 });
  exitedCleanly(t, r, 'two workers with callbacks');
  t.same(r.stdout.trim().split('\n'), ['[42,42,0,true]', '[42,42,0,true]'], 'both workers got their results, with inline handle scopes');
  t.end();
});

// ---------------------------------------------------------------------------------------
// Handle scopes
// ---------------------------------------------------------------------------------------

// cbs_call_wide: each call converts 3,000 int32 each way, a handle apiece, more than one of
// V8's handle blocks holds, so the callback's scope closes through V8 (CloseGrownScope).
const WIDE_N = 3000;
function wideExpected(seed, n) {
  let sum = 0;
  for (let call = 0; call < n; call++) sum += 2 * (WIDE_N * (seed + call) + (WIDE_N * (WIDE_N - 1)) / 2);
  return sum;
}
const WIDE_DECL = `
  koffi.struct('CbsWide', { v: koffi.array('int32_t', ${WIDE_N}) });
  koffi.proto('CbsWide WideCb(CbsWide w)');
  const callWide = cbs.func('int64_t cbs_call_wide(WideCb *cb, int32_t seed, int32_t n)');
  const doubled = (w) => ({ v: Array.from(w.v, (x) => 2 * x) });
`;

// V8 publishes where its handle-scope record is from V8 12, and opens scopes inline itself
// from V8 14; before, the record is looked for through /proc/self/mem.
const V8_MAJOR = Number(process.versions.v8.split('.')[0]);
const PROC_MEM_READABLE = (() => {
  try {
    require('node:fs').closeSync(require('node:fs').openSync('/proc/self/mem', 'r'));
    return true;
  } catch {
    return false;
  }
})();

t.test('the dispatcher opens its handle scope inline, and V8 frees the blocks a callback adds', (t) => {
  const before = koffi.internal.callbacks();
  if (V8_MAJOR >= 12 || PROC_MEM_READABLE) {
    t.equal(before.inlineScopes, true, "V8's handle-scope record was found and proved at load");
    t.ok(before.scopeLevel > 0, 'and reads as V8 counts its scopes');
  }
  const callWide = new Function('koffi', 'cbs', `${WIDE_DECL}; return { callWide, doubled };`)(koffi, cbs);
  let calls = 0;
  const r = callWide.callWide((w) => { calls++; return callWide.doubled(w); }, 7, 40);
  t.equal(Number(r), wideExpected(7, 40), 'every struct went through both ways');
  t.equal(calls, 40);
  if (V8_MAJOR < 14 && before.inlineScopes) {
    t.ok(koffi.internal.callbacks().grownScopes - before.grownScopes >= 40, 'each call grew its scope and closed it through V8');
  }
  // Nested: a wide callback that itself calls C that calls back, in scopes V8 opens in between.
  koffi.proto('int NestI(int)');
  const nested = lib.func('long long call_cb_i32(NestI *cb, int v)');
  const r2 = callWide.callWide((w) => {
    const inner = nested((v) => v + 1, w.v[0]);
    return { v: Array.from(w.v, (x) => x + inner - w.v[0] - 1 + x) };
  }, 3, 5);
  t.equal(Number(r2), wideExpected(3, 5), 'a nested native call inside a grown scope');
  // Thousands of small callbacks after that: the handle area is where it should be.
  const sorted = new Int32Array(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 2000));
  koffi.proto('int ScopeCmp(const void *a, const void *b)');
  const qsort = libc.func('void qsort(void *base, size_t n, size_t size, ScopeCmp *cmp)');
  qsort(sorted, sorted.length, 4, (a, b) => koffi.decode(a, 'int32_t') - koffi.decode(b, 'int32_t'));
  t.ok(sorted.every((v, i) => v === i), 'qsort with a JS comparator still sorts');
  // Each callback gives back its handles: V8's count is the same at the first and the last of
  // many callbacks of one native call, with and without a grown scope in between.
  koffi.proto('int CountCb(int i)');
  const nTimes = lib.func('long long call_cb_n_times(CountCb *cb, int n)');
  // The same for the scope level, and for both around the whole native call.
  const state = () => {
    const s = koffi.internal.callbacks();
    return [s.handles, s.scopeLevel];
  };
  const atStart = state();
  const counts = [];
  nTimes((i) => { if (i === 1 || i === 4999) counts.push(state()); return i; }, 5000);
  t.equal(counts.length, 2);
  t.same(counts[1], counts[0], 'no handle or scope level left behind by 5,000 callbacks');
  t.same(state(), atStart, 'nor after the native call');
  const wideCounts = [];
  callWide.callWide((w) => { wideCounts.push(state().join()); return callWide.doubled(w); }, 1, 6);
  t.equal(new Set(wideCounts).size, 1, 'nor by grown scopes', { wideCounts });
  t.same(state(), atStart, 'nor after them');
  // A grown scope, then a thousand plain ones inside it (a nested native call).
  const inner = [];
  callWide.callWide((w) => {
    nTimes((i) => { if (i === 0 || i === 999) inner.push(state().join()); return i; }, 1000);
    return callWide.doubled(w);
  }, 2, 3);
  t.equal(inner.length, 6);
  t.equal(new Set(inner).size, 1, 'plain scopes after grown ones', { inner });
  t.same(state(), atStart);
  t.end();
});

t.test('garbage collections inside callbacks see the handles of inline scopes', (t) => {
  // A full collection walks every handle up to V8's `next`: one inside a callback, with scopes
  // grown by a block before and after it, finds them all valid.
  const r = child(`
    ${WIDE_DECL}
    let calls = 0;
    const r = callWide((w) => { if (++calls % 3 === 0) gc(); const out = doubled(w); if (calls % 5 === 0) gc(); return out; }, 11, 30);
    const sorted = new Int32Array(Array.from({ length: 1500 }, (_, i) => (i * 7919) % 1500));
    koffi.proto('int GcCmp(const void *a, const void *b)');
    let n = 0;
    libc.func('void qsort(void *base, size_t n, size_t size, GcCmp *cmp)')(sorted, sorted.length, 4,
      (a, b) => { if (++n % 500 === 0) gc(); return koffi.decode(a, 'int32_t') - koffi.decode(b, 'int32_t'); });
    console.log(JSON.stringify([Number(r), sorted.every((v, i) => v === i), koffi.internal.callbacks().inlineScopes]));
  `, { nodeArgs: ['--expose-gc'] });
  exitedCleanly(t, r, 'collections inside callbacks');
  t.same(JSON.parse(r.stdout), [wideExpected(11, 30), true, true]);
  t.end();
});

t.test('CALLPLAN_PLAIN_HANDLE_SCOPES=1: v8::HandleScope, same results', (t) => {
  const r = child(`
    ${WIDE_DECL}
    const r = callWide(doubled, 7, 40);
    const sorted = new Int32Array(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 2000));
    koffi.proto('int PlainCmp(const void *a, const void *b)');
    libc.func('void qsort(void *base, size_t n, size_t size, PlainCmp *cmp)')(sorted, sorted.length, 4,
      (a, b) => koffi.decode(a, 'int32_t') - koffi.decode(b, 'int32_t'));
    const s = koffi.internal.callbacks();
    console.log(JSON.stringify([Number(r), sorted.every((v, i) => v === i), s.inlineScopes, s.grownScopes]));
  `, { env: { CALLPLAN_PLAIN_HANDLE_SCOPES: '1' } });
  exitedCleanly(t, r, 'plain scopes');
  // From V8 14 v8::HandleScope is inline itself.
  t.same(JSON.parse(r.stdout), [wideExpected(7, 40), true, V8_MAJOR >= 14, 0], 'same sums, sorted, no inline scopes of ours and none grown');
  t.end();
});

// ---------------------------------------------------------------------------------------
// W^X
// ---------------------------------------------------------------------------------------

t.test('the committed trampoline tables are what the generator writes', (t) => {
  const r = spawnSync(nodePath, [path.join(ROOT, 'native/trampolines/gen.mjs'), '--check'], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr || 'up to date');
  const stats = koffi.internal.callbacks();
  t.equal(stats.capacity, 8192, '8192 trampolines');
  t.equal(stats.free + stats.registered + stats.transient <= stats.capacity, true);
  t.end();
});

t.test('no writable and executable memory, no new executable mapping (child, --jitless)', (t) => {
  const r = child(`
    const fs = require('node:fs');
    const maps = () => fs.readFileSync('/proc/self/maps', 'utf8').trim().split('\\n').map((l) => l.split(/\\s+/));
    const exec = () => maps().filter((m) => m[1].includes('x')).map((m) => m[0] + ' ' + (m[5] || '')).sort();
    koffi.proto('int CbW(int)');
    const call = lib.func('long long call_cb_i32(CbW *cb, int v)');
    call((v) => v, 1);
    const before = exec();
    let sum = 0;
    for (let i = 0; i < 5000; i++) sum += call((v) => v + 1, i);
    const p = koffi.register((v) => v * 2, 'CbW *');
    for (let i = 0; i < 5000; i++) sum += call(p, i);
    koffi.unregister(p);
    const after = exec();
    const rwx = maps().filter((m) => m[1].startsWith('rwx'));
    const table = koffi.internal.callbacks().table;
    const own = maps().find((m) => {
      const [lo, hi] = m[0].split('-').map((x) => BigInt('0x' + x));
      return table >= lo && table < hi;
    });
    console.log(JSON.stringify({ sum, rwx: rwx.length, added: after.filter((m) => !before.includes(m)), own: own && [own[1], own[5]] }));
  `, { nodeArgs: ['--jitless'] });
  exitedCleanly(t, r, 'the child ran');
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  t.equal(out.sum, 5000 * 4999 / 2 + 5000 + 2 * (5000 * 4999 / 2), 'every callback ran');
  t.equal(out.rwx, 0, 'no rwx mapping');
  t.same(out.added, [], 'no new executable mapping');
  t.ok(out.own, 'the trampoline table is found');
  t.equal(out.own[0], 'r-xp', 'in a read-only executable mapping');
  t.match(out.own[1], /callplan\.node$/, 'of the addon itself');
  t.end();
});

// ---------------------------------------------------------------------------------------
// koffi.node
// ---------------------------------------------------------------------------------------

t.test('koffi.node.env', (t) => {
  t.equal(typeof koffi.node.env, 'bigint');
  t.not(koffi.node.env, 0n);
  t.end();
});

t.test('koffi.node.poll on a pipe', async (t) => {
  const pipe = libc.func('int pipe(_Out_ int *fds)');
  const write = libc.func('long write(int fd, const void *buf, size_t n)');
  const read = libc.func('long read(int fd, _Out_ void *buf, size_t n)');
  const close = libc.func('int close(int fd)');
  const fds = [0, 0];
  t.equal(pipe(fds), 0);

  t.throws(() => koffi.node.poll(-1, () => {}), TypeError);
  t.throws(() => koffi.node.poll('3', () => {}), TypeError);
  t.throws(() => koffi.node.poll(fds[0], { readable: true, bogus: true }, () => {}), /unknown option 'bogus'/);
  t.throws(() => koffi.node.poll(fds[0], { readable: true }), /callback/);
  t.throws(() => new koffi.node.PollHandle(), /cannot be constructed/);

  const events = [];
  let self;
  const h = koffi.node.poll(fds[0], { readable: true }, function (status, ev) {
    self = this;
    events.push([status, ev]);
    const buf = Buffer.alloc(16);
    read(fds[0], buf, 16);
    this.stop();
  });
  t.ok(h instanceof koffi.node.PollHandle);
  write(fds[1], Buffer.from('hi'), 2);
  await waitFor(() => events.length > 0, 5000);
  t.equal(self, h, 'this is the handle');
  t.same(events[0], [0, { readable: true, writable: false, disconnect: false }]);

  // Restart with other options; writable fires at once on the write end.
  const h2 = koffi.node.poll(fds[1], { writable: true }, function (status, ev) {
    events.push(['w', ev.writable]);
    this.close();
  });
  await waitFor(() => events.length > 1, 5000);
  t.same(events[1], ['w', true]);
  t.throws(() => h2.start(() => {}), /closed/, 'start after close');
  h2.close();

  h.unref();
  h.ref();
  h.start((status, ev) => { events.push(['again', ev.readable]); h.close(); });
  write(fds[1], Buffer.from('x'), 1);
  await waitFor(() => events.length > 2, 5000);
  t.same(events[2], ['again', true], 'start(callback) watches readable');
  h[Symbol.dispose]();
  close(fds[0]);
  close(fds[1]);
});
