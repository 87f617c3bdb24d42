// Error behaviour: wrong argument types and counts, bad declarations, koffi.config()
// validation, the type registry (type/sizeof/alignof/alias/opaque/pointer), koffi.types and
// the version fields. Nothing here may crash the process; the most hostile inputs run in a
// child process whose exit status is checked.
'use strict';
const t = require('tap');
const path = require('path');
const { spawnSync } = require('child_process');
const koffi = require('..');
const { testlibPaths: paths, testlibPathsFile, nodePath } = require('./support/env.js');

const ROOT = path.join(__dirname, '..');
// Pointer size of the data model (checked against the ISA in 'koffi.type / sizeof / alignof').
const PTR_SIZE = koffi.sizeof('void *');
const lib = koffi.load(paths.cptest);

const caught = require('./support/caught.js');

function child(code) {
  const prelude = `const koffi = require(${JSON.stringify(ROOT)}); const paths = require(${JSON.stringify(testlibPathsFile)});\n`;
  const r = spawnSync(nodePath, ['-e', prelude + code], { encoding: 'utf8', timeout: 120000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout.trim(), stderr: r.stderr };
}

function describeJS(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

// Checks a TypeError naming the argument index, the C type and the received JS type.
function argError(t, fn, index, ctype, received, msg) {
  const e = caught(t, fn, msg);
  t.type(e, TypeError, `${msg}: TypeError`);
  t.match(e.message, `argument ${index}`, `${msg}: names argument ${index}`);
  t.match(e.message, ctype, `${msg}: names the C type ${ctype}`);
  t.match(e.message, received, `${msg}: names the received type ${received}`);
}

t.test('wrong JS types for string parameters', (t) => {
  const len = lib.func('size_t str_len(const char *s)');
  const eq = lib.func('int str_equal(const char *a, const char *b)');
  argError(t, () => len(5), 1, 'char *', 'number', 'Number for const char *');
  argError(t, () => len(5.5), 1, 'char *', 'number', 'fractional Number for const char *');
  argError(t, () => eq('a', 12), 2, 'char *', 'number', 'Number as argument 2');
  for (const v of [true, {}, Symbol('s'), () => 1]) argError(t, () => len(v), 1, 'char *', describeJS(v), `${describeJS(v)} for const char *`);
  const len16 = lib.func('size_t str16_len(str16)');
  argError(t, () => len16(7), 1, 'char16_t *', 'number', 'Number for str16');
  const len32 = lib.func('size_t str32_len(str32)');
  argError(t, () => len32(7), 1, 'char32_t *', 'number', 'Number for str32');
  const wlen = lib.func('size_t wstr_len(wstring)');
  argError(t, () => wlen(7), 1, 'wchar_t *', 'number', 'Number for wstring');
  t.end();
});

t.test('wrong JS types for integer, float and bool parameters', (t) => {
  const ints = [
    ['int id_int(int)', 'int'], ['int8_t id_i8(int8_t)', 'int8_t'], ['uint16_t id_u16(uint16_t)', 'uint16_t'],
    ['int64_t id_i64(int64_t)', 'int64_t'], ['uint64_t id_u64(uint64_t)', 'uint64_t'], ['size_t id_size(size_t)', 'size_t'],
    ['char id_char(char)', 'char'], ['uint32_be_t bytes_u32(uint32_be_t)', 'uint32_be_t'],
  ];
  for (const [proto, ctype] of ints) {
    const f = lib.func(proto);
    for (const v of ['5', '', {}, [], Symbol('x'), undefined, null, true, () => 1]) {
      argError(t, () => f(v), 1, ctype, describeJS(v), `${describeJS(v)} for ${ctype}`);
    }
  }
  // The position is the failing one, not the first.
  const sum3 = lib.func('long long sum_i3(int, int, int)');
  argError(t, () => sum3(1, 2, '3'), 3, 'int', 'string', 'third argument');
  const m = lib.func('double mixed10(int8_t, double, int, uint16_t, float, int64_t, int, double, int8_t, uint16_t)');
  argError(t, () => m(1, 2, 3, 4, 5, 6, 7, 8, 9, 'x'), 10, 'uint16_t', 'string', 'tenth (stack) argument');
  argError(t, () => m(1, 'y', 3, 4, 5, 6, 7, 8, 9, 10), 2, 'double', 'string', 'string for double');

  for (const [proto, ctype] of [['double id_double(double)', 'double'], ['float id_float(float)', 'float']]) {
    const f = lib.func(proto);
    for (const v of ['1.5', {}, Symbol('x'), undefined, null, true]) {
      argError(t, () => f(v), 1, ctype, describeJS(v), `${describeJS(v)} for ${ctype}`);
    }
  }
  const b = lib.func('bool id_bool(bool)');
  for (const v of [0, 1, 1n, 'true', '', null, undefined, {}, Symbol('b')]) {
    argError(t, () => b(v), 1, 'bool', describeJS(v), `${describeJS(v)} for bool`);
  }
  // Exceptions thrown while reading an argument propagate.
  const readI32 = lib.func('int read_i32_at(const int *)');
  const arr = [1];
  Object.defineProperty(arr, 0, { get() { throw new Error('getter boom'); } });
  t.throws(() => readI32(arr), /getter boom/, 'a throwing getter propagates');
  t.end();
});

t.test('wrong JS types for pointer parameters', (t) => {
  const protos = [['int ptr_is_null(void *)', 'void *'], ['int read_i32_at(const int *)', 'int *'],
    ['long long read_i64_at(const long long *)', 'long long *'], ['int read_i32_pp(int *const *)', 'int **']];
  for (const [proto, ctype] of protos) {
    const f = lib.func(proto);
    for (const v of [0, 1, 4096, 1.5, -1, 'abc', '', true, Symbol('p')]) {
      argError(t, () => f(v), 1, ctype, describeJS(v), `${describeJS(v)} for ${ctype}`);
    }
  }
  const isNull = lib.func('int ptr_is_null(void *)');
  argError(t, () => isNull({}), 1, 'void *', 'object', 'plain object for void *');
  argError(t, () => isNull({ x: 1 }), 1, 'void *', 'object', 'plain object with a key for void *');
  t.end();
});

t.test('wrong argument counts', (t) => {
  const add = lib.func('int add_int(int, int)');
  t.throws(() => add(), TypeError, 'no arguments');
  t.throws(() => add(1), TypeError, 'too few');
  t.throws(() => add(1, 2, 3), TypeError, 'too many');
  const e = caught(t, () => add(1), 'too few');
  t.match(e.message, '2', 'says how many are expected');
  const noop = lib.func('void cp_noop(void)');
  t.throws(() => noop(1), TypeError, 'argument to a (void) function');
  const s20 = lib.func(`long long sum_i20(${Array(20).fill('int').join(', ')})`);
  t.throws(() => s20(...Array(19).fill(1)), TypeError, '19 of 20');
  t.throws(() => s20(...Array(21).fill(1)), TypeError, '21 of 20');
  t.equal(s20(...Array(20).fill(1)), 210, 'exactly 20 is fine');
  const vm = lib.func('double variadic_mixed(const char *, ...)');
  t.throws(() => vm(), TypeError, 'variadic without its fixed argument');
  t.throws(() => vm('i', 'int'), TypeError, 'variadic type without a value');
  t.throws(() => vm('i', 'int', 1, 'int'), TypeError, 'odd variadic pair');
  t.end();
});

t.test('unknown type names', (t) => {
  const cases = [
    () => lib.func('int id_int(foo_t)'),
    () => lib.func('foo_t id_int(int)'),
    () => lib.func('id_int', 'int', ['foo_t']),
    () => lib.func('id_int', 'foo_t', ['int']),
    () => koffi.type('foo_t'),
    () => koffi.sizeof('foo_t'),
    () => koffi.alignof('foo_t'),
    () => koffi.pointer('foo_t'),
    () => koffi.alias('FooAlias', 'foo_t'),
    () => lib.func('double variadic_mixed(const char *, ...)')('i', 'foo_t', 1),
  ];
  cases.forEach((fn, i) => {
    const e = caught(t, fn, `case ${i}`);
    t.type(e, Error);
    t.match(e.message, 'foo_t', `case ${i} names the type`);
  });
  t.end();
});

t.test('arrays as parameter or result types', (t) => {
  const params = [
    () => lib.func('int read_i32_at(int a[4])'),
    () => lib.func('int read_i32_at(int [4])'),
    () => lib.func('read_i32_at', 'int', ['int [4]']),
    () => lib.func('read_i32_at', 'int', [koffi.array('int', 4)]),
  ];
  params.forEach((fn, i) => {
    const e = caught(t, fn, `array parameter ${i}`);
    t.type(e, Error);
    t.match(e.message, /decay/, `array parameter ${i}: mentions decay`);
    t.match(e.message, /pointer/, `array parameter ${i}: mentions pointers`);
  });
  // A declaration that slipped through must at least not crash when called.
  const r = child(`
    const lib = koffi.load(paths.cptest);
    let declared = false, message = null;
    try { lib.func('read_i32_at', 'int', [koffi.array('int', 4)]); declared = true; } catch (e) { message = e.message; }
    if (declared) {
      const f = lib.func('read_i32_at', 'int', [koffi.array('int', 4)]);
      try { f(Int32Array.from([5, 6, 7, 8])); } catch (e) {}
      try { f(null); } catch (e) {}
    }
    console.log(JSON.stringify({ declared, message }));`);
  t.equal(r.signal, null, 'array TypeObject parameter: no crash', { stderr: r.stderr.slice(-1000) });
  t.equal(r.status, 0, 'array TypeObject parameter: child exits normally');
  const res = r.status === 0 ? JSON.parse(r.stdout) : {};
  t.equal(res.declared, false, 'array TypeObject parameter is rejected at declaration');
  const results = [
    () => lib.func('int [4] id_int(int)'),
    () => lib.func('id_int', 'int [4]', ['int']),
    () => lib.func('id_int', koffi.array('int', 4), ['int']),
  ];
  results.forEach((fn, i) => {
    const e = caught(t, fn, `array result ${i}`);
    t.type(e, Error);
    t.match(e.message, /array/, `array result ${i}: says why`);
  });
  t.end();
});

t.test('! on a non-pointer type', (t) => {
  for (const fn of [
    () => lib.func('int! id_int(int)'),
    () => lib.func('id_int', 'int!', ['int']),
    () => lib.func('double! id_double(double)'),
    () => koffi.disposable('int'),
    () => koffi.disposable('DispDouble', 'double'),
  ]) {
    const e = caught(t, fn, String(fn));
    t.type(e, Error);
    t.match(e.message, /disposable|pointer|!/);
  }
  t.end();
});

t.test('! on pointer and string types is accepted', (t) => {
  t.doesNotThrow(() => lib.func('char *! str_dup(const char *)'), 'char *!');
  t.doesNotThrow(() => lib.func('str! str_dup(const char *)'), 'str!');
  t.doesNotThrow(() => lib.func('void *! cp_alloc(size_t)'), 'void *!');
  t.doesNotThrow(() => lib.func('cp_alloc', 'void *!', ['size_t']), "classic 'void *!'");
  t.end();
});

t.test('void parameters', (t) => {
  for (const fn of [
    () => lib.func('int id_int(void x)'),
    () => lib.func('int add_int(int, void)'),
    () => lib.func('int add_int(void, int)'),
    () => lib.func('id_int', 'int', ['void']),
    () => lib.func('add_int', 'int', ['int', koffi.types.void]),
  ]) {
    const e = caught(t, fn, String(fn));
    t.type(e, Error);
    t.match(e.message, /void/);
  }
  t.equal(lib.func('int sum_i0(void)')(), 42, '(void) alone means no parameters');
  t.equal(lib.func('void cp_noop(void)').info.arguments.length, 0);
  t.end();
});

t.test('malformed prototypes', (t) => {
  const bad = ['int id_int(int', 'int (int)', 'id_int', '', '   ', 'int id_int(int,)', 'int 3x(int)', 'int id_int(int) garbage',
    'int id_int((int)', 'int id_int(int))', 'int id_int(, int)', 'int id_int(...)x', 'int id_int(..., int)',
    'int id_int(int ...)', '* id_int(int)', 'int id-int(int)', 'int id_int(int a b)', 'int id_int(int, , int)',
    'int id_int(int [)', 'int id_int(int [-1])', 'int id_int(int [x])', 'const id_int(int)', 'int id_int(const)',
    '(int) id_int', 'int id_int int', 'int *** ** id_int(int)x', '\u0000int id_int(int)', 'int id_int(int)\u0000'];
  for (const p of bad) {
    const e = caught(t, () => lib.func(p), JSON.stringify(p));
    t.type(e, Error, `${JSON.stringify(p)} is an Error`);
  }
  for (const v of [42, {}, null, undefined, [], Symbol('f')]) {
    const e = caught(t, () => lib.func(v), `lib.func(${describeJS(v)})`);
    t.type(e, TypeError);
  }
  t.throws(() => lib.func(), TypeError, 'no arguments');
  t.throws(() => lib.func('a', 'b'), TypeError, 'two arguments');
  t.throws(() => lib.func('id_int', 'int', 'int'), TypeError, 'params not an array');
  t.throws(() => lib.func(null, 'int', ['int']), TypeError, 'null name');
  t.throws(() => lib.func('add_int', 'int', ['int', '...', 'int']), Error, "'...' not last");
  t.end();
});

t.test('calling conventions', (t) => {
  let e = caught(t, () => lib.func('__bogus', 'id_int', 'int', ['int']), 'invalid convention');
  t.type(e, Error);
  t.match(e.message, '__bogus');
  e = caught(t, () => lib.func('cdecl', 'id_int', 'int', ['int']), 'convention without underscores');
  t.match(e.message, 'cdecl');
  e = caught(t, () => lib.func(42, 'id_int', 'int', ['int']), 'number as convention');
  t.type(e, Error);
  t.throws(() => lib.func('int __bogus id_int(int)'), Error, 'invalid convention in a prototype');
  // Conventions are ignored on x64 and arm64; on i386 each declares a function compiled with it.
  for (const c of ['__cdecl', '__stdcall', '__fastcall', '__thiscall']) {
    const name = process.arch === 'ia32' && c !== '__cdecl' ? `add_int_${c.slice(2)}` : 'add_int';
    t.equal(lib.func(c, name, 'int', ['int', 'int'])(-9, 0), -9, `${c} is accepted`);
  }
  t.end();
});

t.test('koffi.config() validation and defaults (fresh process)', (t) => {
  const r = child(`
    function attempt(f) { try { return { ok: true, value: f() }; } catch (e) { return { ok: false, type: e.constructor.name, message: e.message }; } }
    const out = {};
    out.defaults = koffi.config();
    out.empty = koffi.config({});
    const KEYS = Object.keys(out.defaults);
    out.unknown = attempt(() => koffi.config({ bogus_setting: 1 }));
    out.mixedUnknown = attempt(() => koffi.config({ sync_stack_size: 1 << 20, other_bogus: 2 }));
    out.nonInteger = {};
    out.outOfRange = {};
    for (const k of KEYS) {
      out.nonInteger[k] = [1.5, '4096', NaN, true, null, {}, 2n].map((v) => attempt(() => koffi.config({ [k]: v })));
      out.outOfRange[k] = [-1, 2 ** 40, Infinity].map((v) => attempt(() => koffi.config({ [k]: v })));
    }
    out.afterErrors = koffi.config();
    out.notObject = [5, 'x', null].map((v) => attempt(() => koffi.config(v)));
    out.set = attempt(() => koffi.config({ sync_stack_size: 1 << 20, max_async_calls: 100 }));
    out.afterSet = koffi.config();
    const lib = koffi.load(paths.cptest);
    out.call = lib.func('int add_int(int, int)')(2, 3);
    out.memoryAfterCall = attempt(() => koffi.config({ sync_heap_size: 1 << 21 }));
    out.afterCall = koffi.config();
    console.log(JSON.stringify(out));`);
  t.equal(r.signal, null, 'no crash', { stderr: r.stderr });
  t.equal(r.status, 0, 'child exits normally', { stderr: r.stderr });
  let out;
  try { out = JSON.parse(r.stdout); } catch { t.fail('JSON from child', { stdout: r.stdout, stderr: r.stderr }); t.end(); return; }
  // Defaults documented by Koffi (doc/misc.md, "Default settings").
  t.same(out.defaults, {
    sync_stack_size: 2 * 1024 * 1024,
    sync_heap_size: 1024 * 1024,
    async_stack_size: 128 * 1024,
    async_heap_size: 128 * 1024,
    resident_async_pools: 8,
    max_async_calls: 256,
    max_type_size: 64 * 1024 * 1024,
  }, 'defaults');
  t.same(out.empty, out.defaults, 'config({}) returns the settings');
  t.equal(out.unknown.ok, false, 'unknown key');
  t.match(out.unknown.message, 'bogus_setting');
  t.equal(out.mixedUnknown.ok, false);
  t.match(out.mixedUnknown.message, 'other_bogus');
  for (const [k, list] of Object.entries(out.nonInteger)) {
    list.forEach((res, i) => {
      t.equal(res.ok, false, `${k}: non-integer value ${i} rejected`);
      t.match(res.message || '', k, `${k}: error names the key`);
    });
  }
  for (const [k, list] of Object.entries(out.outOfRange)) {
    list.forEach((res, i) => {
      t.equal(res.ok, false, `${k}: out-of-range value ${i} rejected`);
      t.match(res.message || '', k, `${k}: error names the key`);
    });
  }
  t.same(out.afterErrors, out.defaults, 'rejected settings change nothing');
  out.notObject.forEach((res) => t.equal(res.ok, false, 'non-object config() argument'));
  t.equal(out.set.ok, true, 'valid settings before the first call');
  t.equal(out.afterSet.sync_stack_size, 1 << 20);
  t.equal(out.afterSet.max_async_calls, 100);
  t.equal(out.call, 5);
  t.equal(out.memoryAfterCall.ok, false, 'memory settings cannot change after the first call');
  t.equal(out.afterCall.sync_heap_size, out.defaults.sync_heap_size);
  t.end();
});

t.test('koffi.config() maximums from the Koffi documentation', (t) => {
  const r = child(`
    function attempt(f) { try { f(); return null; } catch (e) { return e.message; } }
    const max = { sync_stack_size: 16 << 20, sync_heap_size: 16 << 20, async_stack_size: 16 << 20, async_heap_size: 16 << 20,
      resident_async_pools: 32, max_async_calls: 4096, max_type_size: 512 << 20 };
    const out = {};
    for (const [k, v] of Object.entries(max)) out[k] = [attempt(() => koffi.config({ [k]: v })), attempt(() => koffi.config({ [k]: v + 1 }))];
    console.log(JSON.stringify(out));`);
  t.equal(r.status, 0, 'child exits normally', { stderr: r.stderr });
  const out = JSON.parse(r.stdout || '{}');
  for (const [k, [atMax, aboveMax]] of Object.entries(out)) {
    t.equal(atMax, null, `${k} at its maximum is accepted`);
    t.ok(aboveMax && aboveMax.includes(k), `${k} above its maximum is an error naming it`);
  }
  t.equal(Object.keys(out).length, 7);
  t.end();
});

t.test('koffi.type / sizeof / alignof', (t) => {
  // LP64; on ILP32 (ia32) pointers, long, size_t and intptr_t are 4 bytes and 8-byte scalars align to 4.
  const P = process.arch === 'ia32' ? [4, 4] : [8, 8];
  const W = process.arch === 'ia32' ? [8, 4] : [8, 8];
  const expect = {
    bool: [1, 1], char: [1, 1], short: [2, 2], int: [4, 4], long: P, 'long long': W, float: [4, 4],
    double: W, int8_t: [1, 1], uint16_t: [2, 2], int32_t: [4, 4], uint64_t: W, size_t: P,
    intptr_t: P, wchar_t: [4, 4], char16_t: [2, 2], char32_t: [4, 4], 'void *': P, 'char *': P,
    'const char *': P, str: P, str16: P, 'int **': P, int64_be_t: W, uint16_le: [2, 2],
  };
  for (const [name, [size, align]] of Object.entries(expect)) {
    t.equal(koffi.sizeof(name), size, `sizeof(${name})`);
    t.equal(koffi.alignof(name), align, `alignof(${name})`);
    const ty = koffi.type(name);
    t.equal(ty.size, size);
    t.equal(ty.alignment, align);
    t.equal(typeof ty.name, 'string');
    t.equal(typeof ty.primitive, 'string');
    t.equal(koffi.sizeof(ty), size, 'sizeof(TypeObject)');
  }
  t.equal(koffi.type(koffi.types.int), koffi.types.int, 'type(TypeObject) is itself');
  t.equal(koffi.type('int').name, 'int');
  t.equal(koffi.type('int *').primitive, 'Pointer');
  t.equal(koffi.type('int *').ref.name, 'int');
  t.equal(koffi.type('const char *').primitive, 'String');
  t.equal(koffi.type('void').primitive, 'Void');
  for (const v of [42, null, undefined, {}, Symbol('t'), '']) {
    t.throws(() => koffi.type(v), Error, `type(${describeJS(v)})`);
    t.throws(() => koffi.sizeof(v), Error, `sizeof(${describeJS(v)})`);
  }
  t.end();
});

t.test('koffi.pointer: named pointer types and pointer depth', (t) => {
  const p1 = koffi.pointer('ErrTestIntPtr', 'int');
  t.equal(p1.name, 'ErrTestIntPtr');
  t.equal(p1.primitive, 'Pointer');
  t.equal(p1.size, PTR_SIZE);
  t.equal(p1.ref.name, 'int');
  t.equal(koffi.type('ErrTestIntPtr').ref.name, 'int', 'registered by name');
  const read = lib.func('int read_i32_at(ErrTestIntPtr p)');
  t.equal(read(Int32Array.from([-77])), -77, 'named pointer type as parameter');
  t.throws(() => read(Buffer.alloc(2)), RangeError, 'named pointer keeps the pointee size');
  const anon = koffi.pointer('int');
  t.equal(anon.name, 'int *');
  t.equal(koffi.pointer(koffi.types.double).ref.name, 'double');
  const p2 = koffi.pointer('int', 2);
  t.equal(p2.name, 'int **');
  t.equal(p2.ref.ref.name, 'int');
  const p3 = koffi.pointer('ErrTestIntPtrPtrPtr', 'int', 3);
  t.equal(p3.name, 'ErrTestIntPtrPtrPtr');
  t.equal(p3.ref.ref.ref.name, 'int');
  t.equal(koffi.type('int ***').ref.ref.ref.name, 'int');
  const pp = lib.func('int read_i32_pp(int **)');
  const target = Int32Array.from([31]);
  t.equal(pp(BigUint64Array.from([koffi.address(target)])), 31);
  for (const bad of [0, -1, 1.5, 'x']) t.throws(() => koffi.pointer('int', bad), Error, `depth ${String(bad)}`);
  let e = caught(t, () => koffi.pointer('ErrTestIntPtr', 'double'), 'duplicate pointer name');
  t.match(e.message, 'ErrTestIntPtr');
  e = caught(t, () => koffi.pointer('3bad', 'int'), 'invalid pointer name');
  t.match(e.message, '3bad');
  t.end();
});

t.test('koffi.alias and koffi.opaque', (t) => {
  const a = koffi.alias('ErrTestMyInt', 'int32_t');
  t.equal(a.size, 4);
  t.equal(koffi.sizeof('ErrTestMyInt'), 4);
  t.equal(lib.func('ErrTestMyInt id_i32(ErrTestMyInt)')(-5), -5, 'alias in a prototype');
  t.equal(lib.func('id_i32', 'ErrTestMyInt', ['ErrTestMyInt'])(2 ** 31), -(2 ** 31), 'alias keeps the conversion');
  t.equal(koffi.sizeof('ErrTestMyInt *'), PTR_SIZE, 'pointer to alias');
  const a2 = koffi.alias('ErrTestMyStr', 'const char *');
  t.equal(lib.func('size_t str_len(ErrTestMyStr)')('héllo'), Buffer.byteLength('héllo'));
  t.equal(a2.primitive, 'String');
  const a3 = koffi.alias('ErrTestAliasOfAlias', 'ErrTestMyInt');
  t.equal(a3.size, 4);
  t.equal(lib.func('int id_int(ErrTestAliasOfAlias)')(12), 12);
  for (const [name, target] of [['ErrTestMyInt', 'int'], ['ErrTestMyInt', 'int32_t'], ['int', 'long'], ['double', 'float'],
    ['str', 'int'], ['ErrTestIntPtr', 'int']]) {
    const e = caught(t, () => koffi.alias(name, target), `alias('${name}', '${target}') duplicate`);
    t.match(e.message, name);
  }
  for (const bad of ['3bad', 'has space', 'a-b', '', 'int*']) {
    t.throws(() => koffi.alias(bad, 'int'), Error, `invalid alias name ${JSON.stringify(bad)}`);
  }
  const o = koffi.opaque('ErrTestHandle');
  t.equal(o.name, 'ErrTestHandle');
  const isNull = lib.func('int ptr_is_null(ErrTestHandle *h)');
  t.equal(isNull(null), 1);
  t.equal(isNull(0x1000n), 0);
  const mk = lib.func('ErrTestHandle *int_to_ptr(intptr_t)');
  t.equal(mk(0x2000), 0x2000n, 'opaque pointer results are BigInts');
  t.equal(mk(0), null);
  const hp = koffi.pointer('ErrTestHandlePtr', o);
  t.equal(hp.size, PTR_SIZE);
  t.equal(lib.func('intptr_t ptr_to_int(ErrTestHandlePtr)')(0x3000n), 0x3000);
  const anon = koffi.opaque();
  t.equal(typeof anon.name, 'string');
  t.throws(() => koffi.opaque('9nope'), Error, 'invalid opaque name');
  t.throws(() => koffi.alias('ErrTestHandle', 'int'), /ErrTestHandle/, 'alias over an opaque name');
  t.end();
});

t.test('koffi.types has every primitive', (t) => {
  const names = ['void', 'bool', 'char', 'uchar', 'unsigned char', 'short', 'ushort', 'unsigned short', 'int', 'uint',
    'unsigned int', 'long', 'ulong', 'unsigned long', 'longlong', 'long long', 'ulonglong', 'unsigned long long',
    'int8', 'int8_t', 'uint8', 'uint8_t', 'int16', 'int16_t', 'uint16', 'uint16_t', 'int32', 'int32_t', 'uint32',
    'uint32_t', 'int64', 'int64_t', 'uint64', 'uint64_t', 'char16', 'char16_t', 'char32', 'char32_t', 'wchar_t', 'wchar',
    'float', 'float32', 'double', 'float64', 'intptr', 'intptr_t', 'uintptr', 'uintptr_t', 'size_t', 'str', 'string',
    'str16', 'string16', 'str32', 'string32', 'wstring'];
  for (const b of [16, 32, 64]) {
    for (const s of ['', 'u']) {
      for (const e of ['le', 'be']) for (const sfx of ['', '_t']) names.push(`${s}int${b}_${e}${sfx}`);
    }
  }
  const keys = Object.keys(koffi.types);
  for (const n of names) {
    t.ok(keys.includes(n), `koffi.types['${n}']`);
    const ty = koffi.types[n];
    if (!ty) continue;
    t.equal(ty.size, koffi.sizeof(n), `koffi.types['${n}'].size`);
    t.equal(ty.name, koffi.type(n).name, `koffi.types['${n}'].name`);
  }
  t.end();
});

t.test('version and extension', (t) => {
  t.equal(typeof koffi.version, 'string');
  t.match(koffi.version, /^\d+\.\d+\.\d+/);
  t.equal(koffi.extension, '.so');
  t.end();
});

t.test('hostile inputs do not crash (child process)', (t) => {
  const r = child(`
    const lib = koffi.load(paths.cptest);
    let thrown = 0, returned = 0;
    const weird = [undefined, null, 0, -1, 1.5, NaN, Infinity, 2n ** 70n, -(2n ** 70n), '', 'x', 'x'.repeat(100000), {}, [], [1, 2],
      [[1]], { length: 1e9 }, new Proxy({}, {}), Symbol('s'), () => 1, new Date(0), /re/, new Map(), Buffer.alloc(0),
      new ArrayBuffer(0), new SharedArrayBuffer(8), new DataView(new ArrayBuffer(0)), Object.create(null), true, 0n, -0];
    const protos = ['int id_int(int)', 'bool id_bool(bool)', 'double id_double(double)', 'float id_float(float)',
      'uint64_t id_u64(uint64_t)', 'int64_be_t bytes_u64(int64_be_t)', 'size_t str_len(const char *)', 'size_t str16_len(str16)',
      'size_t str32_len(str32)', 'size_t wstr_len(wstring)', 'int ptr_is_null(void *)', 'int ptr_aligned(const void *, size_t)',
      'uint8_t read_u8_at(const uint8_t *)', 'char16_t id_char16(char16_t)', 'wchar_t id_wchar(wchar_t)'];
    for (const p of protos) {
      const f = lib.func(p);
      const arity = f.info.arguments.length;
      for (const w of weird) {
        try {
          // C dereferences what it is given: no made-up addresses, no NULL for read_u8_at and
          // no unterminated memory for the string functions (those would be C errors, not FFI ones).
          const isMem = ArrayBuffer.isView(w) || w instanceof ArrayBuffer || w instanceof SharedArrayBuffer;
          if (p.startsWith('uint8_t read_u8_at') && (typeof w === 'bigint' || w == null)) continue;
          if (/char \\*|str|wstring/.test(p) && ((typeof w === 'bigint' && w !== 0n) || isMem)) continue;
          const args = Array(arity).fill(w);
          if (p.startsWith('int ptr_aligned')) args[1] = 8;
          f(...args); returned++;
        } catch (e) { thrown++; }
        try { f(); } catch { thrown++; }
        try { f(w, w, w, w); } catch { thrown++; }
      }
    }
    const decl = [[], [1], [null], [{}], ['int'], ['int', 'int'], ['id_int', 'int', [{}]], ['id_int', 'int', [null]],
      ['id_int', 'int', [undefined]], ['id_int', {}, ['int']], ['id_int', 'int', [[]]], ['id_int', 'int', ['int', 'int', 'int', '...', '...']],
      ['id_int', 'int', new Proxy([], {})], ['x'.repeat(5000) + ' id_int(int)'], ['int id_int(' + 'int *'.repeat(2000) + ')'],
      ['int id_int(' + Array(500).fill('int').join(',') + ')'], ['int ' + 'x'.repeat(10000) + '(int)'], [Symbol('s')],
      ['__cdecl', 'id_int', 'int', {}], ['int id_int(int [99999999999999999999])'], ['int id_int(int [1e9][1e9])']];
    for (const a of decl) { try { lib.func(...a); returned++; } catch { thrown++; } }
    for (const v of [undefined, null, 0, {}, [], 'x', Symbol('q'), () => 1, 'int [1000000000000]', 'int [4294967296]']) {
      for (const f of [koffi.type, koffi.sizeof, koffi.alignof, koffi.pointer, koffi.opaque, koffi.disposable]) {
        try { f(v); returned++; } catch { thrown++; }
      }
      for (const f of [koffi.alias, koffi.pointer]) { try { f('HostileName' + (returned + thrown), v); returned++; } catch { thrown++; } }
      try { koffi.config(v); } catch { thrown++; }
      try { koffi.errno(v); } catch { thrown++; }
      try { koffi.address(v); } catch { thrown++; }
      try { koffi.load(v); } catch { thrown++; }
      try { lib.symbol(v); } catch { thrown++; }
    }
    console.log(JSON.stringify({ thrown, returned, alive: lib.func('int add_int(int, int)')(20, 22) }));`);
  t.equal(r.signal, null, 'no crash by signal', { stderr: r.stderr.slice(-2000) });
  t.equal(r.status, 0, 'child exits normally', { stderr: r.stderr.slice(-2000) });
  let out = {};
  try { out = JSON.parse(r.stdout.split('\n').pop()); } catch { t.fail('JSON from child', { stdout: r.stdout.slice(-2000) }); }
  t.equal(out.alive, 42, 'the library still works after all of it');
  t.ok(out.thrown > 0, 'hostile inputs were rejected with exceptions');
  t.end();
});
