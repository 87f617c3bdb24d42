// Shared set-up for the bad-input cases: the libraries, the types of test/lib/hostile.c, and
// small helpers (guarded buffers with sentinel bytes, FNV-1a, C-style integer truncation,
// a catalogue of hostile JS values). Loaded only inside case-runner children.
'use strict';
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const koffi = require(ROOT);
const paths = require('./env.js').testlibPaths;

let env = null;

function setup() {
  if (env) return env;
  const cptest = koffi.load(paths.cptest);
  const hostile = koffi.load(paths.cphostile);
  const H_Mix = koffi.struct('H_Mix', { c: 'int8_t', i: 'int32_t', d: 'double' });
  const H_Arr = koffi.struct('H_Arr', { n: 'int32_t', vals: koffi.array('int32_t', 4), tag: koffi.array('char', 6) });
  const H_Union = koffi.union('H_Union', { i: 'int32_t', f: 'float', b: koffi.array('uint8_t', 8) });
  const H_Holder = koffi.struct('H_Holder', { p: 'int32_t *', s: 'const char *' });
  env = { koffi, paths, cptest, hostile, types: { H_Mix, H_Arr, H_Union, H_Holder } };
  return env;
}

/**
 * A Buffer of `size` bytes in the middle of a larger one whose other bytes are `fill`:
 * { view, whole, intact() } where intact() returns true, or a string listing the bytes
 * outside the view that changed.
 */
function guarded(size, { pad = 32, fill = 0xa5, content = 0 } = {}) {
  const whole = Buffer.alloc(size + 2 * pad, fill);
  whole.fill(content, pad, pad + size);
  const view = whole.subarray(pad, pad + size);
  return {
    view,
    whole,
    pad,
    intact() {
      const bad = [];
      for (let i = 0; i < whole.length; i++) {
        if ((i < pad || i >= pad + size) && whole[i] !== fill) bad.push(i - pad);
      }
      return bad.length === 0 || `bytes outside the ${size}-byte buffer changed (offsets relative to its start: ${bad.slice(0, 16).join(', ')}${bad.length > 16 ? ', ...' : ''})`;
    },
  };
}

function fnv1a(bytes, h = 0x811c9dc5) {
  for (const b of bytes) h = Math.imul((h ^ b) >>> 0, 0x01000193) >>> 0;
  return h;
}

/** Bytes of a little-endian integer of `size` bytes. */
function intBytes(value, size) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)));
  return b.subarray(0, size);
}

function floatBytes(value, size) {
  const b = Buffer.alloc(size);
  if (size === 4) b.writeFloatLE(value);
  else b.writeDoubleLE(value);
  return b;
}

/** The hash h_mix_hash computes for { c, i, d } (already in range). */
function mixHash({ c = 0, i = 0, d = 0 }) {
  return fnv1a(Buffer.concat([intBytes(c, 1), intBytes(i, 4), floatBytes(d, 8)]));
}

/** The hash h_arr_hash computes: n, vals[4], tag[6] (bytes). */
function arrHash(n, vals, tagBytes) {
  const tag = Buffer.alloc(6);
  Buffer.from(tagBytes).copy(tag, 0, 0, 6);
  return fnv1a(Buffer.concat([intBytes(n, 4), ...[0, 1, 2, 3].map((k) => intBytes(vals[k] || 0, 4)), tag]));
}

/**
 * What a C-style conversion of a JS number or BigInt to an integer of `bits` bits gives:
 * BigInts wrap (two's complement), numbers are truncated toward zero and wrap, and NaN and
 * the infinities become 0. Returned as a BigInt.
 */
function cInt(v, bits, signed) {
  let b;
  if (typeof v === 'bigint') b = v;
  else if (!Number.isFinite(v)) b = 0n;
  else b = BigInt(Math.trunc(v));
  return signed ? BigInt.asIntN(bits, b) : BigInt.asUintN(bits, b);
}

/** A result of a 64-bit C integer as the API returns it: Number up to 2^53, BigInt beyond. */
function jsInt(b) {
  const abs = b < 0n ? -b : b;
  return abs <= 2n ** 53n ? Number(b) : b;
}

function sameInt(result, expected) {
  if (typeof result === 'bigint') return result === expected;
  if (typeof result === 'number') return Number.isInteger(result) && BigInt(result) === expected;
  return false;
}

/** Detached ArrayBuffer (and a view of it created before detaching). */
function detached(bytes = 16) {
  const ab = new ArrayBuffer(bytes);
  const view = new Int32Array(ab);
  if (typeof ab.transfer === 'function') ab.transfer();
  else structuredClone(ab, { transfer: [ab] });
  return { ab, view };
}

class Sentinel extends Error {}

/**
 * The catalogue of hostile values. Each: { name, make(): value, tags: [] }. Values are made
 * fresh for every case. Tags say what a value is for the expectation rules of a case:
 *   nullish, bool, number, nonfinite, bigint, string, symbol, function, object, array, proxy,
 *   throwing (a getter/trap/valueOf throws when touched; make() returns { value, error }),
 *   bufferlike (Buffer, TypedArray, ArrayBuffer, DataView, SharedArrayBuffer), with `bytes`.
 */
function hostileValues() {
  const V = [];
  const add = (name, make, tags, extra = {}) => V.push({ name, make, tags, ...extra });
  add('undefined', () => undefined, ['nullish']);
  add('null', () => null, ['nullish']);
  add('true', () => true, ['bool']);
  add('false', () => false, ['bool']);
  add('0', () => 0, ['number']);
  add('-1', () => -1, ['number']);
  add('1.5', () => 1.5, ['number']);
  add('-0', () => -0, ['number']);
  add('NaN', () => NaN, ['number', 'nonfinite']);
  add('Infinity', () => Infinity, ['number', 'nonfinite']);
  add('-Infinity', () => -Infinity, ['number', 'nonfinite']);
  add('2**64', () => 2 ** 64, ['number']);
  add('-(2**63)-2**12', () => -(2 ** 63) - 2 ** 12, ['number']);
  add('1e300', () => 1e300, ['number']);
  add('Number.MAX_SAFE_INTEGER', () => Number.MAX_SAFE_INTEGER, ['number']);
  add('Number.MIN_VALUE', () => Number.MIN_VALUE, ['number']);
  add('0n', () => 0n, ['bigint']);
  add('-1n', () => -1n, ['bigint', 'bigint-neg']);
  add('2n**63n', () => 2n ** 63n, ['bigint']);
  add('2n**64n', () => 2n ** 64n, ['bigint', 'bigint-huge']);
  add('2n**64n+5n', () => 2n ** 64n + 5n, ['bigint', 'bigint-huge']);
  add('-(2n**200n)-3n', () => -(2n ** 200n) - 3n, ['bigint', 'bigint-huge', 'bigint-neg']);
  add('2n**1000n', () => 2n ** 1000n, ['bigint', 'bigint-huge']);
  add("''", () => '', ['string']);
  add("'12'", () => '12', ['string']);
  add("'abc'", () => 'abc', ['string']);
  add('Symbol()', () => Symbol('hostile'), ['symbol']);
  add('{}', () => ({}), ['object']);
  add('{ a: 1 }', () => ({ a: 1 }), ['object']);
  add('Object.create(null)', () => Object.create(null), ['object']);
  add('[]', () => [], ['array']);
  add('[1, 2]', () => [1, 2], ['array']);
  add("['x']", () => ['x'], ['array']);
  add('() => 1', () => () => 1, ['function']);
  add('class {}', () => class {}, ['function']);
  add('new Date(0)', () => new Date(0), ['object', 'exotic']);
  add('/re/', () => /re/, ['object', 'exotic']);
  add('new Map()', () => new Map(), ['object', 'exotic']);
  add('Promise.resolve(1)', () => Promise.resolve(1), ['object', 'exotic']);
  add('new Number(5)', () => new Number(5), ['object', 'exotic', 'boxed']);
  add("new String('s')", () => new String('s'), ['object', 'exotic', 'boxed']);
  add('Object(5n)', () => Object(5n), ['object', 'exotic', 'boxed']);
  add('new WeakRef({})', () => new WeakRef({}), ['object', 'exotic']);
  add('new Proxy({}, {})', () => new Proxy({}, {}), ['object', 'proxy']);
  add('new Proxy([], {})', () => new Proxy([], {}), ['object', 'proxy']);
  add('revoked Proxy', () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  }, ['object', 'proxy', 'revoked']);
  add('Proxy whose traps throw', () => {
    const error = new Sentinel('proxy trap');
    const handler = new Proxy({}, { get: () => () => { throw error; } });
    return { value: new Proxy({}, handler), error };
  }, ['object', 'proxy', 'throwing']);
  add('object whose getters throw', () => {
    const error = new Sentinel('getter');
    const o = {};
    for (const k of ['a', 'c', 'i', 'd', 'n', 'vals', 'tag', 'f', 'b', 'p', 's', 'x', 'y', 'valueOf', 'toString', Symbol.toPrimitive]) {
      Object.defineProperty(o, k, { get() { throw error; }, enumerable: typeof k === 'string' });
    }
    return { value: o, error };
  }, ['object', 'throwing']);
  add('object whose valueOf throws', () => {
    const error = new Sentinel('valueOf');
    return { value: { valueOf() { throw error; }, toString() { throw error; } }, error };
  }, ['object', 'throwing-coercion']);
  add('array whose element getter throws', () => {
    const error = new Sentinel('element getter');
    const a = [0, 0];
    Object.defineProperty(a, 0, { get() { throw error; } });
    return { value: a, error };
  }, ['array', 'throwing']);
  add('Buffer.alloc(0)', () => Buffer.alloc(0), ['bufferlike'], { bytes: 0 });
  add('Buffer.alloc(1)', () => Buffer.alloc(1), ['bufferlike'], { bytes: 1 });
  add('Buffer.alloc(3)', () => Buffer.alloc(3), ['bufferlike'], { bytes: 3 });
  add('Buffer.alloc(64)', () => Buffer.alloc(64), ['bufferlike'], { bytes: 64 });
  add('new ArrayBuffer(0)', () => new ArrayBuffer(0), ['bufferlike'], { bytes: 0 });
  add('new ArrayBuffer(64)', () => new ArrayBuffer(64), ['bufferlike'], { bytes: 64 });
  add('detached ArrayBuffer', () => detached().ab, ['bufferlike', 'detached'], { bytes: 0 });
  add('Int32Array of a detached buffer', () => detached().view, ['bufferlike', 'detached'], { bytes: 0 });
  add('new SharedArrayBuffer(64)', () => new SharedArrayBuffer(64), ['bufferlike', 'shared'], { bytes: 64 });
  add('new SharedArrayBuffer(2)', () => new SharedArrayBuffer(2), ['bufferlike', 'shared'], { bytes: 2 });
  add('Int32Array over a SharedArrayBuffer', () => new Int32Array(new SharedArrayBuffer(64)), ['bufferlike', 'shared'], { bytes: 64 });
  add('new DataView(new ArrayBuffer(2))', () => new DataView(new ArrayBuffer(2)), ['bufferlike'], { bytes: 2 });
  add('new DataView(new ArrayBuffer(64))', () => new DataView(new ArrayBuffer(64)), ['bufferlike'], { bytes: 64 });
  add('new Int8Array(1)', () => new Int8Array(1), ['bufferlike', 'typed'], { bytes: 1 });
  add('new Uint16Array(1)', () => new Uint16Array(1), ['bufferlike', 'typed'], { bytes: 2 });
  add('new Float32Array(16)', () => new Float32Array(16), ['bufferlike', 'typed'], { bytes: 64 });
  add('new Float64Array(8)', () => new Float64Array(8), ['bufferlike', 'typed'], { bytes: 64 });
  add('new BigInt64Array(8)', () => new BigInt64Array(8), ['bufferlike', 'typed'], { bytes: 64 });
  add('new Int32Array(0)', () => new Int32Array(0), ['bufferlike', 'typed'], { bytes: 0 });
  add('Int32Array over the end of a buffer (subarray)', () => new Int32Array(new ArrayBuffer(64), 60, 1), ['bufferlike', 'typed'], { bytes: 4 });
  add('resizable ArrayBuffer shrunk to 0', () => {
    if (typeof ArrayBuffer.prototype.resize !== 'function') return new ArrayBuffer(0);
    const ab = new ArrayBuffer(64, { maxByteLength: 128 });
    ab.resize(0);
    return ab;
  }, ['bufferlike'], { bytes: 0 });
  add('length-tracking Int32Array of a buffer shrunk to 0', () => {
    if (typeof ArrayBuffer.prototype.resize !== 'function') return new Int32Array(0);
    const ab = new ArrayBuffer(64, { maxByteLength: 128 });
    const view = new Int32Array(ab);
    ab.resize(0);
    return view;
  }, ['bufferlike'], { bytes: 0 });
  add('Int32Array(16) out of bounds after its buffer shrank', () => {
    if (typeof ArrayBuffer.prototype.resize !== 'function') return new Int32Array(0);
    const ab = new ArrayBuffer(64, { maxByteLength: 128 });
    const view = new Int32Array(ab, 0, 16);
    ab.resize(8);
    return view;
  }, ['bufferlike'], { bytes: 0 });
  return V;
}

/** make() of a catalogue value: { value, error? } whatever the form. */
function instantiate(entry) {
  const made = entry.make();
  if (entry.tags.includes('throwing') || entry.tags.includes('throwing-coercion')) return made;
  return { value: made };
}

module.exports = {
  ROOT, koffi, paths, setup, guarded, fnv1a, intBytes, floatBytes, mixHash, arrHash, cInt, jsInt, sameInt,
  detached, hostileValues, instantiate, Sentinel,
};
