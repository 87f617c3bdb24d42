// The TypeScript plan compiler and the C++ interpreter must number opcodes and lay out the
// call frame identically: both are derived from native/interp/ops.def and the ISA's frame header (native/interp/frame_*.h).
'use strict';
const t = require('tap');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const koffi = require('..');
const internal = require('../dist/internal.cjs');

const root = join(__dirname, '..');

t.test('opcode numbering agrees between TypeScript and the addon', (t) => {
  t.same(internal.OP_NAMES, koffi.internal.layout.opcodes);
  internal.OP_NAMES.forEach((name, i) => t.equal(internal.Op[name], i, name));
  t.end();
});

t.test('src/gen/opcodes.ts is up to date with ops.def', async (t) => {
  const gen = await import(join(root, 'scripts/gen-opcodes.mjs'));
  const expected = gen.renderOpcodes(gen.readOpcodes(root));
  t.equal(readFileSync(join(root, 'src/gen/opcodes.ts'), 'utf8'), expected);
});

t.test('frame layout agrees between TypeScript and the addon', (t) => {
  const native = koffi.internal.layout;
  const abi = { x64_sysv: internal.x64, arm64_aapcs: internal.arm64, i386_sysv: internal.i386 }[native.isa];
  t.ok(abi, `an ABI module for ${native.isa}`);
  t.same(native.frame, { ...abi.FRAME });
  if (native.isa === 'i386_sysv') {
    const { RET, X87 } = internal.i386;
    t.same(native.i386, { retInt: RET.int, retEdx: RET.edx, retFloat: RET.float, x87Float: X87.float, x87Double: X87.double });
  }
  t.equal(internal.abi.ISA, native.isa, 'the plan compiler targets the ISA the addon was built for');
  t.equal(internal.PLAN_MAGIC, native.magic);
  t.end();
});

t.test('the interpreter is direct-threaded on GCC builds', (t) => {
  t.equal(koffi.internal.layout.threaded, true);
  t.end();
});

t.test('a plan longer than the compiler buffer comes back whole', (t) => {
  // 200 arguments: more words than the buffer plans are emitted into starts with, so it grows
  // while this plan is emitted.
  const int = internal.resolveType('int');
  const plan = internal.compilePlan(new Array(200).fill(int), int);
  const w = plan.words;
  t.equal(w[0], internal.PLAN_MAGIC);
  t.equal(w[1], 200, 'argument count');
  t.ok(w[2] > 0, 'frame bytes');
  t.equal(w[3], 203, '200 arguments, CALL, the result, END');
  t.equal(w.length, 4 + 203 * 4);
  t.same(plan.listing.slice(-3).map((l) => l.split(' ')[0]), ['CALL', 'RET_I32', 'END']);
  t.end();
});
