// Byte-level helpers shared by the struct tests: little-endian encoding of scalar values,
// the 32-bit FNV-1a hash used by test/lib/structs.c and the generated differential C code,
// wrapping integer arithmetic and flattening of decoded values.
//
// Scalar kinds: i8 u8 i16 u16 i32 u32 i64 u64 f32 f64 ptr (ptr = an address, BigInt/null).
// The data model is the running process's: LP64, or ILP32 on ia32 (4-byte pointers, and 8-byte
// scalars aligned to 4 in structs).
'use strict';

const ILP32 = process.arch === 'ia32';
const PTR_SIZE = ILP32 ? 4 : 8;
const SIZE = { i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4, i64: 8, u64: 8, f32: 4, f64: 8, ptr: PTR_SIZE, bool: 1 };
/** Natural alignment of a scalar kind inside a struct. */
const ALIGN = (k) => Math.min(SIZE[k], ILP32 ? 4 : 8);
const CTYPE = {
  i8: 'int8_t', u8: 'uint8_t', i16: 'int16_t', u16: 'uint16_t', i32: 'int32_t', u32: 'uint32_t',
  i64: 'int64_t', u64: 'uint64_t', f32: 'float', f64: 'double', ptr: 'void *', bool: 'bool',
};
const isFloat = (k) => k === 'f32' || k === 'f64';
const isInt = (k) => !isFloat(k) && k !== 'ptr' && k !== 'bool';
const bits = (k) => SIZE[k] * 8;
const signed = (k) => k[0] === 'i';

/** Wraps an integer (Number or BigInt) to kind k like a C conversion; returns a BigInt. */
function wrapBig(k, v) {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return signed(k) ? BigInt.asIntN(bits(k), b) : BigInt.asUintN(bits(k), b);
}

/** The JS value callplan/Koffi return for an integer of kind k: Number unless |v| > 2^53. */
function jsInt(k, v) {
  const b = wrapBig(k, v);
  const lim = 2n ** 53n;
  return b >= -lim && b <= lim ? Number(b) : b;
}

/** Writes scalar v of kind k at buf[off] (little endian). */
function writeScalar(buf, off, k, v) {
  switch (k) {
    case 'bool': buf.writeUInt8(v ? 1 : 0, off); break;
    case 'f32': buf.writeFloatLE(v, off); break;
    case 'f64': buf.writeDoubleLE(v, off); break;
    case 'ptr': {
      const u = v === null || v === undefined ? 0n : BigInt.asUintN(PTR_SIZE * 8, BigInt(v));
      for (let i = 0; i < PTR_SIZE; i++) buf[off + i] = Number((u >> BigInt(8 * i)) & 0xffn);
      break;
    }
    default: {
      const n = SIZE[k];
      const u = BigInt.asUintN(n * 8, wrapBig(k, v));
      for (let i = 0; i < n; i++) buf[off + i] = Number((u >> BigInt(8 * i)) & 0xffn);
    }
  }
}

/** Reads a scalar of kind k at buf[off]; integers as BigInt, floats as Number, ptr as BigInt. */
function readScalar(buf, off, k) {
  switch (k) {
    case 'bool': return buf[off] !== 0;
    case 'f32': return buf.readFloatLE(off);
    case 'f64': return buf.readDoubleLE(off);
    case 'ptr': {
      let u = 0n;
      for (let i = PTR_SIZE - 1; i >= 0; i--) u = (u << 8n) | BigInt(buf[off + i]);
      return u;
    }
    default: {
      let u = 0n;
      for (let i = SIZE[k] - 1; i >= 0; i--) u = (u << 8n) | BigInt(buf[off + i]);
      return wrapBig(k, u);
    }
  }
}

function scalarBytes(k, v) {
  const b = Buffer.alloc(SIZE[k]);
  writeScalar(b, 0, k, v);
  return b;
}

function fnv1a(bytes, h = 0x811c9dc5) {
  for (const b of bytes) h = Math.imul((h ^ b) >>> 0, 0x01000193) >>> 0;
  return h >>> 0;
}

/** FNV-1a over the encodings of [[kind, value], ...] in order (what HV() does in C). */
function hashItems(items) {
  let h = 0x811c9dc5;
  for (const [k, v] of items) h = fnv1a(scalarBytes(k, v), h);
  return h;
}

/** Flattens a decoded value: objects by key order, arrays/typed arrays by index. */
function flatten(v, out = []) {
  if (v === null || typeof v !== 'object') out.push(v);
  else if (ArrayBuffer.isView(v) || Array.isArray(v)) for (const x of v) flatten(x, out);
  else for (const key of Object.keys(v)) flatten(v[key], out);
  return out;
}

/** Parses 'i32 f32x3 u8' into ['i32', 'f32', 'f32', 'f32', 'u8']. */
function kinds(spec) {
  const out = [];
  for (const tok of spec.trim().split(/\s+/)) {
    const m = /^([a-z]+\d*)(?:x(\d+))?$/.exec(tok);
    if (!m || !(m[1] in SIZE)) throw new Error(`bad kind '${tok}'`);
    for (let i = 0; i < (m[2] ? Number(m[2]) : 1); i++) out.push(m[1]);
  }
  return out;
}

/** Normalises a decoded scalar of kind k for comparison: integers -> BigInt, floats as is. */
function norm(k, v) {
  if (isInt(k)) return typeof v === 'bigint' || typeof v === 'number' ? wrapBig(k, v) : v;
  if (k === 'ptr') return v === null ? 0n : v;
  return v;
}

module.exports = {
  SIZE, ALIGN, PTR_SIZE, CTYPE, isFloat, isInt, signed, wrapBig, jsInt, writeScalar, readScalar, scalarBytes, fnv1a,
  hashItems, flatten, kinds, norm,
};
