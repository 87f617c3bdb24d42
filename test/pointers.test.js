// Pointers as BigInt/null, JS memory (Buffer, TypedArray, ArrayBuffer, DataView) passed as
// pointers, exported variables through lib.symbol(), and errno.
'use strict';
const t = require('tap');
const os = require('os');
const koffi = require('..');
const { testlibPaths: paths } = require('./support/env.js');

const lib = koffi.load(paths.cptest);

const TWO53 = 2n ** 53n;
const toJS = (b) => (b >= -TWO53 && b <= TWO53 ? Number(b) : b);
// Pointer width of the data model: 64 bits (LP64) or 32 (ILP32, ia32).
const PTR_BITS = 8 * koffi.sizeof('void *');
const PTR_SPAN = 2n ** BigInt(PTR_BITS);

const ptrAdd = lib.func('void *ptr_add(void *p, intptr_t delta)');
const ptrDiff = lib.func('intptr_t ptr_diff(const void *a, const void *b)');
const ptrToInt = lib.func('intptr_t ptr_to_int(void *p)');
const uptrToInt = lib.func('ptr_to_int', 'uintptr_t', ['void *']);
const intToPtr = lib.func('void *int_to_ptr(intptr_t v)');
const ptrNull = lib.func('void *ptr_null(void)');
const ptrIsNull = lib.func('int ptr_is_null(void *p)');
const ptrEqual = lib.func('int ptr_equal(const void *a, const void *b)');
const ptrAligned = lib.func('int ptr_aligned(const void *p, size_t align)');
const fillBytes = lib.func('void fill_bytes(void *p, int byte, size_t n)');
const sumBytes = lib.func('unsigned int sum_bytes(const unsigned char *p, size_t n)');
const copyBytes = lib.func('void copy_bytes(void *dst, const void *src, size_t n)');
const readI32 = lib.func('int read_i32_at(const int *p)');
const writeI32 = lib.func('void write_i32_at(int *p, int v)');
const readI64 = lib.func('long long read_i64_at(const long long *p)');
const writeI64 = lib.func('void write_i64_at(long long *p, long long v)');
const readU8 = lib.func('uint8_t read_u8_at(const uint8_t *p)');
const writeU8 = lib.func('void write_u8_at(uint8_t *p, uint8_t v)');
const readDouble = lib.func('double read_double_at(const double *p)');
const writeDouble = lib.func('void write_double_at(double *p, double v)');
const readFloat = lib.func('float read_float_at(const float *p)');
const writeFloat = lib.func('void write_float_at(float *p, float v)');
const readPtr = lib.func('void *read_ptr_at(void *const *p)');
const writePtr = lib.func('void write_ptr_at(void **p, void *v)');

t.test('pointer values: BigInt and null round trips', (t) => {
  t.equal(ptrNull(), null, 'NULL comes back as null');
  t.equal(intToPtr(0), null);
  t.equal(ptrToInt(null), 0);
  t.equal(ptrToInt(undefined), 0, 'undefined is NULL');
  t.equal(ptrIsNull(null), 1);
  t.equal(ptrIsNull(0n), 1, '0n is NULL');
  t.equal(ptrIsNull(1n), 0);
  t.equal(ptrAdd(null, 0), null);
  const wide = [0x7fffffffffffn, 0x123456789abcdef0n, 2n ** 63n, 2n ** 64n - 16n];
  const addrs = PTR_BITS === 64 ? [0x1000n, 0xdeadbeefn, ...wide, 1n] : [0x1000n, 0xdeadbeefn, 0x7fffffffn, 2n ** 31n, 2n ** 32n - 16n, 1n];
  for (const a of addrs) {
    const back = intToPtr(BigInt.asIntN(PTR_BITS, a));
    t.equal(typeof back, 'bigint', `int_to_ptr(${a}) is a BigInt`);
    t.equal(back, a, `int_to_ptr(${a})`);
    t.equal(ptrToInt(a), toJS(BigInt.asIntN(PTR_BITS, a)), `ptr_to_int(${a}) as intptr_t`);
    t.equal(uptrToInt(a), toJS(a), `ptr_to_int(${a}) as uintptr_t`);
    for (const d of [0, 1, -1, 4096, -4096]) {
      const want = BigInt.asUintN(PTR_BITS, a + BigInt(d));
      t.equal(ptrAdd(a, d), want === 0n ? null : want, `ptr_add(${a}, ${d})`);
    }
    t.equal(ptrDiff(BigInt.asUintN(PTR_BITS, a + 40n), a), 40);
    t.equal(ptrEqual(a, a), 1);
    t.equal(ptrEqual(a, BigInt.asUintN(PTR_BITS, a + 8n)), 0);
  }
  t.equal(ptrAdd(0x10n, -0x20), PTR_SPAN - 16n, 'wraps like C pointer arithmetic');
  t.equal(ptrAligned(0x1000n, 4096), 1);
  t.equal(ptrAligned(0x1004n, 8), 0);
  // An address is a BigInt from 0 to 2^64-1: wider or negative ones are refused, not wrapped.
  t.throws(() => ptrToInt(2n ** 64n + 5n), TypeError, 'BigInt beyond 64 bits is a TypeError');
  t.throws(() => ptrToInt(-1n), TypeError, 'a negative BigInt is a TypeError');
  if (PTR_BITS === 32) {
    // A 64-bit address does not fit a 32-bit pointer: refused with a RangeError, never truncated.
    for (const a of [2n ** 32n, ...wide]) {
      t.throws(() => ptrToInt(a), RangeError, `ptr_to_int(${a}) is a RangeError`);
      t.throws(() => ptrEqual(0n, a), { name: 'RangeError', message: /argument 2/ }, `ptr_equal(0n, ${a}) names argument 2`);
    }
  }
  t.end();
});

const TYPED = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array,
  Float64Array, BigInt64Array, BigUint64Array];
if (typeof Float16Array === 'function') TYPED.push(Float16Array);

t.test('TypedArrays of every element type, with byteOffset subarrays', (t) => {
  for (const TA of TYPED) {
    const n = 16;
    const arr = new TA(n);
    const bytesOf = (ta) => new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength);
    const base = koffi.address(arr);
    t.equal(typeof base, 'bigint', `${TA.name}: address is a BigInt`);
    t.equal(uptrToInt(arr), toJS(base), `${TA.name}: C sees koffi.address()`);
    for (const off of [0, 1, 3]) {
      const sub = arr.subarray(off, off + 8);
      t.equal(koffi.address(sub), base + BigInt(off * TA.BYTES_PER_ELEMENT), `${TA.name}.subarray(${off}) address`);
      t.equal(ptrDiff(sub, arr), off * TA.BYTES_PER_ELEMENT, `${TA.name}.subarray(${off}) in C`);
      bytesOf(arr).fill(0);
      fillBytes(sub, 0xa5, sub.byteLength);
      const all = bytesOf(arr);
      const start = off * TA.BYTES_PER_ELEMENT;
      let ok = true;
      for (let i = 0; i < all.length; i++) {
        const inside = i >= start && i < start + sub.byteLength;
        if (all[i] !== (inside ? 0xa5 : 0)) ok = false;
      }
      t.ok(ok, `${TA.name}.subarray(${off}): fill_bytes wrote exactly its bytes`);
      const view = bytesOf(arr);
      for (let i = 0; i < view.length; i++) view[i] = (i * 37 + 11) & 0xff;
      let want = 0;
      for (const b of bytesOf(sub)) want += b;
      t.equal(sumBytes(sub, sub.byteLength), want, `${TA.name}.subarray(${off}): sum_bytes`);
    }
  }
  t.end();
});

t.test('ArrayBuffer, DataView and Buffer as pointers', (t) => {
  const ab = new ArrayBuffer(32);
  const u8 = new Uint8Array(ab);
  fillBytes(ab, 7, 32);
  t.ok(u8.every((b) => b === 7), 'ArrayBuffer filled');
  t.equal(koffi.address(ab), koffi.address(u8), 'ArrayBuffer address is its data');
  const dv = new DataView(ab, 4, 8);
  fillBytes(dv, 1, 8);
  t.same([...u8.subarray(0, 14)], [7, 7, 7, 7, 1, 1, 1, 1, 1, 1, 1, 1, 7, 7], 'DataView with byteOffset');
  t.equal(koffi.address(dv), koffi.address(ab) + 4n);
  t.equal(ptrDiff(dv, ab), 4);
  const buf = Buffer.alloc(24);
  writeI32(buf.subarray(8), -123456);
  t.equal(buf.readInt32LE(8), -123456);
  t.equal(readI32(buf.subarray(8)), -123456);
  writeI64(buf, -(2n ** 62n) - 3n);
  t.equal(buf.readBigInt64LE(0), -(2n ** 62n) - 3n);
  t.equal(readI64(buf), -(2n ** 62n) - 3n);
  writeDouble(buf.subarray(16), Math.PI);
  t.equal(buf.readDoubleLE(16), Math.PI);
  t.equal(readDouble(buf.subarray(16)), Math.PI);
  writeU8(buf.subarray(3), 0x1ff);
  t.equal(buf[3], 0xff, 'uint8_t value truncated like C');
  t.equal(readU8(buf.subarray(3)), 0xff);
  writeFloat(dv, 0.1);
  t.equal(dv.getFloat32(0, true), Math.fround(0.1));
  t.equal(readFloat(dv), Math.fround(0.1));
  // The memory is shared with JS: C reads what JS wrote.
  const src = Buffer.from('0123456789');
  const dst = Buffer.alloc(10);
  copyBytes(dst, src.subarray(2), 5);
  t.equal(dst.toString('latin1', 0, 5), '23456');
  copyBytes(koffi.address(dst) + 5n, koffi.address(src), 5);
  t.equal(dst.toString('latin1'), '2345601234', 'BigInt addresses of Buffers work as pointers');
  t.equal(koffi.address(buf), BigInt(uptrToInt(buf)));
  t.equal(koffi.address(buf.subarray(5)), koffi.address(buf) + 5n);
  t.equal(koffi.address(0x1234n), 0x1234n, 'address of a BigInt is itself');
  t.end();
});

t.test('write_i32_at / read on an Int32Array and other typed access', (t) => {
  const a = new Int32Array(8);
  for (let i = 0; i < 8; i++) writeI32(a.subarray(i), i * i - 10);
  t.same([...a], Array.from({ length: 8 }, (_, i) => i * i - 10));
  for (let i = 0; i < 8; i++) t.equal(readI32(a.subarray(i)), i * i - 10);
  for (let i = 0; i < 8; i++) writeI32(koffi.address(a) + BigInt(4 * i), -i);
  t.same([...a], Array.from({ length: 8 }, (_, i) => -i || 0));
  const sum32 = lib.func('long long sum_i32_array(const int32_t *a, size_t n)');
  const i32 = Int32Array.from([2147483647, 2147483647, -5, 8]);
  t.equal(sum32(i32, 4), 2147483647 * 2 - 5 + 8);
  t.equal(sum32(i32.subarray(2), 2), 3);
  const sum16 = lib.func('long long sum_i16_array(const int16_t *a, size_t n)');
  t.equal(sum16(Int16Array.from([-32768, 32767, -1]), 3), -2);
  const sum8 = lib.func('long long sum_i8_array(const int8_t *a, size_t n)');
  t.equal(sum8(Int8Array.from([-128, 127, -1, 5]), 4), 3);
  const sumU64 = lib.func('uint64_t sum_u64_array(const uint64_t *a, size_t n)');
  t.equal(sumU64(BigUint64Array.from([2n ** 63n, 2n ** 62n, 5n]), 3), 2n ** 63n + 2n ** 62n + 5n);
  const sumD = lib.func('double sum_double_array(const double *a, size_t n)');
  const ds = Float64Array.from([0.1, 0.2, 0.3, -1e10]);
  let want = 0;
  for (const d of ds) want += d;
  t.equal(sumD(ds, 4), want);
  const sumF = lib.func('double sum_float_array(const float *a, size_t n)');
  const fs = Float32Array.from([0.1, 0.2, 0.3]);
  want = 0;
  for (const f of fs) want += f;
  t.equal(sumF(fs, 3), want);
  const seq = lib.func('void fill_i32_seq(int32_t *a, size_t n, int32_t start, int32_t step)');
  const s = new Int32Array(10);
  seq(s.subarray(3), 5, -7, 3);
  t.same([...s], [0, 0, 0, -7, -4, -1, 2, 5, 0, 0]);
  const scale = lib.func('void scale_i32_array(int32_t *a, size_t n, int32_t factor)');
  scale(s.subarray(3, 8), 5, -2);
  t.same([...s], [0, 0, 0, 14, 8, 2, -4, -10, 0, 0]);
  const seqD = lib.func('void fill_double_seq(double *a, size_t n, double start, double step)');
  const d = new Float64Array(4);
  seqD(d, 4, 0.5, 0.25);
  t.same([...d], [0.5, 0.75, 1, 1.25]);
  // Pointers stored in memory, in slots of the pointer width.
  const Slots = PTR_BITS === 64 ? BigUint64Array : Uint32Array;
  const stored = PTR_BITS === 64 ? 0xabcdef12345n : 0xabcdef12n;
  const slots = new Slots(2);
  writePtr(slots.subarray(1), stored);
  t.equal(BigInt(slots[1]), stored);
  t.equal(readPtr(slots.subarray(1)), stored);
  t.equal(readPtr(slots), null, 'a zero pointer in memory reads as null');
  const target = Int32Array.from([424242]);
  slots[0] = PTR_BITS === 64 ? koffi.address(target) : Number(koffi.address(target));
  t.equal(lib.func('int read_i32_pp(int *const *pp)')(slots), 424242, 'pointer to pointer');
  // Pointers returned by C into static memory, read back with read_i32_at.
  const stat = lib.func('const int32_t *static_i32_array(void)')();
  t.equal(typeof stat, 'bigint');
  const fib = [1, 2, 3, 5, 8, 13, 21, 34];
  t.equal(lib.func('size_t static_i32_array_len(void)')(), fib.length);
  fib.forEach((v, i) => t.equal(readI32(stat + BigInt(4 * i)), v, `static_i32_array()[${i}]`));
  t.end();
});

t.test('a Buffer or TypedArray smaller than the pointee type is a RangeError', (t) => {
  t.throws(() => readI64(Buffer.alloc(4)), RangeError, 'int64 from 4 bytes');
  t.throws(() => writeI64(Buffer.alloc(7), 1), RangeError, 'int64 into 7 bytes');
  t.throws(() => writeI64(new Int32Array(1), 1), RangeError, 'int64 into an Int32Array(1)');
  t.throws(() => writeI64(new Uint8Array(16).subarray(10), 1), RangeError, 'int64 into a 6-byte subarray');
  t.throws(() => readI32(Buffer.alloc(3)), RangeError, 'int32 from 3 bytes');
  t.throws(() => writeDouble(new Float32Array(1), 1), RangeError, 'double into 4 bytes');
  t.throws(() => readI64(Buffer.alloc(0)), RangeError, 'empty Buffer');
  const i64p = lib.func('out_i64', 'int', ['int64_t *', 'int64_t']);
  t.throws(() => i64p(Buffer.alloc(4), 1), RangeError);
  // Exactly large enough is fine.
  const b8 = Buffer.alloc(8);
  writeI64(b8, -2);
  t.equal(b8.readBigInt64LE(), -2n);
  t.equal(readI64(new BigInt64Array([9n])), 9);
  // A void * parameter has no pointee size: any Buffer goes.
  t.doesNotThrow(() => fillBytes(Buffer.alloc(1), 0, 1));
  t.end();
});

t.test('lib.symbol() of exported variables', (t) => {
  const gi = lib.symbol('cptest_global_int');
  t.equal(typeof gi, 'bigint');
  const getInt = lib.func('int get_global_int(void)');
  const setInt = lib.func('void set_global_int(int v)');
  const initial = getInt();
  t.equal(readI32(gi), initial, 'read through the address equals the C getter');
  setInt(-987654);
  t.equal(readI32(gi), -987654, 'a C write is visible at the address');
  writeI32(gi, 31337);
  t.equal(getInt(), 31337, 'a write through the address is visible to C');
  setInt(initial);
  t.equal(readI32(gi), initial);
  t.equal(lib.symbol('cptest_global_int', 'int'), gi, 'deprecated (name, type) form gives the same address');

  const gs = lib.symbol('cptest_global_str');
  t.equal(typeof gs, 'bigint');
  t.equal(lib.func('const char *str_echo(const char *)')(gs), 'callplan', 'the char array at the address');
  t.equal(lib.func('size_t str_len(const char *)')(gs), 'callplan'.length);
  const gsp = lib.symbol('cptest_global_strptr');
  const strptr = readPtr(gsp);
  t.equal(typeof strptr, 'bigint');
  t.equal(lib.func('const char *str_echo(const char *)')(strptr), 'pointer to callplan');
  const gd = lib.symbol('cptest_global_double');
  t.equal(readDouble(gd), lib.func('double get_global_double(void)')());
  const ga = lib.symbol('cptest_global_array');
  const at = lib.func('int32_t get_global_array_at(int i)');
  for (let i = 0; i < 8; i++) t.equal(readI32(ga + BigInt(4 * i)), at(i), `cptest_global_array[${i}]`);
  // The recorded-arguments array follows a call.
  const la = lib.symbol('last_args');
  lib.func('double mixed10(int8_t, double, int, uint16_t, float, int64_t, int, double, int8_t, uint16_t)')(
    1, 2.5, 3, 4, 5.5, 6, 7, 8.25, 9, 10);
  const getArg = lib.func('double get_last_arg(int)');
  for (let i = 0; i < 10; i++) t.equal(readDouble(la + BigInt(8 * i)), getArg(i), `last_args[${i}]`);
  t.throws(() => lib.symbol('cptest_no_such_symbol'), /cptest_no_such_symbol/);
  t.end();
});

t.test('errno', (t) => {
  const setRet = lib.func('int set_errno_ret(int e, int ret)');
  const setErrno = lib.func('void set_errno(int e)');
  const getErrno = lib.func('int get_errno(void)');
  for (const [e, r] of [[os.constants.errno.EBADF, -1], [os.constants.errno.ENOENT, 0], [1234, 77], [0, 5]]) {
    t.equal(setRet(e, r), r);
    t.equal(koffi.errno(), e, `errno ${e} after set_errno_ret`);
  }
  setErrno(os.constants.errno.EACCES);
  t.equal(koffi.errno(), os.constants.errno.EACCES);
  const libc = koffi.load(null);
  const close = libc.func('int close(int fd)');
  t.equal(close(-1), -1);
  t.equal(koffi.errno(), os.constants.errno.EBADF, 'close(-1) sets EBADF');
  t.equal(koffi.errno(), koffi.os.errno.EBADF);
  koffi.errno(os.constants.errno.ERANGE);
  t.equal(koffi.errno(), os.constants.errno.ERANGE, 'koffi.errno(v) sets errno');
  t.equal(getErrno(), os.constants.errno.ERANGE, 'C sees the errno set from JS');
  koffi.errno(0);
  t.equal(koffi.errno(), 0);
  const names = ['EPERM', 'ENOENT', 'EINTR', 'EIO', 'EBADF', 'EAGAIN', 'ENOMEM', 'EACCES', 'EEXIST', 'ENOTDIR', 'EISDIR',
    'EINVAL', 'EMFILE', 'ENOSPC', 'EPIPE', 'ERANGE', 'ENOSYS', 'ETIMEDOUT', 'ECONNREFUSED', 'EWOULDBLOCK'];
  for (const n of names) t.equal(koffi.os.errno[n], os.constants.errno[n], `koffi.os.errno.${n}`);
  for (const [n, v] of Object.entries(koffi.os.errno)) {
    if (n in os.constants.errno) t.equal(v, os.constants.errno[n], `koffi.os.errno.${n} matches Node`);
  }
  t.end();
});
