// Unit tests of the x86-64 System V placement and the plan compiler, without native calls.
'use strict';
const t = require('tap');
const internal = require('../dist/internal.cjs');
const { x64, compilePlan, resolveType, Op } = internal;

const T = (s) => resolveType(s);
// The plan tests compile for the running process's ABI: they state x86-64 facts, and run there
// (each ISA's own plans are tested with it, e.g. test/i386.test.js).
const plansSkip = internal.abi.ISA === 'x64_sysv' ? false : `plans for x86-64; this process compiles for ${internal.abi.ISA}`;

t.test('integers fill rdi..r9, then the stack in argument order', (t) => {
  const args = Array.from({ length: 9 }, () => T('int'));
  const p = x64.place(args, T('int'));
  t.same(p.args.slice(0, 6), [0, 1, 2, 3, 4, 5].map((index) => ({ kind: 'gpr', index })));
  t.same(p.args.slice(6), [0, 8, 16].map((offset) => ({ kind: 'stack', offset })));
  t.equal(p.stackBytes, 24);
  t.equal(p.sseUsed, 0);
  t.same(p.result, { kind: 'rax' });
  t.end();
});

t.test('floats and doubles fill xmm0..xmm7 independently of integers', (t) => {
  const args = [T('double'), T('int'), T('float'), T('char *'), ...Array.from({ length: 8 }, () => T('double'))];
  const p = x64.place(args, T('double'));
  t.same(p.args[0], { kind: 'sse', index: 0 });
  t.same(p.args[1], { kind: 'gpr', index: 0 });
  t.same(p.args[2], { kind: 'sse', index: 1 });
  t.same(p.args[3], { kind: 'gpr', index: 1 });
  t.same(p.args.slice(4, 10).map((l) => l.index), [2, 3, 4, 5, 6, 7]);
  t.same(p.args.slice(10), [{ kind: 'stack', offset: 0 }, { kind: 'stack', offset: 8 }]);
  t.equal(p.sseUsed, 8);
  t.same(p.result, { kind: 'xmm0' });
  t.end();
});

t.test('a stack argument interleaves with later register arguments', (t) => {
  // 7 ints then a double: the 7th int goes to the stack, the double still gets xmm0.
  const args = [...Array.from({ length: 7 }, () => T('int')), T('double'), T('int64_t')];
  const p = x64.place(args, T('void'));
  t.same(p.args[6], { kind: 'stack', offset: 0 });
  t.same(p.args[7], { kind: 'sse', index: 0 });
  t.same(p.args[8], { kind: 'stack', offset: 8 });
  t.same(p.result, { kind: 'void' });
  t.end();
});

t.test('frame offsets', (t) => {
  t.equal(x64.frameOffset({ kind: 'gpr', index: 5 }), x64.FRAME.gpr + 40);
  t.equal(x64.frameOffset({ kind: 'sse', index: 7 }), x64.FRAME.sse + 56);
  t.equal(x64.frameOffset({ kind: 'stack', offset: 16 }), x64.FRAME.stack + 16);
  t.end();
});

t.test('plans: header, operands and determinism', { skip: plansSkip }, (t) => {
  const plan = compilePlan([T('int'), T('double'), T('const char *')], T('uint64_t'));
  t.same(plan.listing, [
    `ARG_I32 ${x64.FRAME.gpr} 0 0`,
    `ARG_F64 ${x64.FRAME.sse} 1 0`,
    `ARG_STR ${x64.FRAME.gpr + 8} 2 0`,
    'CALL 0 1 0',
    'RET_U64 0 0 0',
    'END 0 0 0',
  ]);
  t.equal(plan.words[1], 3, 'argument count');
  t.equal(plan.words[2], x64.FRAME.stack, 'frame bytes');
  t.equal(plan.words[3], 6, 'instruction count');
  t.equal(plan.words[4], Op.ARG_I32);
  const again = compilePlan([T('int'), T('double'), T('char*')], T('unsigned long'));
  t.same(Array.from(again.words), Array.from(plan.words), 'equal signatures give equal bytes');
  t.end();
});

t.test('plans: integer-only signatures use the stub that skips SSE registers, unless variadic', { skip: plansSkip }, (t) => {
  t.match(compilePlan([T('int')], T('int')).listing[1], /^CALL 0 0 1$/);
  t.match(compilePlan([T('int')], T('int'), { variadic: true }).listing[1], /^CALL 0 0 0$/);
  t.end();
});

t.test('plans: pointer operands carry the pointer type descriptor', { skip: plansSkip }, (t) => {
  t.match(compilePlan([T('int64_t *')], T('void')).listing[0], /^ARG_PTR \d+ 0 \d+$/);
  t.match(compilePlan([T('void *')], T('void')).listing[0], /^ARG_PTR \d+ 0 \d+$/);
  t.end();
});

t.test('plans: endian types and disposable strings', { skip: plansSkip }, (t) => {
  t.match(compilePlan([T('uint32_be_t')], T('int16_be_t')).listing, ['ARG_U32_SWAP 0 0 0', 'CALL 0 0 1', 'RET_I16_SWAP 0 0 0']);
  t.match(compilePlan([], T('str!')).listing[1], 'RET_STR 0 0 1');
  t.end();
});

const koffi = require('..');

t.test('aggregates: eightbyte classes', (t) => {
  const S = (members) => koffi.struct(members);
  t.same(x64.classifyAggregate(S({ a: 'int', b: 'float' })), ['INTEGER'], 'an int and a float share one INTEGER eightbyte');
  t.same(x64.classifyAggregate(S({ x: 'double', y: 'double' })), ['SSE', 'SSE']);
  t.same(x64.classifyAggregate(S({ x: 'float', y: 'float', z: 'float' })), ['SSE', 'SSE']);
  t.same(x64.classifyAggregate(S({ a: 'double', b: 'int' })), ['SSE', 'INTEGER']);
  t.same(x64.classifyAggregate(S({ a: 'char', b: 'double' })), ['INTEGER', 'SSE']);
  t.same(x64.classifyAggregate(S({ v: koffi.array('float', 4) })), ['SSE', 'SSE']);
  t.same(x64.classifyAggregate(S({ inner: S({ a: 'float' }), b: 'float', c: 'int64_t' })), ['SSE', 'INTEGER']);
  t.equal(x64.classifyAggregate(S({ a: 'double', b: 'double', c: 'int' })), null, 'over 16 bytes: memory');
  t.equal(x64.classifyAggregate(koffi.pack({ a: 'char', b: 'int' })), null, 'a misaligned member makes it memory');
  t.same(x64.classifyAggregate(koffi.pack({ a: 'int', b: 'int' })), ['INTEGER'], 'packed but aligned stays in registers');
  t.same(x64.classifyAggregate(koffi.union({ f: 'float', i: 'int' })), ['INTEGER']);
  t.end();
});

t.test('aggregates: placement, hidden result pointer and spilling whole structs', (t) => {
  const Pair = koffi.struct({ a: 'int64_t', b: 'int64_t' });
  const Big = koffi.struct({ a: 'double', b: 'double', c: 'double' });
  let p = x64.place([Pair, Pair, Pair, T('int')], Pair);
  t.same(p.args[0], { kind: 'regs', eightbytes: [{ kind: 'gpr', index: 0 }, { kind: 'gpr', index: 1 }] });
  t.same(p.args[2], { kind: 'regs', eightbytes: [{ kind: 'gpr', index: 4 }, { kind: 'gpr', index: 5 }] });
  t.same(p.args[3], { kind: 'stack', offset: 0 });
  t.same(p.result, { kind: 'regs', sources: ['rax', 'rdx'] });
  // Five integers leave one register: a two-eightbyte struct goes wholly to the stack, and a
  // later int still takes the free register.
  p = x64.place([...Array.from({ length: 5 }, () => T('int')), Pair, T('int')], T('void'));
  t.same(p.args[5], { kind: 'stack', offset: 0 });
  t.same(p.args[6], { kind: 'gpr', index: 5 });
  p = x64.place([T('int')], Big);
  t.same(p.result, { kind: 'memory' });
  t.same(p.args[0], { kind: 'gpr', index: 1 }, 'the hidden pointer takes rdi');
  p = x64.place([Big, T('double')], koffi.struct({ d: 'double', i: 'int' }));
  t.same(p.args[0], { kind: 'stack', offset: 0 });
  t.equal(p.stackBytes, 24);
  t.same(p.args[1], { kind: 'sse', index: 0 });
  t.same(p.result, { kind: 'regs', sources: ['xmm0', 'rax'] });
  t.end();
});
