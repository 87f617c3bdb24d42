// Differential test against the C compiler: random struct types and random signatures
// (test/gen/diffgen.js) are written as C into a temporary directory, compiled with
// `cc -shared -fPIC -O1`, declared with callplan from the same prototypes (prototype strings
// and the classic syntax) and called with random values.  Every generated function records
// the raw bytes of each argument; they are compared with the bytes JS expects from its own
// encoding of the values, laid out with the offsets the C compiler reports.  Results are
// derived from a hash of every argument member, so results check the return path too.
//
//   DIFF_SEEDS=1,2,0xbeef   seeds (default 0xC0FFEE), one generated library per seed
//   DIFF_COUNT=500          signatures per seed (default 150, 50 with CALLPLAN_SLOW=1)
//   CALLPLAN_TEST_CC        the compiler command (default cc; a cross compiler for foreign ISAs)
//   DIFF_KEEP=1             keep the generated C file and library (the path is printed)
// Deterministic for a given seed and count; a failure prints the C prototype, the JS call,
// and the expected and actual bytes or result.
'use strict';
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const koffi = require('..');
const B = require('./gen/bytes.js');
const G = require('./gen/diffgen.js');
const { cc, slow } = require('./support/env.js');

const parsedSeeds = (process.env.DIFF_SEEDS || '').split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32);
const SEEDS = parsedSeeds.length ? parsedSeeds : [0xC0FFEE];
const COUNT = Math.max(1, Math.floor(Number(process.env.DIFF_COUNT) || (slow ? 50 : 150)));

function haveCC() {
  try {
    execFileSync(cc[0], [...cc.slice(1), '--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function hex(buf, mask) {
  return Array.from(buf, (b, i) => (mask && !mask[i] ? '..' : b.toString(16).padStart(2, '0'))).join(' ');
}

function sameMasked(a, b, mask) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (mask[i] && a[i] !== b[i]) return false;
  return true;
}

if (!haveCC()) {
  t.skip('no C compiler (cc) on PATH');
} else {
  for (const seed of SEEDS) {
    t.test(`seed 0x${seed.toString(16)}: ${COUNT} random signatures`, (t) => runSeed(t, seed));
  }
}

function runSeed(t, seed) {
  const gen = G.generate(seed, COUNT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callplan-diff-'));
  if (process.env.DIFF_KEEP) t.comment(`generated files kept in ${dir}`);
  else t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const typedefs = new Map(gen.csource.split('\n').filter((l) => l.startsWith('typedef struct'))
    .map((l) => [/ (\w+);$/.exec(l)[1], l]));
  // The typedefs a signature needs, nested ones first.
  const usedTypedefs = (sig) => {
    const out = [];
    const visit = (st) => {
      for (const m of st.members) if (m.t === 'struct') visit(m.s);
      const line = typedefs.get(st.name);
      if (!out.includes(line)) out.push(line);
    };
    for (const x of [sig.ret, ...sig.args]) if (x.t === 'struct') visit(x.s);
    return out;
  };
  const cfile = path.join(dir, `diff_${seed.toString(16)}.c`);
  const sofile = path.join(dir, `libdiff_${seed.toString(16)}.so`);
  fs.writeFileSync(cfile, gen.csource);
  try {
    execFileSync(cc[0], [...cc.slice(1), '-shared', '-fPIC', '-O1', '-o', sofile, cfile], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    t.fail(`compiling the generated C failed:\n${e.stderr}`);
    t.end();
    return;
  }
  const lib = koffi.load(sofile);
  const P = gen.prefix;
  const structCount = lib.func(`int ${P}_struct_count(void)`);
  const cSizeof = lib.func(`size_t ${P}_sizeof(int i)`);
  const cAlignof = lib.func(`size_t ${P}_alignof(int i)`);
  const cOffsetof = lib.func(`size_t ${P}_offsetof(int i, int m)`);
  const recCount = lib.func('int rec_count(void)');
  const recOffset = lib.func('size_t rec_offset(int i)');
  const recTotal = lib.func('size_t rec_total(void)');
  const recCopy = lib.func('void rec_copy(unsigned char *dst, size_t n)');

  G.declareStructs(koffi, gen.structs);

  // Layouts: what the C compiler says, and whether callplan agrees.
  t.equal(structCount(), gen.structs.length, 'struct count');
  const cinfo = gen.structs.map((s) => ({
    size: cSizeof(s.index),
    align: cAlignof(s.index),
    offsets: s.members.map((m, j) => cOffsetof(s.index, j)),
  }));
  let layoutOk = true;
  for (const s of gen.structs) {
    const c = cinfo[s.index];
    const mine = {
      size: koffi.sizeof(s.koffi),
      align: koffi.alignof(s.koffi),
      offsets: s.members.map((m) => koffi.offsetof(s.koffi, m.name)),
    };
    const ok = mine.size === c.size && mine.align === c.align && mine.offsets.every((o, j) => o === c.offsets[j]);
    if (!ok) {
      layoutOk = false;
      const decl = gen.csource.split('\n').find((l) => l.endsWith(` ${s.name};`));
      t.fail(`layout of ${s.name} differs from the C compiler\n  C: ${decl}\n  C layout:  ${JSON.stringify(c)}\n  callplan:  ${JSON.stringify(mine)}`);
    }
  }
  if (layoutOk) t.pass(`all ${gen.structs.length} struct layouts match the C compiler`);

  const vrng = G.mulberry32(seed ^ 0x5bd1e995);
  let passed = 0;
  for (const sig of gen.sigs) {
    for (const variant of ['prototype', 'classic']) {
      const failure = checkCall(sig, variant);
      if (failure) {
        t.fail(`seed 0x${seed.toString(16)} signature ${sig.index} (${variant} syntax): ${sig.proto}`, failure);
        t.comment(`FAILED: ${sig.proto}\n  JS: ${failure.call}\n  ${failure.problems.join('\n  ')}`);
      } else {
        passed++;
      }
    }
  }
  t.equal(passed, gen.sigs.length * 2, `${gen.sigs.length} signatures x 2 declaration syntaxes: every argument and result right`);
  t.end();

  function checkCall(sig, variant) {
    let fn;
    try {
      if (variant === 'prototype') {
        fn = lib.func(sig.proto);
      } else {
        // Mix TypeObjects and type names in the classic form.
        const typ = (x, j) => (x.t === 'struct' ? (j % 2 ? x.s.koffi : x.s.name) : G.ctypeOf(x));
        fn = lib.func(sig.name, typ(sig.ret, 1), sig.args.map((a, j) => typ(a, j)));
      }
    } catch (e) {
      return { prototype: sig.proto, call: '(not called)', problems: [`declaration threw: ${e && e.stack}`] };
    }
    const values = sig.args.map((a) => G.randArg(vrng, a));
    const call = `${sig.name}(${values.map(G.show).join(', ')})`;
    let result;
    try {
      result = fn(...values);
    } catch (e) {
      return { prototype: sig.proto, call, problems: [`call threw: ${e && e.stack}`] };
    }
    const problems = [];
    // Arguments, byte by byte.
    const n = recCount();
    if (n !== sig.args.length) problems.push(`C recorded ${n} arguments, expected ${sig.args.length}`);
    const total = Number(recTotal());
    const rec = Buffer.alloc(total);
    if (total) recCopy(rec, total);
    sig.args.forEach((a, j) => {
      const [want, mask] = G.expectedArgBytes(a, values[j], cinfo);
      const off = Number(recOffset(j));
      const got = rec.subarray(off, off + want.length);
      if (!sameMasked(got, want, mask)) {
        problems.push(`argument ${j + 1} (${G.ctypeOf(a)}) = ${G.show(values[j])}\n      expected bytes: ${hex(want, mask)}\n      C received:     ${hex(got, mask)}`);
      }
    });
    // Result.
    const h = G.argsHash(sig, values);
    if (sig.ret.t === 'void') {
      if (result !== undefined) problems.push(`void result: expected undefined, got ${G.show(result)}`);
    } else if (sig.ret.t === 'scalar') {
      const k = sig.ret.kind;
      const want = G.expectedScalar(k, h, 0);
      const wantJS = B.isFloat(k) ? want : k === 'ptr' ? want : B.jsInt(k, want);
      if (!Object.is(result, wantJS)) problems.push(`result (${G.ctypeOf(sig.ret)}): expected ${G.show(wantJS)}, got ${G.show(result)}`);
    } else {
      const flat = G.flatMembers(sig.ret.s);
      const got = result !== null && typeof result === 'object' ? B.flatten(result) : [result];
      const want = flat.map(([, kind], k) => G.expectedScalar(kind, h, k));
      const norm = got.map((v, k) => (flat[k] ? B.norm(flat[k][1], v) : v));
      const bad = got.length !== want.length || norm.some((v, k) => !Object.is(v, want[k]));
      if (bad) problems.push(`result (${sig.ret.s.name}): expected ${G.show(want)}\n      got ${G.show(result)}`);
    }
    if (!problems.length) return null;
    return { prototype: sig.proto, structs: usedTypedefs(sig), call, problems };
  }
}
