// Unit tests of the AArch64 (AAPCS64) and i386 placements, without native code. They run on
// any host: the classifiers are pure functions over TypeObjects.
'use strict';
const t = require('tap');
const koffi = require('..');
const { arm64, i386, resolveType } = require('../dist/internal.cjs');

const T = (s) => resolveType(s);

t.test('arm64: x0-x7 and v0-v7 fill independently, then 8-byte stack slots', (t) => {
  const args = [...Array.from({ length: 9 }, () => T('int')), ...Array.from({ length: 9 }, () => T('double')), T('float')];
  const p = arm64.place(args, T('int'));
  t.same(p.args[7], { kind: 'gpr', index: 7 });
  t.same(p.args[8], { kind: 'stack', offset: 0, size: 8 });
  t.same(p.args[9], { kind: 'fpr', index: 0, size: 8 });
  t.same(p.args[16], { kind: 'fpr', index: 7, size: 8 });
  t.same(p.args[17], { kind: 'stack', offset: 8, size: 8 });
  t.same(p.args[18], { kind: 'stack', offset: 16, size: 4 });
  t.equal(p.stackBytes, 32, 'the stack block is 16-byte aligned');
  t.same(p.result, { kind: 'x0' });
  t.end();
});

t.test('arm64: homogeneous float aggregates', (t) => {
  const Vec3 = koffi.struct({ v: koffi.array('float', 3) });
  const D4 = koffi.struct({ a: 'double', b: 'double', c: 'double', d: 'double' });
  t.same(arm64.homogeneousFloat(Vec3), { size: 4, count: 3 });
  t.same(arm64.homogeneousFloat(D4), { size: 8, count: 4 });
  t.equal(arm64.homogeneousFloat(koffi.struct({ a: 'float', b: 'double' })), null, 'mixed float sizes are not an HFA');
  t.equal(arm64.homogeneousFloat(koffi.struct({ v: koffi.array('float', 5) })), null, 'more than 4 members');
  t.equal(arm64.homogeneousFloat(koffi.struct({ a: 'float', i: 'int' })), null);
  let p = arm64.place([Vec3, Vec3, T('float')], Vec3);
  t.same(p.args[0], { kind: 'hfa', first: 0, count: 3, size: 4 });
  t.same(p.args[1], { kind: 'hfa', first: 3, count: 3, size: 4 });
  t.same(p.args[2], { kind: 'fpr', index: 6, size: 4 });
  t.same(p.result, { kind: 'hfa', count: 3, size: 4 });
  // Two HFAs of 3 use v0-v5; a third no longer fits in v6-v7, goes to the stack with its own
  // layout, and closes the vector registers for the float after it.
  p = arm64.place([Vec3, Vec3, Vec3, T('float')], T('void'));
  t.same(p.args[2], { kind: 'stack', offset: 0, size: 12 });
  t.same(p.args[3], { kind: 'stack', offset: 16, size: 4 });
  t.end();
});

t.test('arm64: composites up to 16 bytes in x registers, larger by reference, result in x8', (t) => {
  const Pair = koffi.struct({ a: 'int64_t', b: 'int32_t' });
  const Big = koffi.struct({ a: 'int64_t', b: 'int64_t', c: 'int64_t' });
  let p = arm64.place([T('int'), Pair, Big], Big);
  t.same(p.args[1], { kind: 'gprs', first: 1, count: 2 });
  t.same(p.args[2], { kind: 'ref', to: { kind: 'gpr', index: 3 } });
  t.same(p.result, { kind: 'memory' });
  // Seven registers used: a two-register composite goes wholly to the stack, and NGRN is 8.
  p = arm64.place([...Array.from({ length: 7 }, () => T('int')), Pair, T('int')], Pair);
  // Pair's layout comes from the host's data model: 16 bytes, or 12 where int64_t is aligned to 4 (ia32).
  t.equal(koffi.sizeof(Pair), process.arch === 'ia32' ? 12 : 16);
  t.same(p.args[7], { kind: 'stack', offset: 0, size: koffi.sizeof(Pair) });
  t.same(p.args[8], { kind: 'stack', offset: 16, size: 8 });
  t.same(p.result, { kind: 'gprs', count: 2 });
  t.end();
});

t.test('i386 cdecl: everything on the stack in 4-byte slots; results in eax, edx:eax, st(0) or memory', (t) => {
  const p = i386.place([T('char'), T('double'), T('int64_t'), T('float'), koffi.struct({ a: 'char', b: 'short' })], T('int'));
  t.same(p.args.map((l) => l.offset), [0, 4, 12, 20, 24]);
  t.equal(p.stackBytes, 32);
  t.same(p.result, { kind: 'eax' });
  t.equal(p.calleePops, 0);
  t.same(i386.place([], T('uint64_t')).result, { kind: 'edx:eax' });
  t.same(i386.place([], T('float')).result, { kind: 'st0', size: 4 });
  const s = i386.place([T('int')], koffi.struct({ x: 'int' }));
  t.same(s.result, { kind: 'memory' });
  t.same(s.args[0], { kind: 'stack', offset: 4, size: 4 }, 'after the hidden result pointer');
  t.equal(s.calleePops, 4, 'the callee pops the hidden pointer');
  t.end();
});

t.test('i386 stdcall, fastcall and thiscall', (t) => {
  const std = i386.place([T('int'), T('double')], T('int'), 'stdcall');
  t.equal(std.calleePops, 12);
  const fast = i386.place([T('double'), T('int'), T('short'), T('int')], T('void'), 'fastcall');
  t.same(fast.args[1], { kind: 'ecx' }, 'a double takes no register');
  t.same(fast.args[2], { kind: 'edx' });
  t.same(fast.args[3], { kind: 'stack', offset: 8, size: 4 });
  t.equal(fast.calleePops, 12);
  // As GCC does: a 64-bit integer or an aggregate goes on the stack but uses up the registers
  // its 4-byte words would have taken.
  const wide = i386.place([T('int'), T('int64_t'), T('short'), T('int')], T('void'), 'fastcall');
  t.same(wide.args.map((l) => l.kind), ['ecx', 'stack', 'stack', 'stack']);
  t.same(wide.args.slice(1).map((l) => l.offset), [0, 8, 12]);
  t.equal(wide.calleePops, 16);
  const first = i386.place([T('int64_t'), T('int'), T('int')], T('void'), 'fastcall');
  t.same(first.args.map((l) => l.kind), ['stack', 'stack', 'stack'], 'int64 first: both registers used up');
  const agg = i386.place([koffi.struct({ x: 'int' }), T('int'), T('int')], T('void'), 'fastcall');
  t.same(agg.args.map((l) => l.kind), ['stack', 'edx', 'stack'], 'a 4-byte struct uses up ecx');
  const big = i386.place([koffi.struct({ x: 'int', y: 'int', z: 'int' }), T('int')], T('void'), 'fastcall');
  t.same(big.args.map((l) => l.kind), ['stack', 'stack']);
  // GCC passes the hidden result pointer in ecx for fastcall and thiscall (`this` then goes on the stack).
  const S = koffi.struct({ a: 'int', b: 'double' });
  const fastRet = i386.place([T('int'), T('int')], S, 'fastcall');
  t.same(fastRet.hiddenPointer, { kind: 'ecx' });
  t.same(fastRet.args, [{ kind: 'edx' }, { kind: 'stack', offset: 0, size: 4 }]);
  t.equal(fastRet.calleePops, 4);
  const thisRet = i386.place([T('void *'), T('int')], S, 'thiscall');
  t.same(thisRet.hiddenPointer, { kind: 'ecx' });
  t.same(thisRet.args.map((l) => l.offset), [0, 4]);
  t.equal(thisRet.calleePops, 8);
  t.same(i386.place([T('int')], S, 'stdcall').hiddenPointer, { kind: 'stack', offset: 0, size: 4 });
  t.equal(i386.place([T('int')], S, 'stdcall').calleePops, 8, 'stdcall pops the hidden pointer with the arguments');
  t.same(i386.lower([T('int')], S, false, 'fastcall').result, { kind: 'memory', offset: i386.FRAME.ecx });
  const thisWide = i386.place([T('int64_t'), T('int')], T('void'), 'thiscall');
  t.same(thisWide.args.map((l) => l.kind), ['stack', 'stack']);
  const thisc = i386.place([T('void *'), T('int')], T('int'), 'thiscall');
  t.same(thisc.args[0], { kind: 'ecx' });
  t.same(thisc.args[1], { kind: 'stack', offset: 0, size: 4 });
  t.equal(thisc.calleePops, 4);
  t.end();
});

t.test('i386 lowering: frame offsets, x87 results, callee pops and conventions', (t) => {
  const F = i386.FRAME;
  const c = i386.lower([T('int'), T('double'), T('int64_t')], T('double'), false);
  t.same(c.args, [{ kind: 'slot', offset: F.stack }, { kind: 'slot', offset: F.stack + 4 }, { kind: 'slot', offset: F.stack + 12 }]);
  t.same(c.result, { kind: 'float' });
  t.equal(c.stackBytes, 32);
  t.equal(c.callAux, i386.X87.double, 'the stub pops st(0) as a double');
  t.equal(c.callbackWord, i386.X87.double << 16, 'cdecl: the callee pops nothing');
  t.equal(i386.lower([], T('float'), false).callAux, i386.X87.float);
  for (const r of ['void', 'int', 'int64_t', 'void *']) t.equal(i386.lower([], T(r), false).callAux, i386.X87.none, `${r}: st(0) untouched`);
  t.same(i386.lower([], T('uint64_t'), false).result, { kind: 'int' }, '64-bit results in edx:eax');

  const s = i386.lower([T('int')], koffi.struct({ x: 'int', y: 'double' }), false);
  t.same(s.result, { kind: 'memory', offset: F.stack }, 'the hidden pointer is the first stack argument');
  t.same(s.args[0], { kind: 'slot', offset: F.stack + 4 });
  t.equal(s.callbackWord, 4, 'a cdecl callee pops the hidden pointer');

  const std = i386.lower([T('int'), T('double')], T('float'), false, 'stdcall');
  t.equal(std.callbackWord, 12 | (i386.X87.float << 16));
  const fast = i386.lower([T('double'), T('int'), T('short'), T('int')], T('int'), false, 'fastcall');
  t.same(fast.args.map((a) => a.offset), [F.stack, F.ecx, F.edx, F.stack + 8]);
  t.equal(fast.callbackWord, 12);
  const thisc = i386.lower([T('void *'), T('int')], T('int'), false, 'thiscall');
  t.same(thisc.args.map((a) => a.offset), [F.ecx, F.stack]);
  t.equal(F.edx - F.ecx, 8, 'register slots hold 8-byte stores');
  t.end();
});

t.test('i386: variadic functions only with cdecl', (t) => {
  t.equal(i386.lower([T('str'), T('double')], T('int'), true, 'cdecl').stackBytes, 16);
  for (const conv of ['stdcall', 'fastcall', 'thiscall'])
    t.throws(() => i386.lower([T('str')], T('int'), true, conv), /Variadic functions must use the cdecl calling convention on i386, not \w+/);
  t.end();
});
