// Generator for test/differential.test.js: from a seed, random struct types (some packed,
// some with over-aligned members, nested structs and arrays, up to ~24 bytes) and random
// function signatures (0..16 arguments of scalars and structs, scalar/struct/void results),
// the C source implementing them, and the JS side: koffi declarations, random values, the
// expected argument bytes (from the layouts the C compiler reports) and expected results.
//
// Every generated C function records the raw bytes of each argument it received into a
// global buffer (rec_count/rec_offset/rec_copy), hashes every member byte (FNV-1a, as in
// test/lib/structs.c) and derives its result from that hash:
//   integer of kind K at flattened position k:  (K)(h * 0x9E3779B97F4A7C15 + k)   (mod 2^64)
//   float/double at k:                          ((h >> (k & 7)) & 0xfffff) * 0.25 - 1000
//   pointer at k:                               (void *)((h * 0x9E3779B97F4A7C15 + k) | 1)
// A scalar result uses k = 0; a struct result numbers its flattened members from 0.
'use strict';
const B = require('./bytes.js');

function mulberry32(seed) {
  let a = seed >>> 0;
  return function rng() {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = ['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'f32', 'f64', 'ptr'];
// Struct members lean towards floats so SSE and mixed eightbytes are common.
const MEMBER_KINDS = ['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'f32', 'f32', 'f32', 'f64', 'f64', 'ptr'];
const ARRAY_KINDS = ['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'f32', 'f32', 'f64'];

const alignUp = (n, a) => Math.ceil(n / a) * a;

/** Natural layout computed in JS (only used to bound the generated sizes). */
function jsLayout(s) {
  let off = 0;
  let align = 1;
  const offsets = [];
  for (const m of s.members) {
    const natural = memberAlign(m);
    const a = s.packed ? (m.align || 1) : Math.max(natural, m.align || 1);
    off = alignUp(off, a);
    offsets.push(off);
    off += memberSize(m);
    align = Math.max(align, a);
  }
  return { size: alignUp(off, align), align, offsets };
}

function memberSize(m) {
  if (m.t === 'scalar') return B.SIZE[m.kind];
  if (m.t === 'array') return B.SIZE[m.kind] * m.len;
  return m.s.layout.size;
}

function memberAlign(m) {
  if (m.t === 'struct') return m.s.layout.align;
  return B.ALIGN(m.kind);
}

// Canonical member lists, one per ABI class of interest, always in the pool.
const CANONICAL = [
  { members: ['i64', 'i64'] }, // II
  { members: ['i64', 'f64'] }, // IS
  { members: ['f64', 'i64'] }, // SI
  { members: ['f64', 'f64'] }, // SS
  { members: ['f32', 'f32'] }, // float pair
  { members: ['f32', 'f32', 'f32'] }, // three floats
  { members: ['i32', 'f32'] }, // int and float in one eightbyte
  { members: ['i8', 'i16', 'f32', 'f64'] }, // mixed, SSE
  { members: ['f32', 'f32', 'i32', 'i8'] }, // SSE, INTEGER
  { members: ['i64', 'i64', 'i64'] }, // MEMORY
  { members: ['f64', 'f32', 'f64'] }, // MEMORY of floats
  { members: ['u8', 'i32'], packed: true }, // packed, misaligned: MEMORY
  { members: ['f32', 'u8', 'f32'], packed: true }, // packed, misaligned floats: MEMORY
  { members: ['i32', 'i32'], packed: true }, // packed but aligned
  { members: ['u8'] }, // 1 byte
  { members: ['u16', 'u8'] }, // 3 bytes + pad
  { members: ['i32'], aligns: [16] }, // 16 bytes, INTEGER + padding-only eightbyte: one register
  { members: ['f32'], aligns: [16] }, // 16 bytes, SSE + padding-only eightbyte: one register
  { members: ['f64', 'i32'], aligns: [16] }, // 16 bytes, alignment 16, SSE + INTEGER
];

function generate(seed, count) {
  const rng = mulberry32(seed);
  const int = (n) => Math.floor(rng() * n);
  const pick = (arr) => arr[int(arr.length)];
  const prefix = `D${seed.toString(16)}`;
  const structs = [];

  function addStruct(members, packed) {
    const s = { name: `${prefix}_S${structs.length}`, index: structs.length, packed, members };
    s.layout = jsLayout(s);
    structs.push(s);
    return s;
  }

  for (const c of CANONICAL) {
    addStruct(c.members.map((kind, i) => ({ name: `m${i}`, t: 'scalar', kind, ...(c.aligns && c.aligns[i] ? { align: c.aligns[i] } : {}) })), !!c.packed);
  }
  // Random structs; nested ones can only use earlier (smaller) structs.
  const nRandom = 28;
  while (structs.length < CANONICAL.length + nRandom) {
    const packed = rng() < 0.2;
    const n = 1 + int(6);
    const members = [];
    for (let i = 0; i < n; i++) {
      const r = rng();
      const m = { name: `m${i}` };
      if (r < 0.15) {
        const nested = structs.filter((s) => s.layout.size <= 16);
        Object.assign(m, { t: 'struct', s: pick(nested) });
      } else if (r < 0.3) {
        const kind = pick(ARRAY_KINDS);
        Object.assign(m, { t: 'array', kind, len: 1 + int(Math.max(1, Math.min(4, Math.floor(16 / B.SIZE[kind])))) });
      } else {
        Object.assign(m, { t: 'scalar', kind: pick(MEMBER_KINDS) });
      }
      // Occasionally an over-aligned member (aligned(n) attribute / [n, type]).
      if (m.t !== 'struct' && rng() < 0.07) {
        const natural = memberAlign(m);
        const choices = [2, 4, 8, 16].filter((a) => a > natural || (packed && a >= natural));
        if (choices.length) m.align = pick(choices);
      }
      members.push(m);
    }
    const trial = { packed, members };
    const lay = jsLayout(trial);
    if (lay.size > 24 || lay.size === 0) continue;
    addStruct(members, packed);
  }

  const sigs = [];
  for (let i = 0; i < count; i++) {
    const nargs = int(17);
    const args = [];
    for (let j = 0; j < nargs; j++) {
      if (rng() < 0.3) args.push({ t: 'struct', s: pick(structs) });
      else args.push({ t: 'scalar', kind: pick(SCALARS) });
    }
    const r = rng();
    let ret;
    if (r < 0.2) ret = { t: 'void' };
    else if (r < 0.6) ret = { t: 'scalar', kind: pick(SCALARS) };
    else ret = { t: 'struct', s: pick(structs) };
    const sig = { name: `${prefix.toLowerCase()}_f${i}`, index: i, args, ret };
    sig.proto = `${ctypeOf(ret)} ${sig.name}(${args.length ? args.map((a, j) => `${ctypeOf(a)} a${j}`).join(', ') : 'void'})`;
    sigs.push(sig);
  }
  return { seed, prefix, rng, structs, sigs, csource: cSource(prefix, structs, sigs) };
}

function ctypeOf(x) {
  if (x.t === 'void') return 'void';
  if (x.t === 'struct') return x.s.name;
  return B.CTYPE[x.kind];
}

/** Flattened (C lvalue suffix, kind) list of a struct, in declaration order. */
function flatMembers(s, path = '') {
  const out = [];
  for (const m of s.members) {
    const p = `${path}.${m.name}`;
    if (m.t === 'scalar') out.push([p, m.kind]);
    else if (m.t === 'array') for (let i = 0; i < m.len; i++) out.push([`${p}[${i}]`, m.kind]);
    else out.push(...flatMembers(m.s, p));
  }
  return out;
}

function cSource(prefix, structs, sigs) {
  const L = [];
  L.push('#include <stddef.h>', '#include <stdint.h>', '#include <string.h>', '');
  L.push('static unsigned char g_rec[1 << 16];', 'static size_t g_off[64];', 'static int g_n;', 'static size_t g_pos;');
  L.push('static void rec(const void *p, size_t n) { g_off[g_n++] = g_pos; memcpy(g_rec + g_pos, p, n); g_pos += n; }');
  L.push('int rec_count(void) { return g_n; }');
  L.push('size_t rec_offset(int i) { return i >= 0 && i < g_n ? g_off[i] : (size_t)-1; }');
  L.push('size_t rec_total(void) { return g_pos; }');
  L.push('void rec_copy(unsigned char *dst, size_t n) { memcpy(dst, g_rec, n < g_pos ? n : g_pos); }');
  L.push('static uint32_t fnv(uint32_t h, const void *p, size_t n) { const unsigned char *b = p; for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x01000193u; return h; }');
  L.push('#define HV(x) do { __typeof__(x) t_ = (x); h = fnv(h, &t_, sizeof t_); } while (0)');
  L.push('#define REC(x) rec(&(x), sizeof(x))');
  L.push('static uint64_t derive(uint32_t h, unsigned k) { return (uint64_t)h * 0x9E3779B97F4A7C15ull + k; }');
  L.push('static double derive_f(uint32_t h, unsigned k) { return (double)((h >> (k & 7)) & 0xfffff) * 0.25 - 1000.0; }');
  L.push('');
  for (const s of structs) {
    const members = s.members.map((m) => {
      const al = m.align ? ` __attribute__((aligned(${m.align})))` : '';
      if (m.t === 'scalar') return `${B.CTYPE[m.kind]} ${m.name}${al};`;
      if (m.t === 'array') return `${B.CTYPE[m.kind]} ${m.name}[${m.len}]${al};`;
      return `${m.s.name} ${m.name};`;
    });
    L.push(`typedef struct${s.packed ? ' __attribute__((packed))' : ''} { ${members.join(' ')} } ${s.name};`);
  }
  L.push('');
  L.push(`int ${prefix}_struct_count(void) { return ${structs.length}; }`);
  L.push(`size_t ${prefix}_sizeof(int i) { switch (i) {`);
  for (const s of structs) L.push(`  case ${s.index}: return sizeof(${s.name});`);
  L.push('  default: return (size_t)-1; } }');
  L.push(`size_t ${prefix}_alignof(int i) { switch (i) {`);
  for (const s of structs) L.push(`  case ${s.index}: return _Alignof(${s.name});`);
  L.push('  default: return (size_t)-1; } }');
  L.push(`size_t ${prefix}_offsetof(int i, int m) { switch (i * 64 + m) {`);
  for (const s of structs) {
    s.members.forEach((m, j) => L.push(`  case ${s.index * 64 + j}: return offsetof(${s.name}, ${m.name});`));
  }
  L.push('  default: return (size_t)-1; } }');
  L.push('');
  const value = (kind, k) => {
    if (B.isFloat(kind)) return `(${B.CTYPE[kind]})derive_f(h, ${k})`;
    if (kind === 'ptr') return `(void *)(uintptr_t)(derive(h, ${k}) | 1)`;
    return `(${B.CTYPE[kind]})derive(h, ${k})`;
  };
  for (const sig of sigs) {
    L.push(`${sig.proto} {`);
    L.push('  uint32_t h = 0x811c9dc5u;');
    L.push('  g_n = 0; g_pos = 0;');
    sig.args.forEach((a, j) => {
      L.push(`  REC(a${j});`);
      if (a.t === 'scalar') L.push(`  HV(a${j});`);
      else for (const [p] of flatMembers(a.s)) L.push(`  HV(a${j}${p});`);
    });
    if (sig.ret.t === 'scalar') L.push(`  return ${value(sig.ret.kind, 0)};`);
    else if (sig.ret.t === 'struct') {
      L.push(`  ${sig.ret.s.name} r;`, '  memset(&r, 0, sizeof r);');
      flatMembers(sig.ret.s).forEach(([p, kind], k) => L.push(`  r${p} = ${value(kind, k)};`));
      L.push('  return r;');
    } else {
      L.push('  (void)h;');
    }
    L.push('}');
  }
  return `${L.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------
// JS side
// ---------------------------------------------------------------------------------------

/** Declares the structs with koffi (in order: nested ones first). */
function declareStructs(koffi, structs) {
  for (const s of structs) {
    const members = {};
    for (const m of s.members) {
      let type;
      if (m.t === 'scalar') type = B.CTYPE[m.kind];
      else if (m.t === 'array') type = koffi.array(B.CTYPE[m.kind], m.len);
      else type = m.s.koffi;
      members[m.name] = m.align ? [m.align, type] : type;
    }
    s.koffi = s.packed ? koffi.pack(s.name, members) : koffi.struct(s.name, members);
  }
}

function randScalar(rng, kind) {
  const r = rng();
  const int = (lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));
  switch (kind) {
    case 'i8': return r < 0.1 ? pickOf(rng, [-128, 127, -1, 0]) : int(-128, 127);
    case 'u8': return r < 0.1 ? pickOf(rng, [0, 255]) : int(0, 255);
    case 'i16': return r < 0.1 ? pickOf(rng, [-32768, 32767, -1]) : int(-32768, 32767);
    case 'u16': return r < 0.1 ? pickOf(rng, [0, 65535]) : int(0, 65535);
    case 'i32': {
      if (r < 0.1) return pickOf(rng, [-2147483648, 2147483647, -1]);
      const v = int(-2147483648, 2147483647);
      return r < 0.2 ? BigInt(v) : v;
    }
    case 'u32': return r < 0.1 ? pickOf(rng, [0, 4294967295, 0x80000000]) : int(0, 4294967295);
    case 'i64': case 'u64': {
      if (r < 0.1) return kind === 'i64' ? pickOf(rng, [-(2n ** 63n), 2n ** 63n - 1n, -1n]) : pickOf(rng, [0n, 2n ** 64n - 1n, 2n ** 63n]);
      if (r < 0.45) return int(-(2 ** 31), 2 ** 31) * (kind === 'u64' ? 0 : 1) + int(0, 2 ** 20) * 2 ** 21; // safe Number
      const hi = BigInt(int(0, 2 ** 32 - 1));
      const lo = BigInt(int(0, 2 ** 32 - 1));
      return B.wrapBig(kind, (hi << 32n) | lo);
    }
    case 'f32': {
      if (r < 0.08) return pickOf(rng, [-0, Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45, 1]);
      return Math.fround((rng() - 0.5) * 10 ** int(-4, 7));
    }
    case 'f64': {
      if (r < 0.08) return pickOf(rng, [-0, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 0.1]);
      return (rng() - 0.5) * 10 ** int(-20, 20);
    }
    case 'ptr': {
      if (r < 0.15) return null;
      const v = (BigInt(int(0, 2 ** 32 - 1)) << 32n) | BigInt(int(1, 2 ** 32 - 1));
      return BigInt.asUintN(8 * B.PTR_SIZE, v) || 1n;
    }
    default: throw new Error(kind);
  }
}

function pickOf(rng, arr) {
  return arr[Math.floor(rng() * arr.length)];
}

const TYPED = { i8: Int8Array, u8: Uint8Array, i16: Int16Array, u16: Uint16Array, i32: Int32Array, u32: Uint32Array, i64: BigInt64Array, f32: Float32Array, f64: Float64Array };

/** A random JS value for a struct (every member present). */
function randStruct(rng, s) {
  const v = {};
  for (const m of s.members) {
    if (m.t === 'scalar') v[m.name] = randScalar(rng, m.kind);
    else if (m.t === 'struct') v[m.name] = randStruct(rng, m.s);
    else {
      const els = [];
      for (let i = 0; i < m.len; i++) els.push(randScalar(rng, m.kind));
      if (rng() < 0.3) {
        const TA = TYPED[m.kind];
        v[m.name] = TA === BigInt64Array ? TA.from(els.map((x) => B.wrapBig('i64', x))) : TA.from(els.map(Number));
      } else {
        v[m.name] = els;
      }
    }
  }
  return v;
}

function randArg(rng, a) {
  return a.t === 'scalar' ? randScalar(rng, a.kind) : randStruct(rng, a.s);
}

/** Flattened [kind, value] items of a struct value, in declaration order. */
function flatItems(s, v, out = []) {
  for (const m of s.members) {
    const x = v[m.name];
    if (m.t === 'scalar') out.push([m.kind, x]);
    else if (m.t === 'array') for (let i = 0; i < m.len; i++) out.push([m.kind, m.kind === 'i64' || m.kind === 'u64' ? x[i] : Number(x[i])]);
    else flatItems(m.s, x, out);
  }
  return out;
}

/** The hash the C function computes over all its arguments. */
function argsHash(sig, values) {
  const items = [];
  sig.args.forEach((a, j) => {
    if (a.t === 'scalar') items.push([a.kind, values[j]]);
    else flatItems(a.s, values[j], items);
  });
  return B.hashItems(items);
}

function deriveInt(h, k) {
  return BigInt.asUintN(64, BigInt(h) * 0x9E3779B97F4A7C15n + BigInt(k));
}

function deriveFloat(kind, h, k) {
  const v = (((h >>> (k & 7)) & 0xfffff) * 0.25) - 1000;
  return kind === 'f32' ? Math.fround(v) : v;
}

/** Expected scalar (k-th flattened position) in comparison form (see B.norm). */
function expectedScalar(kind, h, k) {
  if (B.isFloat(kind)) return deriveFloat(kind, h, k);
  if (kind === 'ptr') return BigInt.asUintN(8 * B.PTR_SIZE, deriveInt(h, k) | 1n);
  return B.wrapBig(kind, deriveInt(h, k));
}

/**
 * Encodes a struct value at buf[base] with the C layout (cinfo[s.index] = { size, offsets });
 * marks the member bytes in mask.
 */
function encodeStruct(s, v, buf, mask, base, cinfo) {
  const info = cinfo[s.index];
  s.members.forEach((m, i) => {
    const off = base + info.offsets[i];
    const x = v[m.name];
    if (m.t === 'scalar') {
      B.writeScalar(buf, off, m.kind, x);
      mask.fill(1, off, off + B.SIZE[m.kind]);
    } else if (m.t === 'array') {
      for (let j = 0; j < m.len; j++) {
        const el = m.kind === 'i64' || m.kind === 'u64' ? x[j] : Number(x[j]);
        B.writeScalar(buf, off + j * B.SIZE[m.kind], m.kind, el);
      }
      mask.fill(1, off, off + m.len * B.SIZE[m.kind]);
    } else {
      encodeStruct(m.s, x, buf, mask, off, cinfo);
    }
  });
}

/** [bytes, mask] that argument a with value v must have arrived as. */
function expectedArgBytes(a, v, cinfo) {
  if (a.t === 'scalar') {
    const b = B.scalarBytes(a.kind, v);
    return [b, Buffer.alloc(b.length, 1)];
  }
  const size = cinfo[a.s.index].size;
  const buf = Buffer.alloc(size);
  const mask = Buffer.alloc(size);
  encodeStruct(a.s, v, buf, mask, 0, cinfo);
  return [buf, mask];
}

function show(v) {
  return JSON.stringify(v, (k, x) => {
    if (typeof x === 'bigint') return `${x}n`;
    if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
    if (Object.is(x, -0)) return '-0';
    if (ArrayBuffer.isView(x)) return `${x.constructor.name}[${Array.from(x, (e) => (typeof e === 'bigint' ? `${e}n` : e)).join(', ')}]`;
    return x;
  });
}

module.exports = {
  mulberry32, generate, declareStructs, randArg, argsHash, expectedScalar, flatMembers, expectedArgBytes, ctypeOf, show,
};
