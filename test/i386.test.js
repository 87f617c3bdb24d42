// i386 (ia32) only: the calling conventions (cdecl, stdcall, fastcall, thiscall) against C
// functions compiled with them (test/lib/cptest.c), 64-bit values in edx:eax, float and double
// results in st(0), structs returned through the hidden pointer, variadic calls, the ILP32 data
// model, and callbacks entered through each convention. Run by `npm run test:cross -- ia32`.
'use strict';
const t = require('tap');

if (process.arch !== 'ia32') {
  t.pass(`skipped: i386 only (process.arch is ${process.arch})`);
  t.end();
} else {
  run();
}

function run() {
  const koffi = require('..');
  const { testlibPaths: paths } = require('./support/env.js');
  const lib = koffi.load(paths.cptest);
  const I386Big = koffi.struct('I386Big', { a: 'int32_t', b: 'double', c: 'int8_t' });
  const I386Obj = koffi.struct('I386Obj', { base: 'int32_t', scale: 'int32_t' });

  t.test('ILP32 data model', (t) => {
    for (const name of ['long', 'unsigned long', 'size_t', 'intptr_t', 'uintptr_t', 'void *', 'str'])
      t.equal(koffi.sizeof(name), 4, `sizeof(${name})`);
    for (const name of ['int64_t', 'uint64_t', 'long long', 'double']) {
      t.equal(koffi.sizeof(name), 8, `sizeof(${name})`);
      t.equal(koffi.alignof(name), 4, `alignof(${name}) is 4, as GCC lays out structs on i386`);
    }
    t.equal(koffi.sizeof(I386Big), 16);
    t.equal(koffi.offsetof(I386Big, 'b'), 4, 'a double member after an int32 at offset 4');
    const P = koffi.struct({ c: 'char', p: 'void *', l: 'long long' });
    t.same([koffi.offsetof(P, 'p'), koffi.offsetof(P, 'l'), koffi.sizeof(P)], [4, 8, 16]);
    t.end();
  });

  t.test('cdecl: 64-bit arguments and results, st(0) results', (t) => {
    t.equal(lib.func('int i386_cdecl_mix(int a, int b, int c)')(100, 7, 5), 100 - 14 + 15);
    const i64 = lib.func('int64_t i386_cdecl_i64(int64_t a, uint64_t b)');
    t.equal(i64(2n ** 40n + 5n, 5n), 2 ** 40, 'edx:eax');
    t.equal(i64(-(2n ** 62n), 2n ** 62n), -(2n ** 63n), 'the high half comes from edx');
    t.equal(lib.func('float i386_cdecl_float(float a, float b)')(1.5, -2.25), -3.375);
    t.equal(lib.func('long long add_i64(long long a, long long b)')(2 ** 40, -(2 ** 41)), -(2 ** 40));
    // Many st(0) results in a row: a result left on the x87 stack would overflow it after 8.
    const f = lib.func('float i386_cdecl_float(float a, float b)');
    let s = 0;
    for (let i = 0; i < 20; i++) s += f(i, 0.5);
    t.equal(s, 95);
    // An integer function called between them leaves st(0) alone.
    const mix = lib.func('int i386_cdecl_mix(int a, int b, int c)');
    for (let i = 0; i < 20; i++) mix(i, i, i);
    t.equal(f(3, 4), 12);
    t.end();
  });

  t.test('cdecl: struct results through the hidden pointer', (t) => {
    // The callee pops the hidden pointer (ret $4): the stub restores %esp from %ebp.
    const Mixed3 = koffi.struct({ i: 'int', d: 'double', f: 'float' });
    const make = lib.func('mixed3_make', Mixed3, ['int', 'double', 'float']);
    for (let i = 0; i < 3; i++) t.same(make(7, 2.5, 0.25), { i: 7, d: 2.5, f: 0.25 });
    t.end();
  });

  t.test('variadic (cdecl)', (t) => {
    const sum = lib.func('double i386_cdecl_sum(int n, ...)');
    t.equal(sum(3, 'int', 0, 'int', 40, 'int', 1, 'double', 1.5, 'int', 2, 'long long', 2n ** 40n), 40 + 1.5 + 2 ** 40);
    t.equal(sum(1, 'int', 1, 'float', 0.25), 0.25, 'float promoted to double');
    for (const conv of ['__stdcall', '__fastcall', '__thiscall'])
      t.throws(() => lib.func(`double ${conv} i386_cdecl_sum(int n, ...)`), /Variadic functions must use the cdecl calling convention on i386/);
    t.end();
  });

  t.test('stdcall', (t) => {
    const mix = lib.func('int __stdcall i386_std_mix(int a, int b, int c)');
    for (let i = 0; i < 3; i++) t.equal(mix(100, 7, 5), 101);
    t.equal(lib.func('int64_t __stdcall i386_std_i64(int64_t a, int32_t b)')(2n ** 50n, -1), 3 * 2 ** 50 - 1);
    t.equal(lib.func('double __stdcall i386_std_double(double a, float b, int c)')(1.5, 4, -1), 5);
    t.equal(lib.func('float __stdcall i386_std_float(float a, int b)')(1, 4), 0.25);
    const big = lib.func('I386Big __stdcall i386_std_big(int32_t a, double b)');
    for (let i = 0; i < 3; i++) t.same(big(20, 5), { a: 40, b: 2.5, c: 21 });
    t.equal(lib.stdcall('i386_std_mix', 'int', ['int', 'int', 'int'])(1, 2, 3), 6, 'lib.stdcall()');
    t.equal(lib.func('__stdcall', 'i386_std_mix', 'int', ['int', 'int', 'int'])(1, 2, 3), 6);
    t.end();
  });

  t.test('fastcall', (t) => {
    const mix = lib.func('int64_t __fastcall i386_fast_mix(int a, int64_t b, int c, double d, int e)');
    // ecx = a; b is 64-bit: on the stack, and (as GCC does) it uses up edx: c goes on the stack
    t.equal(mix(1, 2, 3, 4, 5), 1 - 20 + 300 + 4000 + 50000);
    t.equal(mix(-1, -(2n ** 40n), 0, 0, 0), -1 + 10 * 2 ** 40);
    t.equal(lib.func('float __fastcall i386_fast_float(short a, float b, char c)')(3, 1.5, 2), 2.5);
    const big = lib.func('I386Big __fastcall i386_fast_big(int a, int b)');
    t.same(big(9, 4), { a: 5, b: 2.25, c: 4 });
    t.end();
  });

  t.test('thiscall', (t) => {
    const obj = { base: 1000, scale: 3 };
    t.equal(lib.func('int __thiscall i386_this_apply(I386Obj *self, int x, int y)')(obj, 5, 2), 1013);
    t.equal(lib.func('double __thiscall i386_this_double(I386Obj *self, double x)')(obj, 0.5), 1001.5);
    t.equal(lib.thiscall('i386_this_apply', 'int', ['I386Obj *', 'int', 'int'])(obj, 1, 1), 1002);
    t.end();
  });

  t.test('a wrong convention shows in the results, without a crash', (t) => {
    // stdcall and cdecl place arguments alike; only who pops differs, and the stub restores
    // %esp whoever popped: calling a stdcall function as cdecl (and the reverse) works.
    t.equal(lib.func('int i386_std_mix(int a, int b, int c)')(100, 7, 5), 101, 'stdcall function declared cdecl');
    t.equal(lib.func('int __stdcall i386_cdecl_mix(int a, int b, int c)')(100, 7, 5), 101, 'cdecl function declared stdcall');
    // fastcall moves arguments to registers: a different answer.
    const right = lib.func('int64_t __fastcall i386_fast_mix(int a, int64_t b, int c, double d, int e)')(1, 2, 3, 4, 5);
    const wrong = lib.func('int64_t i386_fast_mix(int a, int64_t b, int c, double d, int e)')(1, 2, 3, 4, 5);
    t.equal(right, 54281);
    t.not(wrong, right, 'a fastcall function declared cdecl reads the wrong registers and slots');
    t.not(lib.func('int __fastcall i386_cdecl_mix(int a, int b, int c)')(100, 7, 5), 101, 'a cdecl function declared fastcall');
    // (Declared cdecl, a thiscall function would dereference whatever ecx holds: no test of that.)
    t.not(lib.func('int __fastcall i386_this_apply(I386Obj *self, int x, int y)')({ base: 1000, scale: 3 }, 5, 2), 1013,
      'a thiscall function declared fastcall reads x from the stack (y) and y past it');
    // Still standing: esp and the x87 stack are intact.
    t.equal(lib.func('int __stdcall i386_std_mix(int a, int b, int c)')(1, 2, 3), 6);
    t.equal(lib.func('float i386_cdecl_float(float a, float b)')(2, 3), 6);
    t.end();
  });

  t.test('callbacks: cdecl and stdcall, int, 64-bit, float and struct results', (t) => {
    const StdCb = koffi.proto('int __stdcall I386StdCb(int a, int b, int c)');
    const call = lib.func('int i386_call_std(I386StdCb *cb, int a, int b, int c)');
    t.equal(call((a, b, c) => a * 100 + b * 10 + c, 1, 2, 3), 123, 'stdcall callback pops 12 bytes');

    const StdCbD = koffi.proto('double __stdcall I386StdCbD(int a, double b)');
    t.equal(lib.func('double i386_call_std_double(I386StdCbD *cb, int a, double b)')((a, b) => a + b, 2, 0.5), 2.5);
    const many = lib.func('double i386_call_std_double_many(I386StdCbD *cb, int n)');
    t.equal(many((i, h) => i * h, 40), 390, 'st(0) balanced over 40 callbacks');

    const StdCbF = koffi.proto('float __stdcall I386StdCbF(float a, int64_t b)');
    t.equal(lib.func('float i386_call_std_float(I386StdCbF *cb, float a, int64_t b)')((a, b) => a * Number(b), 0.5, 2n ** 40n), 2 ** 39);

    const StdCbL = koffi.proto('int64_t __stdcall I386StdCbL(int64_t a, int b)');
    const callL = lib.func('int64_t i386_call_std_i64(I386StdCbL *cb, int64_t a, int b)');
    t.equal(callL((a, b) => BigInt(a) * 2n + BigInt(b), 2n ** 45n, -3), 2 ** 46 - 3, '64-bit result in edx:eax');

    const StdCbBig = koffi.proto('I386Big __stdcall I386StdCbBig(int a)');
    const callBig = lib.func('int i386_call_std_big(I386StdCbBig *cb, int a, _Out_ double *b, _Out_ int8_t *c)');
    const b = [0];
    const c = [0];
    t.equal(callBig((a) => ({ a: a * 3, b: a / 4, c: -a }), 8, b, c), 24, 'stdcall struct result: the hidden pointer popped too');
    t.same([b[0], c[0]], [2 + 2.25, -8]);

    const CdeclCbF = koffi.proto('float I386CdeclCbF(float a, float b)');
    t.equal(lib.func('float i386_call_cdecl_float(I386CdeclCbF *cb, float a, float b)')((x, y) => x - y, 1.25, 0.5), 0.75);
    const CdeclCbBig = koffi.proto('I386Big I386CdeclCbBig(int a, double b)');
    t.equal(lib.func('double i386_call_cdecl_big(I386CdeclCbBig *cb, int a, double b)')((a, x) => ({ a, b: x, c: 2 }), 10, 0.5),
      10 + 0.5 + 2 + 10, 'cdecl struct result: the callee pops the hidden pointer');

    const FastCb = koffi.proto('int __fastcall I386FastCb(int a, int b, int c)');
    t.equal(lib.func('int i386_call_fast(I386FastCb *cb, int a, int b, int c)')((a, b, c) => a * 100 + b * 10 + c, 4, 5, 6), 456,
      'fastcall callback: ecx, edx, then the stack');
    const ThisCb = koffi.proto('int __thiscall I386ThisCb(I386Obj *self, int x)');
    t.equal(lib.func('int i386_call_this(I386ThisCb *cb, I386Obj *self, int x)')((self, x) => koffi.decode(self, I386Obj).base + x, { base: 70, scale: 0 }, 7), 77);

    // A registered stdcall callback called from C many times.
    const ptr = koffi.register((a, b, c) => a + b + c, koffi.pointer(StdCb));
    for (let i = 0; i < 5; i++) t.equal(call(ptr, i, i, i), 3 * i);
    koffi.unregister(ptr);
    t.end();
  });
}
