// The TypeScript plan compiler and the C++ interpreter must number opcodes and lay out the
// call frame identically: both are derived from native/interp/ops.def and frame_x64_sysv.h.
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
  const ts = internal.x64.FRAME;
  t.equal(ts.gpr, native.gpr);
  t.equal(ts.sse, native.sse);
  t.equal(ts.stackBytes, native.stackBytes);
  t.equal(ts.al, native.al);
  t.equal(ts.stack, native.stack);
  t.equal(internal.PLAN_MAGIC, native.magic);
  t.end();
});

t.test('the interpreter is direct-threaded on GCC builds', (t) => {
  t.equal(koffi.internal.layout.threaded, true);
  t.end();
});
