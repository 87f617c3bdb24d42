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
//   }
// }
//
// setup() does the loading/declaring (not timed). run() performs exactly one
// call with fixed arguments and returns a number, which the timing loop adds to
// a sink so the calls and their result conversions stay live. call(...args)
// is only used by verify(). A missing impl entry shows "n/a" for that
// contender (e.g. a feature ffi-rs cannot express).
//
// env = { testlib: absolute path of the C test library, or null }
//
// The impl functions are recompiled from their source text once per
// contender (see instantiateFactory in bench.js), so that callplan and koffi
// do not share V8 type feedback. They must therefore be self-contained: use
// only their parameters and globals, never variables or helpers of this file.
// verify() and checkRun() are called normally and may use helpers.
//
// To add a case, append an entry. A different kind of measurement (async
// throughput, start-up cost of declaring 10,000 functions, RSS, ...) gets a
// new `kind` in lib/measure.js; the rest of the runner does not change.

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
    },
  },
];
