// Calls with 0 to 20 arguments, mixed register classes with stack spills, every
// declaration syntax, fn.info, variadic functions and repeated calls. Expected values are
// computed in JS with the same arithmetic as the C code (cptest.h: weighted sums
// accumulated left to right; float sums in float precision).
'use strict';
const t = require('tap');
const koffi = require('..');
const { testlibPaths: paths } = require('./support/env.js');

const lib = koffi.load(paths.cptest);

const TWO53 = 2n ** 53n;
const toJS = (b) => (b >= -TWO53 && b <= TWO53 ? Number(b) : b);
// The data model: pointers and long are 64 bits (LP64) or 32 (ILP32, ia32).
const PTR_BITS = 8 * koffi.sizeof('void *');
const LONG_BITS = 8 * koffi.sizeof('long');

// Deterministic pseudo-random values (xorshift32), so failures are reproducible.
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

function is(t, found, wanted, msg) {
  if (Object.is(found, wanted)) t.pass(msg);
  else t.fail(msg, { found: `${String(found)} (${typeof found})`, wanted: `${String(wanted)} (${typeof wanted})` });
}

const getArg = lib.func('double get_last_arg(int i)');
const getArgI64 = lib.func('long long get_last_arg_i64(int i)');
const getArgc = lib.func('int get_last_argc(void)');
const resetArgs = lib.func('void reset_last_args(void)');

t.test('sum_i0 .. sum_i20', (t) => {
  t.equal(lib.func('int sum_i0(void)')(), 42);
  t.equal(lib.func('int sum_i0()')(), 42);
  t.equal(lib.func('sum_i0', 'int', [])(), 42);
  const r = rng(1);
  for (let n = 1; n <= 20; n++) {
    const params = Array.from({ length: n }, (_, i) => `int a${i}`).join(', ');
    const proto = lib.func(`long long sum_i${n}(${params})`);
    const classic = lib.func(`sum_i${n}`, 'int64_t', Array(n).fill('int'));
    const sets = [
      Array.from({ length: n }, (_, i) => i + 1),
      Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (i * 1000 + 7)),
      Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 2147483647 : i % 3 === 1 ? -2147483648 : -1)),
      Array.from({ length: n }, () => r() | 0),
    ];
    for (const args of sets) {
      let want = 0n;
      args.forEach((a, i) => { want += BigInt(i + 1) * BigInt(a); });
      is(t, proto(...args), toJS(want), `sum_i${n}(${args.join(',')})`);
      is(t, classic(...args), toJS(want), `sum_i${n} classic`);
    }
    // Each argument alone: a shifted or swapped slot shows as a wrong weight.
    for (let k = 0; k < n; k++) {
      const args = Array(n).fill(0);
      args[k] = 1000003;
      is(t, proto(...args), (k + 1) * 1000003, `sum_i${n}: only argument ${k + 1} set`);
    }
  }
  t.end();
});

t.test('sum_d1 .. sum_d20', (t) => {
  const r = rng(2);
  for (let n = 1; n <= 20; n++) {
    const f = lib.func(`double sum_d${n}(${Array(n).fill('double').join(', ')})`);
    const classic = lib.func(`sum_d${n}`, 'float64', Array(n).fill('double'));
    const sets = [
      Array.from({ length: n }, (_, i) => i + 0.5),
      Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) / (i + 3)),
      Array.from({ length: n }, () => (r() - 2 ** 31) / 65536 + r() / 2 ** 32),
      Array.from({ length: n }, (_, i) => (i % 2 ? 1e300 : -1e-300)),
    ];
    for (const args of sets) {
      let want = 0;
      args.forEach((a, i) => { want = i === 0 ? 1 * a : want + (i + 1) * a; });
      is(t, f(...args), want, `sum_d${n}(${args.join(',')})`);
      is(t, classic(...args), want, `sum_d${n} classic`);
    }
    for (let k = 0; k < n; k++) {
      const args = Array(n).fill(0);
      args[k] = 0.125;
      is(t, f(...args), (k + 1) * 0.125, `sum_d${n}: only argument ${k + 1} set`);
    }
  }
  t.end();
});

t.test('sum_f1 .. sum_f20 (float arithmetic)', (t) => {
  const r = rng(3);
  const F = Math.fround;
  for (let n = 1; n <= 20; n++) {
    const f = lib.func(`float sum_f${n}(${Array(n).fill('float').join(', ')})`);
    const classic = lib.func(`sum_f${n}`, 'float32', Array(n).fill('float'));
    const sets = [
      Array.from({ length: n }, (_, i) => i + 0.1),
      Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) / (i + 3)),
      Array.from({ length: n }, () => (r() - 2 ** 31) / 1024),
    ];
    for (const args of sets) {
      // C: ((1.0f*a0 + 2.0f*a1) + 3.0f*a2) ... every operation rounded to float.
      let want = 0;
      args.forEach((a, i) => {
        const p = F((i + 1) * F(a));
        want = i === 0 ? p : F(want + p);
      });
      is(t, f(...args), want, `sum_f${n}(${args.join(',')})`);
      is(t, classic(...args), want, `sum_f${n} classic`);
    }
    for (let k = 0; k < n; k++) {
      const args = Array(n).fill(0);
      args[k] = 0.25;
      is(t, f(...args), (k + 1) * 0.25, `sum_f${n}: only argument ${k + 1} set`);
    }
  }
  t.end();
});

// Each mixed signature: list of [C type, conversion to what C records, isInteger].
const conv = {
  int8_t: (v) => Number(BigInt.asIntN(8, BigInt(v))),
  uint16_t: (v) => Number(BigInt.asUintN(16, BigInt(v))),
  int: (v) => Number(BigInt.asIntN(32, BigInt(v))),
  int64_t: (v) => BigInt.asIntN(64, BigInt(v)),
  float: (v) => Math.fround(v),
  double: (v) => v,
};
const MIXED = {
  mixed10: ['int8_t', 'double', 'int', 'uint16_t', 'float', 'int64_t', 'int', 'double', 'int8_t', 'uint16_t'],
  mixed14: ['double', 'float', 'int', 'double', 'float', 'double', 'int64_t', 'float', 'double', 'int8_t', 'float', 'double',
    'uint16_t', 'float'],
  mixed17: ['float', 'int', 'double', 'int8_t', 'float', 'int64_t', 'double', 'uint16_t', 'float', 'int', 'double', 'int64_t',
    'float', 'int8_t', 'double', 'uint16_t', 'float'],
  mixed20: ['int8_t', 'uint16_t', 'float', 'double', 'int', 'int64_t', 'float', 'int8_t', 'double', 'uint16_t', 'float', 'int',
    'double', 'int64_t', 'float', 'int8_t', 'double', 'uint16_t', 'float', 'double'],
};

function mixedValues(types, r, variant) {
  return types.map((ty, i) => {
    const x = r();
    switch (ty) {
      case 'int8_t': return variant === 0 ? -(i + 1) : variant === 1 ? (i % 2 ? -128 : 127) : (x & 0xff) - 128;
      case 'uint16_t': return variant === 0 ? 1000 + i : variant === 1 ? 65535 : x & 0xffff;
      case 'int': return variant === 0 ? -100000 * (i + 1) : variant === 1 ? (i % 2 ? -2147483648 : 2147483647) : x | 0;
      case 'int64_t': return variant === 0 ? -(2 ** 40) - i : variant === 1 ? (i % 2 ? -(2n ** 63n) : 2n ** 62n + 12345n) : BigInt(x) * 0x100000001n - 2n ** 61n;
      case 'float': return variant === 0 ? i + 0.1 : variant === 1 ? (i % 2 ? -3.4e38 : 1e-40) : (x - 2 ** 31) / 4096;
      case 'double': return variant === 0 ? -(i + 0.3) : variant === 1 ? (i % 2 ? 1e300 : -Number.MIN_VALUE) : x / 7 - 3e8;
    }
    throw new Error(ty);
  });
}

t.test('mixed10/14/17/20: results and every recorded argument', (t) => {
  const r = rng(4);
  for (const [name, types] of Object.entries(MIXED)) {
    const proto = lib.func(`double ${name}(${types.map((ty, i) => `${ty} a${i}`).join(', ')})`);
    const classic = lib.func(name, 'double', types);
    for (let variant = 0; variant < 5; variant++) {
      const args = mixedValues(types, r, Math.min(variant, 2));
      const recorded = types.map((ty, i) => conv[ty](args[i]));
      let want = 0;
      recorded.forEach((v, i) => { want += (i + 1) * Number(v); });
      for (const [how, f] of [['prototype', proto], ['classic', classic]]) {
        resetArgs();
        is(t, f(...args), want, `${name} (${how}) variant ${variant}`);
        t.equal(getArgc(), types.length, `${name} recorded ${types.length} arguments`);
        types.forEach((ty, i) => {
          const isInt = ty !== 'float' && ty !== 'double';
          is(t, getArg(i), Number(recorded[i]), `${name} ${how} a${i} (${ty}) as double`);
          is(t, getArgI64(i), isInt ? toJS(BigInt(recorded[i])) : 0, `${name} ${how} a${i} (${ty}) exactly`);
        });
      }
    }
  }
  t.end();
});

t.test('declaration syntaxes and calling conventions', (t) => {
  // Conventions matter on i386 only: there each form calls an add_int compiled with its convention.
  const add = (conv) => (process.arch === 'ia32' && conv !== 'cdecl' ? `add_int_${conv}` : 'add_int');
  const forms = {
    'prototype': lib.func('int add_int(int a, int b)'),
    'prototype without names': lib.func('int add_int(int, int)'),
    'prototype with __cdecl': lib.func('int __cdecl add_int(int, int)'),
    'prototype with __stdcall': lib.func(`int __stdcall ${add('stdcall')}(int, int)`),
    'prototype with __fastcall': lib.func(`int __fastcall ${add('fastcall')}(int, int)`),
    'prototype with __thiscall': lib.func(`int __thiscall ${add('thiscall')}(int, int)`),
    'classic': lib.func('add_int', 'int', ['int', 'int']),
    'classic with TypeObjects': lib.func('add_int', koffi.types.int, [koffi.types.int, koffi.type('int32_t')]),
    'convention __cdecl': lib.func('__cdecl', 'add_int', 'int', ['int', 'int']),
    'convention __stdcall': lib.func('__stdcall', add('stdcall'), 'int', ['int', 'int']),
    'convention __fastcall': lib.func('__fastcall', add('fastcall'), 'int', ['int', 'int']),
    'convention __thiscall': lib.func('__thiscall', add('thiscall'), 'int', ['int', 'int']),
    'lib.cdecl classic': lib.cdecl('add_int', 'int', ['int', 'int']),
    'lib.stdcall classic': lib.stdcall(add('stdcall'), 'int', ['int', 'int']),
    'lib.fastcall classic': lib.fastcall(add('fastcall'), 'int', ['int', 'int']),
    'lib.thiscall classic': lib.thiscall(add('thiscall'), 'int', ['int', 'int']),
    'lib.cdecl prototype': lib.cdecl('int add_int(int, int)'),
    'lib.stdcall prototype': lib.stdcall(`int ${add('stdcall')}(int, int)`),
  };
  const r = rng(5);
  for (const [how, f] of Object.entries(forms)) {
    t.equal(typeof f, 'function', how);
    for (let i = 0; i < 5; i++) {
      const a = (r() | 0) >> 2;
      const b = (r() | 0) >> 2;
      t.equal(f(a, b), a + b, `${how}: add_int(${a}, ${b})`);
    }
  }
  // 64-bit, float and double results through the classic form too.
  t.equal(lib.func('add_i64', 'int64_t', ['int64_t', 'int64_t'])(2n ** 62n, 2n ** 62n - 1n), 2n ** 63n - 1n);
  t.equal(lib.func('add_float', 'float', ['float', 'float'])(0.1, 0.2), Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  t.equal(lib.func('add_double', 'double', ['double', 'double'])(0.1, 0.2), 0.1 + 0.2);
  t.end();
});

t.test('fn.info', (t) => {
  const f = lib.func('double mixed10(int8_t, double, int, uint16_t, float, int64_t, int, double, int8_t, uint16_t)');
  t.ok(f.info, 'info exists');
  t.equal(f.info.name, 'mixed10');
  t.equal(f.info.arguments.length, 10);
  t.equal(f.info.result.name, 'double');
  t.equal(f.info.result.size, 8);
  const sizes = [1, 8, 4, 2, 4, 8, 4, 8, 1, 2];
  f.info.arguments.forEach((a, i) => {
    t.equal(a.size, sizes[i], `argument ${i + 1} size`);
    t.equal(a.name, koffi.type(MIXED.mixed10[i]).name, `argument ${i + 1} name`);
    t.equal(a.primitive, koffi.type(MIXED.mixed10[i]).primitive, `argument ${i + 1} primitive`);
  });
  const g = lib.func('add_i64', 'long long', ['int64_t', 'longlong']);
  t.equal(g.info.name, 'add_i64');
  t.equal(g.info.arguments.length, 2);
  t.equal(g.info.result.size, 8);
  t.equal(g.info.result.primitive, koffi.types.int64.primitive);
  const v = lib.func('void cp_noop(void)');
  t.equal(v.info.arguments.length, 0);
  t.equal(v.info.result.name, 'void');
  t.equal(v.info.result.primitive, koffi.types.void.primitive);
  const s = lib.func('str! str_dup(const char *)');
  t.equal(s.info.result.disposable, true, '! result is disposable');
  t.equal(s.info.arguments[0].disposable, false);
  const vm = lib.func('double variadic_mixed(const char *types, ...)');
  t.equal(vm.info.name, 'variadic_mixed');
  t.equal(vm.info.arguments.length, 1, 'variadic info lists the fixed arguments');
  t.end();
});

t.test('fn.async and fn.info are own, enumerable properties, made once on first read', async (t) => {
  const f = lib.func('int add_int(int, int)');
  const g = lib.func('int add_int(int a, int b)');
  t.same(Object.keys(f), ['async', 'info'], 'listed like Koffi lists them');
  t.same(Object.keys(lib.func('str! str_dup(const char *)')), ['async', 'info'], 'also with a disposable result');
  const async = f.async;
  t.type(async, 'function');
  t.equal(f.async, async, 'the same function on every read');
  t.not(g.async, async, 'each declared function has its own');
  t.equal(await new Promise((res, rej) => f.async(40, 2, (err, v) => (err ? rej(err) : res(v)))), 42);
  const info = f.info;
  t.equal(f.info, info, 'the same info on every read');
  for (const key of ['async', 'info']) {
    const d = Object.getOwnPropertyDescriptor(f, key);
    t.same([d.writable, d.enumerable, d.configurable], [true, true, true], `${key}: a writable data property once read`);
  }
  // Writing before any read replaces the property, as with a data property.
  const h = lib.func('int add_int(int, int)');
  h.async = 'replaced';
  h.info = null;
  t.equal(h.async, 'replaced');
  t.equal(h.info, null);
  // The shared accessors give nothing for objects that are not declared functions.
  const k = lib.func('int add_int(int, int)');
  const { get: asyncGet } = Object.getOwnPropertyDescriptor(k, 'async');
  const { get: infoGet } = Object.getOwnPropertyDescriptor(k, 'info');
  for (const other of [{}, () => 1, Object.create(k), koffi.load(paths.cptest).func, null]) {
    t.equal(asyncGet.call(other), undefined);
    t.equal(infoGet.call(other), undefined);
  }
  t.equal(k.info.name, 'add_int', 'the accessors still work for the function itself');
  // Frozen before any read: the values are made once all the same.
  const frozen = Object.freeze(lib.func('int add_int(int, int)'));
  t.type(frozen.async, 'function');
  t.equal(frozen.async, frozen.async, 'frozen: the same async function on every read');
  t.equal(frozen.info, frozen.info, 'frozen: the same info on every read');
  t.equal(frozen.info.name, 'add_int');
  t.equal(await new Promise((res, rej) => frozen.async(1, 2, (err, v) => (err ? rej(err) : res(v)))), 3);
  // Through a proxy: the accessors look at the function it wraps.
  const proxied = new Proxy(lib.func('int add_int(int, int)'), {});
  t.type(proxied.async, 'function');
  t.equal(proxied.info.name, 'add_int');
  t.equal(proxied(20, 22), 42);
  t.end();
});

t.test('two loaded copies of the library keep their own plans when one empties its cache', (t) => {
  // A second copy of the JS side (as test runners that reset modules make) shares the addon.
  const bundle = require.resolve('..');
  const saved = require.cache[bundle];
  delete require.cache[bundle];
  const other = require('..');
  require.cache[bundle] = saved;
  t.not(other, koffi, 'a second copy');
  const libA = koffi.load(paths.cptest);
  const libB = other.load(paths.cptest);
  t.equal(libA.func('double add_double(double, double)')(0.5, 0.25), 0.75, 'copy A caches this signature');
  const TYPES = ['int', 'double', 'float', 'int8_t', 'uint16_t', 'int64_t', 'char *', 'void *'];
  for (const a of TYPES) for (const b of TYPES) for (const c of TYPES) for (const d of [...TYPES, null])
    libB.func(`void cp_noop(${a}, ${b}, ${c}${d ? ', ' + d : ''})`);
  // Copy B emptied its cache and defined new plans; copy A's cached plan is still its own.
  t.equal(libA.func('double add_double(double, double)')(1.5, 0.25), 1.75);
  t.equal(libA.func('int add_int(int, int)')(40, 2), 42);
  t.equal(libB.func('int add_int(int, int)')(-40, 2), -38);
  t.end();
});

t.test('functions declared before and after the plan cache fills up keep their own plans', (t) => {
  const add = lib.func('int add_int(int, int)');
  const addDouble = lib.func('double add_double(double, double)');
  // More distinct signatures than the cache holds (4,096): it is emptied and the addon's plan
  // ids start again, while the functions declared so far keep the plans they copied.
  const TYPES = ['int', 'double', 'float', 'int8_t', 'uint16_t', 'int64_t', 'char *', 'void *'];
  let count = 0;
  for (const a of TYPES) for (const b of TYPES) for (const c of TYPES) {
    lib.func(`void cp_noop(${a}, ${b}, ${c})`);
    for (const d of TYPES) lib.func(`void cp_noop(${a}, ${b}, ${c}, ${d})`);
    count += 1 + TYPES.length;
  }
  t.ok(count > 4096, `${count} distinct signatures declared`);
  const addAfter = lib.func('int add_int(int, int)');
  const addDoubleAfter = lib.func('double add_double(double, double)');
  t.equal(add(40, 2), 42);
  t.equal(addDouble(0.5, 0.25), 0.75);
  t.equal(addAfter(-40, 2), -38);
  t.equal(addDoubleAfter(1.5, 0.25), 1.75);
  t.throws(() => addAfter('x', 1), TypeError, 'argument checks use the right plan');
  t.end();
});

t.test('variadic functions', (t) => {
  const vm = lib.func('double variadic_mixed(const char *types, ...)');
  const vmClassic = lib.func('variadic_mixed', 'double', ['str', '...']);
  const cases = [
    ['i', [['int', -5]], [-5]],
    ['idls', [['int', -5], ['double', 2.5], ['int64_t', 2n ** 40n + 3n], ['str', 'hello']], [-5, 2.5, 2 ** 40 + 3, 5]],
    ['dd', [['float', 0.1], ['float', -1e-3]], [Math.fround(0.1), Math.fround(-1e-3)]],
    ['uu', [['uint', 4294967295], ['unsigned int', 7]], [4294967295, 7]],
    ['ll', [['int64_t', -(2n ** 62n)], ['long long', 2n ** 63n - 1n]], [-(2n ** 62n), 2n ** 63n - 1n]],
    ['ss', [['str', 'héllo'], ['str', null]], [Buffer.byteLength('héllo'), -1]],
    ['iiiiiiiiiidddddddddd', [...Array.from({ length: 10 }, (_, i) => ['int', i * 11 - 50]),
      ...Array.from({ length: 10 }, (_, i) => ['double', i / 4 - 1])],
    [...Array.from({ length: 10 }, (_, i) => i * 11 - 50), ...Array.from({ length: 10 }, (_, i) => i / 4 - 1)]],
    PTR_BITS === 64 ? ['ip', [['int8_t', -3], ['void *', 0x123456789an]], [-3, 0x123456789a]]
      : ['ip', [['int8_t', -3], ['void *', 0x12345678n]], [-3, 0x12345678]],
    ['ii', [['short', -300], ['char', -7]], [-300, -7]],
    ['d', [['double', -0]], [-0]],
  ];
  for (const [types, pairs, recorded] of cases) {
    let want = 0;
    recorded.forEach((v, i) => { want += (i + 1) * Number(v); });
    for (const [how, f] of [['prototype', vm], ['classic', vmClassic]]) {
      const res = f(types, ...pairs.flat());
      is(t, res, want, `variadic_mixed('${types}') ${how}`);
      t.equal(getArgc(), recorded.length);
      recorded.forEach((v, i) => {
        if (types[i] === 'd') is(t, getArg(i), v, `'${types}' argument ${i} (double)`);
        else is(t, getArgI64(i), toJS(BigInt(v)), `'${types}' argument ${i} (integer)`);
      });
    }
  }
  if (PTR_BITS === 32) {
    // A variadic pointer is refused, never truncated, when the address does not fit 32 bits.
    t.throws(() => vm('ip', 'int8_t', -3, 'void *', 0x123456789an), { name: 'RangeError', message: /argument 3/ },
      'a 64-bit address as a variadic void * is a RangeError');
  }
  // TypeObjects as variadic types.
  is(t, vm('id', koffi.types.int, 9, koffi.types.double, 0.5), 9 + 2 * 0.5);

  const sumI = lib.func('long long variadic_sum_i(int n, ...)');
  t.equal(sumI(0), 0);
  t.equal(sumI(3, 'int', 1, 'int', -2, 'int', 2147483647), 1 - 2 + 2147483647);
  const many = Array.from({ length: 30 }, (_, i) => (i % 2 ? -1 : 1) * i * 1000);
  t.equal(sumI(many.length, ...many.flatMap((v) => ['int', v])), many.reduce((a, b) => a + b, 0), '30 variadic ints');
  const sumD = lib.func('double variadic_sum_d(int n, ...)');
  const ds = Array.from({ length: 12 }, (_, i) => i / 3 - 2);
  let wantD = 0;
  for (const d of ds) wantD += d;
  is(t, sumD(ds.length, ...ds.flatMap((v) => ['double', v])), wantD, '12 variadic doubles');
  is(t, sumD(2, 'float', 0.1, 'float', 0.2), Math.fround(0.1) + Math.fround(0.2), 'floats are promoted to double');

  const buf = Buffer.alloc(256);
  const text = () => buf.toString('utf8', 0, buf.indexOf(0));
  const snp = lib.func('int cp_snprintf(char *buf, size_t cap, const char *fmt, ...)');
  let n = snp(buf, buf.length, '%d|%.3f|%s|%lld|%u|%.4f', 'int', -7, 'double', 3.14159, 'str', 'abc', 'int64_t',
    -(2n ** 50n), 'uint', 4294967295, 'float', 0.5);
  let want = `-7|${(3.14159).toFixed(3)}|abc|${-(2n ** 50n)}|4294967295|0.5000`;
  t.equal(text(), want);
  t.equal(n, Buffer.byteLength(want));
  n = snp(buf, buf.length, '[%s] [%s] %c%c', 'str', 'héllo 😀', 'const char *', '', 'int', 0x41, 'char', 0x7a);
  want = '[héllo 😀] [] Az';
  t.equal(text(), want);
  t.equal(n, Buffer.byteLength(want));
  n = snp(buf, 8, '%s', 'str', 'abcdefghijkl');
  t.equal(text(), 'abcdefg', 'truncated by cap');
  t.equal(n, 12, 'snprintf returns the full length');
  n = snp(buf, buf.length, '%.10f %.10f', 'float', 0.1, 'double', 0.1);
  t.equal(text(), `${Math.fround(0.1).toFixed(10)} ${(0.1).toFixed(10)}`, 'float promoted to double keeps float precision');
  n = snp(buf, buf.length, 'no arguments');
  t.equal(text(), 'no arguments');
  t.equal(n, 12);

  const libc = koffi.load(null);
  const snprintf = libc.func('int snprintf(char *str, size_t size, const char *format, ...)');
  // %lx reads an unsigned long: 64 bits (LP64) or 32 (ILP32).
  const ulong = LONG_BITS === 64 ? 0xdeadbeefcafen : 0xdeadbeefn;
  n = snprintf(buf, buf.length, '%s=%d, %s=%.2f, %lx', 'str', 'x', 'int', 42, 'str', 'y', 'double', 2.71828, 'unsigned long',
    ulong);
  want = `x=42, y=${(2.71828).toFixed(2)}, ${ulong.toString(16)}`;
  t.equal(text(), want);
  t.equal(n, want.length);
  const sprintfClassic = libc.func('snprintf', 'int', ['char *', 'size_t', 'str', '...']);
  n = sprintfClassic(buf, buf.length, '%lld %lld', 'long long', 2n ** 63n - 1n, 'int64_t', -(2n ** 63n));
  t.equal(text(), `${2n ** 63n - 1n} ${-(2n ** 63n)}`);
  t.end();
});

t.test('100,000 calls with changing values', (t) => {
  const add = lib.func('int add_int(int, int)');
  let bad = 0;
  let first = null;
  for (let i = 0; i < 100000; i++) {
    const a = i * 7 - 350000;
    const b = (i % 1000) * -13;
    const r = add(a, b);
    if (r !== a + b) { bad++; if (first === null) first = { i, a, b, r }; }
  }
  t.equal(bad, 0, 'add_int results', { first });

  const addD = lib.func('double add_double(double, double)');
  bad = 0;
  for (let i = 0; i < 100000; i++) {
    const a = i / 3;
    const b = -i * 1.5;
    if (!Object.is(addD(a, b), a + b)) bad++;
  }
  t.equal(bad, 0, 'add_double results');

  const add64 = lib.func('int64_t add_i64(int64_t, int64_t)');
  bad = 0;
  for (let i = 0; i < 100000; i++) {
    const a = BigInt(i) * 0x10000000001n;
    const b = -(2n ** 62n) + BigInt(i);
    if (add64(a, b) !== toJS(BigInt.asIntN(64, a + b))) bad++;
  }
  t.equal(bad, 0, 'add_i64 results');

  const m10 = lib.func('double mixed10(int8_t, double, int, uint16_t, float, int64_t, int, double, int8_t, uint16_t)');
  bad = 0;
  for (let i = 0; i < 20000; i++) {
    const args = [(i % 256) - 128, i / 8, -i, i % 65536, i + 0.5, i * 3, i * -2, -i / 4, (i * 7) % 128, (i * 13) % 65536];
    let want = 0;
    args.forEach((v, k) => { want += (k + 1) * v; });
    if (m10(...args) !== want) bad++;
  }
  t.equal(bad, 0, 'mixed10 results in a loop');
  t.end();
});

t.test('a function declared many times', (t) => {
  const fns = [];
  for (let i = 0; i < 2000; i++) {
    if (i % 3 === 0) fns.push(lib.func('long long sum_i3(int, int, int)'));
    else if (i % 3 === 1) fns.push(lib.func('sum_i3', 'int64_t', ['int', 'int', 'int']));
    else fns.push(lib.func(`long long sum_i3(int a${i}, int b, int c)`));
  }
  let bad = 0;
  fns.forEach((f, i) => { if (f(i, -i, 3) !== i - 2 * i + 9) bad++; });
  t.equal(bad, 0, 'all 2000 declarations work');
  // Interleaved with other declarations that stay alive.
  const others = [];
  for (let n = 1; n <= 20; n++) others.push([n, lib.func(`double sum_d${n}(${Array(n).fill('double').join(',')})`)]);
  for (let round = 0; round < 50; round++) {
    for (const [n, f] of others) {
      const args = Array.from({ length: n }, (_, i) => round + i);
      let want = 0;
      args.forEach((a, i) => { want = i === 0 ? a : want + (i + 1) * a; });
      if (f(...args) !== want) bad++;
    }
    if (fns[round * 7](round, round, round) !== 6 * round) bad++;
  }
  t.equal(bad, 0, 'interleaved declarations keep working');
  t.end();
});

t.test('stack alignment at the call', (t) => {
  t.equal(lib.func('int stack_align_mod16(void)')(), 0);
  const f = lib.func('int stack_align_mod16_args(int, int, int, int, int, int, int, double, double, double, double, double, double, double, double, double)');
  t.equal(f(1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9), 0);
  t.end();
});

t.test('declared functions are freed when collected, not before (child, --expose-gc)', (t) => {
  const { spawnSync } = require('node:child_process');
  const { nodePath } = require('./support/env.js');
  const src = `
    'use strict';
    const koffi = require(${JSON.stringify(require.resolve('..'))});
    const lib = koffi.load(${JSON.stringify(paths.cptest)});
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    (async () => {
      const base = koffi.stats().functions;
      const kept = lib.func('int add_int(int, int)');
      const asyncOnly = lib.func('int add_int(int, int)').async; // its function is dropped
      for (let i = 0; i < 3000; i++) lib.func(i % 2 ? 'int add_int(int, int)' : 'double add_double(double, double)');
      const declared = koffi.stats().functions - base;
      for (let i = 0; i < 6; i++) { global.gc(); await settle(); }
      const left = koffi.stats().functions - base;
      const sum = await new Promise((resolve, reject) => asyncOnly(40, 2, (e, v) => (e ? reject(e) : resolve(v))));
      console.log(JSON.stringify({ declared, left, sync: kept(1, 2), sum }));
    })();
  `;
  const r = spawnSync(nodePath, ['--expose-gc', '-e', src], { encoding: 'utf8', timeout: 60000 });
  t.equal(r.status, 0, `child exit 0 (stderr: ${(r.stderr || '').slice(0, 500)})`);
  const line = (r.stdout || '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  const out = line ? JSON.parse(line) : {};
  t.equal(out.declared, 3002, 'every declaration counted');
  // The kept function and the one whose .async is kept stay (the async call below needs it);
  // the 3,000 dropped ones are freed (a few may outlive six collections).
  t.ok(out.left >= 2 && out.left < 50, `dropped functions freed, kept ones not (${out.left} left)`);
  t.equal(out.sync, 3);
  t.equal(out.sum, 42, 'an async function outlives the function it came from');
  t.end();
});
