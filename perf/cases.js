'use strict';
// The case table. Each entry is one row of the results table.
//
// {
//   name:   short id; --filter matches a substring of it
//   kind:   how it is measured (see lib/measure.js); 'call' = ns per call
//   needs:  resources from the environment: 'testlib' = build/testlib/libcptest.so
//   what:   one line for the README/JSON: what the case measures
//   verify(call, env): run once per contender before timing. `call` takes the C
//           function's arguments positionally. Return true, or false / a string
//           saying what is wrong; the contender is then shown as "wrong" and
//           not timed.
//   checkRun(result): optional; checks what run() returned, once.
//   impl: {
//     ffi:   (ffi, env) => ({ setup, run, call })   // callplan AND koffi
//     napi:  (addon, env) => ({ setup, run, call }) // perf/napi-baseline
//     ffirs: (ffirs, env) => ({ setup, run, call }) // ffi-rs
//     nodeffi: (ffi, env) => ({ setup, run, call }) // node:ffi (Node >= 26)
//   }
//   naNotes: optional { contenderKey: 'why it is n/a' } for missing impls
// }
//
// setup() does the loading/declaring (not timed). run() performs exactly one
// call with fixed arguments and returns a number, which the timing loop adds to
// a sink so the calls and their result conversions stay live. call(...args)
// is only used by verify(). A missing impl entry shows "n/a" for that
// contender (e.g. a feature ffi-rs cannot express).
//
// env = { testlib: absolute path of the C test library, or null, ... }
//
// The impl functions are recompiled from their source text once per
// contender (see instantiateFactory in bench.js), so that callplan and koffi
// do not share V8 type feedback. They must therefore be self-contained: use
// only their parameters and globals, never variables or helpers of this file.
// verify() and checkRun() are called normally and may use helpers.
//
// To add a case, append an entry. A different kind of measurement gets a
// new `kind` in lib/measure.js; the rest of the runner does not change.
// Cases measured in child processes (startup, memory) are in
// process-cases.js.

const RAND_MAX_GLIBC = 2147483647;

function eq(got, want, label) {
  if (Object.is(got, want)) return true;
  return `${label}: got ${String(got)} (${typeof got}), expected ${String(want)}`;
}

function all(...checks) {
  for (const c of checks) if (c !== true) return c;
  return true;
}

// A pointer returned by the FFI: BigInt address (Koffi 3 style), External
// object (ffi-rs) or number. Anything non-null / non-zero counts.
function isNonNullPointer(p) {
  return p !== null && p !== undefined && p !== 0 && p !== 0n;
}

// Asynchronous rand(): impl factories shared by the rand_async_* cases (kind
// 'async', see lib/measure.js). start(cb) begins one call and calls
// cb(err, value) on completion; call() returns a Promise of one result, for
// verify(). Self-contained, like every impl (they are recompiled per contender).
const RAND_ASYNC_IMPL = {
  // callplan and koffi: fn.async(...args, callback), the form both support.
  ffi: (ffi) => {
    let rand;
    return {
      setup() {
        rand = ffi.load(null).func('int rand(void)');
      },
      start: (cb) => rand.async(cb),
      call: () => new Promise((resolve, reject) => rand.async((err, v) => (err ? reject(err) : resolve(v)))),
    };
  },
  // perf/napi-baseline: one napi_async_work per call, rand() on the worker.
  napi: (addon) => {
    let randAsync;
    return {
      setup() {
        randAsync = addon.randAsync;
        if (typeof randAsync !== 'function') throw new Error('the baseline has no randAsync (rebuild it: --rebuild-napi)');
      },
      start: (cb) => randAsync(cb),
      call: () => new Promise((resolve, reject) => randAsync((err, v) => (err ? reject(err) : resolve(v)))),
    };
  },
  // ffi-rs: runInNewThread makes the function return a Promise (its only async form).
  ffirs: (ffirs) => {
    let rand;
    return {
      setup() {
        ffirs.open({ library: 'libc', path: '' });
        const D = ffirs.DataType;
        rand = ffirs.define({ rand: { library: 'libc', retType: D.I32, paramsType: [], runInNewThread: true } }).rand;
      },
      start: (cb) => {
        rand([]).then((v) => cb(null, v), (e) => cb(e));
      },
      call: () => rand([]),
    };
  },
};

// 64 concurrent async calls (bounded by a timeout): all results valid rand()
// values, not all the same.
async function verifyAsyncRand(call) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('async rand() calls did not complete within 10 s')), 10000);
  });
  try {
    const values = await Promise.race([Promise.all(Array.from({ length: 64 }, () => call())), timeout]);
    for (const v of values) {
      if (!Number.isInteger(v) || v < 0 || v > RAND_MAX_GLIBC) return `async rand() returned ${String(v)}`;
    }
    return new Set(values).size > 1 ? true : 'async rand() returned the same value 64 times';
  } finally {
    clearTimeout(timer);
  }
}

function randAsyncCase(depth) {
  return {
    name: `rand_async_${depth}`,
    kind: 'async',
    depth,
    what: `int rand(void) from libc called asynchronously (callback form; ffi-rs: Promise), ${depth} call${depth === 1 ? '' : 's'} ` +
      'kept in flight for a fixed time per round: wall time per completed call (inverse throughput). ' +
      'Thread hand-off and completion cost.',
    verify: verifyAsyncRand,
    impl: RAND_ASYNC_IMPL,
    naNotes: { nodeffi: 'node:ffi has no asynchronous call form' },
  };
}

// qsort cases: call(array) sorts the Int32Array in place with a comparator that reads the ints.
function verifyQsort(call) {
  const values = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) - 500);
  const arr = new Int32Array(values);
  call(arr);
  const sorted = values.slice().sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) if (arr[i] !== sorted[i]) return `element ${i}: ${arr[i]}, expected ${sorted[i]}`;
  return true;
}

module.exports = [
  {
    name: 'rand',
    kind: 'call',
    what: 'int rand(void) from libc (load(null)): no arguments, int result. Pure call overhead.',
    verify(call) {
      const seen = new Set();
      for (let i = 0; i < 16; i++) {
        const v = call();
        if (!Number.isInteger(v) || v < 0 || v > RAND_MAX_GLIBC) return `rand() returned ${String(v)}`;
        seen.add(v);
      }
      return seen.size > 1 ? true : 'rand() returned the same value 16 times';
    },
    checkRun: (r) => Number.isInteger(r),
    impl: {
      ffi: (ffi) => {
        let rand;
        return {
          setup() {
            rand = ffi.load(null).func('int rand(void)');
          },
          run: () => rand(),
          call: () => rand(),
        };
      },
      napi: (addon) => {
        let rand;
        return {
          setup() {
            rand = addon.rand;
          },
          run: () => rand(),
          call: () => rand(),
        };
      },
      ffirs: (ffirs) => {
        let rand;
        return {
          setup() {
            ffirs.open({ library: 'libc', path: '' });
            const D = ffirs.DataType;
            rand = ffirs.define({ rand: { library: 'libc', retType: D.I32, paramsType: [] } }).rand;
          },
          run: () => rand([]),
          call: () => rand([]),
        };
      },
      // node:ffi: DynamicLibrary.getFunction with a signature object.
      nodeffi: (ffi) => {
        let lib, rand;
        return {
          setup() {
            lib = new ffi.DynamicLibrary(null);
            rand = lib.getFunction('rand', { return: 'i32', arguments: [] });
          },
          run: () => rand(),
          call: () => rand(),
        };
      },
    },
  },

  {
    name: 'atoi',
    kind: 'call',
    what: 'int atoi(const char *) from libc with "12345": JS string to C string conversion on every call.',
    verify: (call) => all(
      eq(call('12345'), 12345, 'atoi("12345")'),
      eq(call('-42'), -42, 'atoi("-42")'),
      eq(call('7 apples'), 7, 'atoi("7 apples")'),
      eq(call('x'.repeat(300) + '1'), 0, 'atoi(long string)'),
    ),
    checkRun: (r) => r === 12345,
    impl: {
      ffi: (ffi) => {
        let atoi;
        return {
          setup() {
            atoi = ffi.load(null).func('int atoi(const char *str)');
          },
          run: () => atoi('12345'),
          call: (s) => atoi(s),
        };
      },
      napi: (addon) => {
        let atoi;
        return {
          setup() {
            atoi = addon.atoi;
          },
          run: () => atoi('12345'),
          call: (s) => atoi(s),
        };
      },
      ffirs: (ffirs) => {
        let atoi;
        return {
          setup() {
            ffirs.open({ library: 'libc', path: '' });
            const D = ffirs.DataType;
            atoi = ffirs.define({ atoi: { library: 'libc', retType: D.I32, paramsType: [D.String] } }).atoi;
          },
          run: () => atoi(['12345']),
          call: (s) => atoi([s]),
        };
      },
      nodeffi: (ffi) => {
        let lib, atoi;
        return {
          setup() {
            lib = new ffi.DynamicLibrary(null);
            atoi = lib.getFunction('atoi', { return: 'i32', arguments: ['string'] });
          },
          run: () => atoi('12345'),
          call: (s) => atoi(s),
        };
      },
    },
  },

  {
    name: 'add_int',
    kind: 'call',
    needs: ['testlib'],
    what: 'int add_int(int, int) from libcptest: two int32 arguments, int32 result. The per-call floor.',
    verify: (call) => all(
      eq(call(2, 3), 5, 'add_int(2, 3)'),
      eq(call(-40000, 123456), 83456, 'add_int(-40000, 123456)'),
    ),
    checkRun: (r) => r === 5,
    impl: {
      ffi: (ffi, env) => {
        let add;
        return {
          setup() {
            add = ffi.load(env.testlib).func('int add_int(int a, int b)');
          },
          run: () => add(2, 3),
          call: (a, b) => add(a, b),
        };
      },
      napi: (addon, env) => {
        let add;
        return {
          setup() {
            addon.loadTestlib(env.testlib);
            add = addon.add_int;
          },
          run: () => add(2, 3),
          call: (a, b) => add(a, b),
        };
      },
      ffirs: (ffirs, env) => {
        let add;
        return {
          setup() {
            ffirs.open({ library: 'cptest', path: env.testlib });
            const D = ffirs.DataType;
            add = ffirs.define({ add_int: { library: 'cptest', retType: D.I32, paramsType: [D.I32, D.I32] } }).add_int;
          },
          run: () => add([2, 3]),
          call: (a, b) => add([a, b]),
        };
      },
      nodeffi: (ffi, env) => {
        let lib, add;
        return {
          setup() {
            lib = new ffi.DynamicLibrary(env.testlib);
            add = lib.getFunction('add_int', { return: 'i32', arguments: ['i32', 'i32'] });
          },
          run: () => add(2, 3),
          call: (a, b) => add(a, b),
        };
      },
    },
  },

  {
    name: 'mixed8',
    kind: 'call',
    needs: ['testlib'],
    what: 'double mixed8(int, double, float, long long, short, double, unsigned int, float) from libcptest: ' +
      'eight arguments of seven C types, split over integer and float registers; returns their sum.',
    // mixed8 returns the plain sum of its arguments as a double. The values
    // are chosen so every sum is exact: d > 2^32, g > 2^31, float args exact.
    verify: (call) => all(
      eq(call(1, 2.5, 0.25, 10000000000, -7, -1.5, 3000000000, 0.125), 12999999995.375, 'mixed8(set 1)'),
      eq(call(-3, 0.5, 1.5, -20000000000, 300, 2.25, 1, -0.75), -19999999698.5, 'mixed8(set 2)'),
      // 0.1 is not a float: the result shows whether c really went through a C float.
      eq(call(0, 0, 0.1, 0, 0, 0, 0, 0), Math.fround(0.1), 'mixed8(c = 0.1 as float)'),
    ),
    checkRun: (r) => r === 12999999995.375,
    impl: {
      ffi: (ffi, env) => {
        let mixed8;
        return {
          setup() {
            mixed8 = ffi.load(env.testlib).func(
              'double mixed8(int a, double b, float c, long long d, short e, double f, unsigned int g, float h)');
          },
          run: () => mixed8(1, 2.5, 0.25, 10000000000, -7, -1.5, 3000000000, 0.125),
          call: (a, b, c, d, e, f, g, h) => mixed8(a, b, c, d, e, f, g, h),
        };
      },
      napi: (addon, env) => {
        let mixed8;
        return {
          setup() {
            addon.loadTestlib(env.testlib);
            mixed8 = addon.mixed8;
          },
          run: () => mixed8(1, 2.5, 0.25, 10000000000, -7, -1.5, 3000000000, 0.125),
          call: (a, b, c, d, e, f, g, h) => mixed8(a, b, c, d, e, f, g, h),
        };
      },
      ffirs: (ffirs, env) => {
        let mixed8;
        return {
          setup() {
            ffirs.open({ library: 'cptest', path: env.testlib });
            const D = ffirs.DataType;
            mixed8 = ffirs.define({
              mixed8: {
                library: 'cptest',
                retType: D.Double,
                paramsType: [D.I32, D.Double, D.Float, D.I64, D.I16, D.Double, D.U32, D.Float],
              },
            }).mixed8;
          },
          run: () => mixed8([1, 2.5, 0.25, 10000000000, -7, -1.5, 3000000000, 0.125]),
          call: (a, b, c, d, e, f, g, h) => mixed8([a, b, c, d, e, f, g, h]),
        };
      },
      // node:ffi takes 64-bit integers only as BigInt: d is passed as one.
      nodeffi: (ffi, env) => {
        let lib, mixed8;
        return {
          setup() {
            lib = new ffi.DynamicLibrary(env.testlib);
            mixed8 = lib.getFunction('mixed8', {
              return: 'f64',
              arguments: ['i32', 'f64', 'f32', 'i64', 'i16', 'f64', 'u32', 'f32'],
            });
          },
          run: () => mixed8(1, 2.5, 0.25, 10000000000n, -7, -1.5, 3000000000, 0.125),
          call: (a, b, c, d, e, f, g, h) => mixed8(a, b, c, BigInt(d), e, f, g, h),
        };
      },
    },
  },

  {
    name: 'memset',
    kind: 'call',
    what: 'void *memset(void *, int, size_t) from libc on a preallocated 64-byte Buffer: ' +
      'Buffer to pointer, pointer result back to JS.',
    verify(call) {
      const buf = Buffer.alloc(80, 0x11);
      const ret = call(buf, 0x5a, 64);
      for (let i = 0; i < 80; i++) {
        const want = i < 64 ? 0x5a : 0x11;
        if (buf[i] !== want) return `memset(buf, 0x5a, 64): byte ${i} is 0x${buf[i].toString(16)}, expected 0x${want.toString(16)}`;
      }
      return isNonNullPointer(ret) ? true : `memset returned ${String(ret)} instead of a pointer`;
    },
    checkRun: (r) => r === 1,
    impl: {
      ffi: (ffi) => {
        let memset;
        const buf = Buffer.alloc(64);
        return {
          setup() {
            memset = ffi.load(null).func('void *memset(void *s, int c, size_t n)');
          },
          run: () => (memset(buf, 0x5a, 64) ? 1 : 0),
          call: (b, c, n) => memset(b, c, n),
        };
      },
      napi: (addon) => {
        let memset;
        const buf = Buffer.alloc(64);
        return {
          setup() {
            memset = addon.memset;
          },
          run: () => (memset(buf, 0x5a, 64) ? 1 : 0),
          call: (b, c, n) => memset(b, c, n),
        };
      },
      ffirs: (ffirs) => {
        let memset;
        const buf = Buffer.alloc(64);
        return {
          setup() {
            ffirs.open({ library: 'libc', path: '' });
            const D = ffirs.DataType;
            memset = ffirs.define({
              memset: { library: 'libc', retType: D.External, paramsType: [D.U8Array, D.I32, D.U64] },
            }).memset;
          },
          run: () => (memset([buf, 0x5a, 64]) ? 1 : 0),
          call: (b, c, n) => memset([b, c, n]),
        };
      },
      // node:ffi: size_t as u64 (a BigInt); the pointer result is a BigInt address.
      nodeffi: (ffi) => {
        let lib, memset;
        const buf = Buffer.alloc(64);
        return {
          setup() {
            lib = new ffi.DynamicLibrary(null);
            memset = lib.getFunction('memset', { return: 'pointer', arguments: ['pointer', 'i32', 'u64'] });
          },
          run: () => (memset(buf, 0x5a, 64n) ? 1 : 0),
          call: (b, c, n) => memset(b, c, BigInt(n)),
        };
      },
    },
  },

  randAsyncCase(1),
  randAsyncCase(8),
  randAsyncCase(64),

  {
    name: 'vec2_add',
    naNotes: { nodeffi: 'node:ffi has no struct types' },
    kind: 'call',
    needs: ['testlib'],
    what: 'Vec2 vec2_add(Vec2, Vec2) from libcptest, Vec2 = struct { double x, y; } (16 bytes, SSE class): ' +
      'two JS objects {x, y} in, passed by value in xmm registers; returned in xmm0:xmm1 as a new object.',
    // Expected values are computed in JS (double addition is the same in C).
    // 0.1 + 0.2 and 1e300 show that nothing went through a float; distinct
    // values per member show swapped members or arguments.
    verify(call) {
      const sets = [
        [{ x: 1.5, y: -2 }, { x: 0.25, y: 4 }],
        [{ x: 0.1, y: 1e300 }, { x: 0.2, y: -3e-310 }],
        [{ x: -123456789.125, y: 2 ** 53 }, { x: 0.5, y: 1 }],
      ];
      for (const [a, b] of sets) {
        const label = `vec2_add(${JSON.stringify(a)}, ${JSON.stringify(b)})`;
        const r = call(a, b);
        if (r === null || typeof r !== 'object') return `${label} returned ${String(r)} (${typeof r}), expected an object`;
        const keys = Object.keys(r).sort().join(',');
        const c = all(
          eq(keys, 'x,y', `${label} keys`),
          eq(r.x, a.x + b.x, `${label}.x`),
          eq(r.y, a.y + b.y, `${label}.y`),
        );
        if (c !== true) return c;
      }
      return true;
    },
    checkRun: (r) => r === 3.75,
    impl: {
      ffi: (ffi, env) => {
        let add;
        const a = { x: 1.5, y: -2 };
        const b = { x: 0.25, y: 4 };
        return {
          setup() {
            // A type name can be registered once per module instance, and
            // setup() may run more than once in a process: reuse it if known.
            let known = false;
            try {
              ffi.type('Vec2');
              known = true;
            } catch {}
            if (!known) ffi.struct('Vec2', { x: 'double', y: 'double' });
            add = ffi.load(env.testlib).func('Vec2 vec2_add(Vec2 a, Vec2 b)');
          },
          run: () => {
            const r = add(a, b);
            return r.x + r.y;
          },
          call: (p, q) => add(p, q),
        };
      },
      // Keys created once per call, reused for reads and writes (see baseline.c).
      napi: (addon, env) => {
        let add;
        const a = { x: 1.5, y: -2 };
        const b = { x: 0.25, y: 4 };
        return {
          setup() {
            addon.loadTestlib(env.testlib);
            add = addon.vec2_add;
          },
          run: () => {
            const r = add(a, b);
            return r.x + r.y;
          },
          call: (p, q) => add(p, q),
        };
      },
      // By-value structs in ffi-rs: a record type with ffiTypeTag StackStruct
      // (DataType.StackStruct / FFITypeTag.StackStruct in its index.d.ts; its
      // README documents only structs behind pointers). Verified like the others.
      ffirs: (ffirs, env) => {
        let add;
        const a = { x: 1.5, y: -2 };
        const b = { x: 0.25, y: 4 };
        return {
          setup() {
            ffirs.open({ library: 'cptest', path: env.testlib });
            const D = ffirs.DataType;
            const Vec2 = { x: D.Double, y: D.Double, ffiTypeTag: D.StackStruct };
            add = ffirs.define({ vec2_add: { library: 'cptest', retType: Vec2, paramsType: [Vec2, Vec2] } }).vec2_add;
          },
          run: () => {
            const r = add([a, b]);
            return r.x + r.y;
          },
          call: (p, q) => add([p, q]),
        };
      },
    },
  },

  {
    name: 'mixed3',
    naNotes: {
      ffirs: 'ffi-rs 1.3.7 cannot return a struct with a float member ("JsNumber can only be double type")',
      nodeffi: 'node:ffi has no struct types',
    },
    kind: 'call',
    needs: ['testlib'],
    what: 'Mixed3 mixed3_make(int, double, float) from libcptest, Mixed3 = struct { int i; double d; float f; } ' +
      '(24 bytes, MEMORY class): returned through the hidden pointer, converted to a new object {i, d, f}.',
    // mixed3_make returns its arguments unchanged; f goes through a C float.
    verify(call) {
      const sets = [
        [-7, 25000000000.25, 0.1],
        [2147483647, -1e-300, -3.5],
        [-2147483648, 2 ** 53 + 2, 16777217],
      ];
      for (const [i, d, f] of sets) {
        const label = `mixed3_make(${i}, ${d}, ${f})`;
        const r = call(i, d, f);
        if (r === null || typeof r !== 'object') return `${label} returned ${String(r)} (${typeof r}), expected an object`;
        const keys = Object.keys(r).sort().join(',');
        const c = all(
          eq(keys, 'd,f,i', `${label} keys`),
          eq(r.i, i, `${label}.i`),
          eq(r.d, d, `${label}.d`),
          eq(r.f, Math.fround(f), `${label}.f`),
        );
        if (c !== true) return c;
      }
      return true;
    },
    checkRun: (r) => r === -4.25,
    impl: {
      ffi: (ffi, env) => {
        let make;
        return {
          setup() {
            // See vec2_add: register the type name only once per module.
            let known = false;
            try {
              ffi.type('Mixed3');
              known = true;
            } catch {}
            if (!known) ffi.struct('Mixed3', { i: 'int', d: 'double', f: 'float' });
            make = ffi.load(env.testlib).func('Mixed3 mixed3_make(int i, double d, float f)');
          },
          run: () => {
            const r = make(-7, 2.5, 0.25);
            return r.i + r.d + r.f;
          },
          call: (i, d, f) => make(i, d, f),
        };
      },
      napi: (addon, env) => {
        let make;
        return {
          setup() {
            addon.loadTestlib(env.testlib);
            make = addon.mixed3_make;
          },
          run: () => {
            const r = make(-7, 2.5, 0.25);
            return r.i + r.d + r.f;
          },
          call: (i, d, f) => make(i, d, f),
        };
      },
      // No ffirs: ffi-rs 1.3.7 cannot return a struct with a float member
      // (reading it back throws "JsNumber can only be double type", by value
      // or behind a pointer), so the column shows n/a.
    },
  },

  // Callbacks: qsort() from libc sorting 1,000 int32 with a JS comparator, per comparator
  // call. verify() sorts real data with a comparator that reads both ints; the timed
  // comparator returns 0 without touching the FFI, so the figure is the callback path itself
  // (trampoline, two BigInt pointer arguments, the JS call, an int result), not decode().
  {
    name: 'qsort_cb',
    kind: 'callback',
    what: 'qsort() of 1,000 int32 from libc with a JS comparator passed to each call (transient): ns per comparator call.',
    verify: verifyQsort,
    checkRun: (r) => Number.isInteger(r) && r >= 999,
    impl: {
      ffi: (ffi) => {
        let qsort;
        let calls = 0;
        const arr = new Int32Array(1000);
        const cmp = () => {
          calls++;
          return 0;
        };
        const reading = (a, b) => ffi.decode(a, 'int32_t') - ffi.decode(b, 'int32_t');
        return {
          setup() {
            const Cmp = ffi.proto('int (const void *a, const void *b)');
            qsort = ffi.load(null).func('qsort', 'void', ['void *', 'size_t', 'size_t', ffi.pointer(Cmp)]);
          },
          run: () => {
            calls = 0;
            qsort(arr, 1000, 4, cmp);
            return calls;
          },
          call: (a) => qsort(a, a.length, 4, reading),
        };
      },
      // perf/napi-baseline: qsort() calls the comparator with napi_call_function.
      napi: (addon) => {
        let qsort, reading;
        let calls = 0;
        const arr = new Int32Array(1000);
        const cmp = () => {
          calls++;
          return 0;
        };
        return {
          setup() {
            qsort = addon.qsort;
            if (typeof qsort !== 'function') throw new Error('the baseline has no qsort (rebuild it: --rebuild-napi)');
            reading = (a, b) => addon.readInt32(a) - addon.readInt32(b);
          },
          run: () => {
            calls = 0;
            qsort(arr, 1000, 4, cmp);
            return calls;
          },
          call: (a) => qsort(a, a.length, 4, reading),
        };
      },
    },
  },

  {
    name: 'qsort_cb_reg',
    kind: 'callback',
    what: 'qsort() of 1,000 int32 from libc with a JS comparator registered once with register(): ns per comparator call.',
    verify: verifyQsort,
    checkRun: (r) => Number.isInteger(r) && r >= 999,
    impl: {
      ffi: (ffi) => {
        let qsort, cmp, reading;
        let calls = 0;
        const arr = new Int32Array(1000);
        return {
          setup() {
            const Cmp = ffi.proto('int (const void *a, const void *b)');
            qsort = ffi.load(null).func('qsort', 'void', ['void *', 'size_t', 'size_t', ffi.pointer(Cmp)]);
            cmp = ffi.register(() => {
              calls++;
              return 0;
            }, ffi.pointer(Cmp));
            reading = ffi.register((a, b) => ffi.decode(a, 'int32_t') - ffi.decode(b, 'int32_t'), ffi.pointer(Cmp));
          },
          run: () => {
            calls = 0;
            qsort(arr, 1000, 4, cmp);
            return calls;
          },
          call: (a) => qsort(a, a.length, 4, reading),
        };
      },
      // perf/napi-baseline: the comparator held by a napi_ref, made once.
      napi: (addon) => {
        let qsort, cmp, reading;
        let calls = 0;
        const arr = new Int32Array(1000);
        return {
          setup() {
            qsort = addon.qsort;
            if (typeof qsort !== 'function') throw new Error('the baseline has no qsort (rebuild it: --rebuild-napi)');
            cmp = addon.registerComparator(() => {
              calls++;
              return 0;
            });
            reading = addon.registerComparator((a, b) => addon.readInt32(a) - addon.readInt32(b));
          },
          run: () => {
            calls = 0;
            qsort(arr, 1000, 4, cmp);
            return calls;
          },
          call: (a) => qsort(a, a.length, 4, reading),
        };
      },
    },
  },
];
