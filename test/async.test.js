// Asynchronous calls: fn.async(...args, (err, res) => {}) and fn.async(...args) -> Promise,
// against real C code (libc and build/testlib/libcptest.so). Covers results of many types,
// output parameters, disposable results, errno, errors delivered to the callback or the
// Promise, max_async_calls, config validation, calls while the JS thread is busy with sync
// calls, and that a process with finished async calls exits by itself.
'use strict';
const t = require('tap');
const path = require('path');
const { spawnSync } = require('child_process');
const koffi = require('..');
const { testlibPaths: paths, testlibPathsFile, nodePath } = require('./support/env.js');

const ROOT = path.join(__dirname, '..');
const libc = koffi.load(null);
const lib = koffi.load(paths.cptest);

// ---------------------------------------------------------------- helpers

// Callback form as a Promise of { err, res, nargs, errno } (errno read inside the callback).
function viaCallback(fn, ...args) {
  return new Promise((resolve) => {
    const ret = fn.async(...args, function (err, res) {
      resolve({ err, res, nargs: arguments.length, errno: koffi.errno(), ret });
    });
  });
}

function fnv1a(units) {
  let h = 0x811c9dc5;
  for (const u of units) h = Math.imul((h ^ u) >>> 0, 0x01000193) >>> 0;
  return h;
}
const checksum8 = (s) => fnv1a(Buffer.from(s, 'utf8')) | 0;

// A child process running `src` (CommonJS, `koffi` and `paths` predefined); never hangs the test.
function runChild(src, { timeout = 60000, nodeArgs = [] } = {}) {
  const prelude = `'use strict';\nconst koffi = require(${JSON.stringify(ROOT)});\n` +
    `const paths = require(${JSON.stringify(testlibPathsFile)});\n`;
  const t0 = Date.now();
  const r = spawnSync(nodePath, [...nodeArgs, '-e', prelude + src], { encoding: 'utf8', timeout, killSignal: 'SIGKILL' });
  return { status: r.status, signal: r.signal, stdout: r.stdout || '', stderr: r.stderr || '', error: r.error, ms: Date.now() - t0 };
}

function lastJsonLine(out) {
  const lines = out.trim().split('\n').filter((l) => l.startsWith('{'));
  return lines.length ? JSON.parse(lines[lines.length - 1]) : null;
}

// ---------------------------------------------------------------- declarations

const addInt = lib.func('int add_int(int a, int b)');
const addI64 = lib.func('long long add_i64(long long a, long long b)');
const addFloat = lib.func('float add_float(float a, float b)');
const addDouble = lib.func('double add_double(double a, double b)');
const idBool = lib.func('bool id_bool(bool v)');
const idI8 = lib.func('int8_t id_i8(int8_t v)');
const idU16 = lib.func('uint16_t id_u16(uint16_t v)');
const idI32 = lib.func('int32_t id_i32(int32_t v)');
const idU32 = lib.func('uint32_t id_u32(uint32_t v)');
const idI64 = lib.func('int64_t id_i64(int64_t v)');
const idU64 = lib.func('uint64_t id_u64(uint64_t v)');
const truncI8 = lib.func('int8_t trunc_i8(int v)');
const sumI20 = lib.func('long long sum_i20(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, ' +
  'int a10, int a11, int a12, int a13, int a14, int a15, int a16, int a17, int a18, int a19)');
const sumD20 = lib.func('double sum_d20(double a0, double a1, double a2, double a3, double a4, double a5, double a6, ' +
  'double a7, double a8, double a9, double a10, double a11, double a12, double a13, double a14, double a15, ' +
  'double a16, double a17, double a18, double a19)');
const mixed10 = lib.func('double mixed10(int8_t a0, double a1, int a2, uint16_t a3, float a4, int64_t a5, int a6, ' +
  'double a7, int8_t a8, uint16_t a9)');
const mixed8 = lib.func('double mixed8(int a, double b, float c, long long d, short e, double f, unsigned int g, float h)');

const strLen = lib.func('size_t str_len(const char *s)');
const strChecksum = lib.func('int str_checksum(const char *s)');
const strEcho = lib.func('const char *str_echo(const char *s)');
const strStatic = lib.func('const char *str_static(int which)');
const str16Echo = lib.func('const char16_t *str16_echo(const char16_t *s)');
const str32Echo = lib.func('const char32_t *str32_echo(const char32_t *s)');
const wstrEcho = lib.func('const wchar_t *wstr_echo(const wchar_t *s)');
const strCopyTo = lib.func('size_t str_copy_to(char *dst, size_t cap, const char *src)');
const strIsNull = lib.func('int str_is_null(const char *s)');

const ptrAdd = lib.func('void *ptr_add(void *p, intptr_t delta)');
const intToPtr = lib.func('void *int_to_ptr(intptr_t v)');
const ptrToInt = lib.func('intptr_t ptr_to_int(void *p)');
const readI32 = lib.func('int read_i32_at(const int *p)');
const writeI32 = lib.func('void write_i32_at(int *p, int v)');
const sumI32Array = lib.func('long long sum_i32_array(const int32_t *a, size_t n)');
const sumDoubleArray = lib.func('double sum_double_array(const double *a, size_t n)');
const scaleI32 = lib.func('void scale_i32_array(int32_t *a, size_t n, int32_t factor)');

const outI32 = lib.func('int out_i32(_Out_ int32_t *out, int32_t v)');
const outDouble = lib.func('int out_double(_Out_ double *out, double v)');
const outPtr = lib.func('int out_ptr(_Out_ void **out, void *v)');
const outStr = lib.func('int out_str(_Out_ const char **out, int which)');
const outStr16 = lib.func('int out_str16(_Out_ const char16_t **out, int which)');
const incI32 = lib.func('void inc_i32(_Inout_ int32_t *p)');
const swapI32 = lib.func('void swap_i32(_Inout_ int32_t *a, _Inout_ int32_t *b)');
const divMod = lib.func('int div_mod(int a, int b, _Out_ int *quot, _Out_ int *rem)');

const setErrnoRet = lib.func('int set_errno_ret(int e, int ret)');
const cpFree = lib.func('void cp_free(void *p)');
const cpFreeCount = lib.func('int cp_free_count(void)');
const variadicSum = lib.func('long long variadic_sum_i(int n, ...)');

const DivT = koffi.struct('async_div_t', { quot: 'int', rem: 'int' });
const LDivT = koffi.struct('async_ldiv_t', { quot: 'long', rem: 'long' });
// The data model: long, size_t and pointers are 8 bytes (LP64) or 4 (ILP32, ia32).
const LP64 = koffi.sizeof('long') === 8;
const PTR_BITS = BigInt(8 * koffi.sizeof('void *'));
const Tm = koffi.struct('async_tm', {
  tm_sec: 'int', tm_min: 'int', tm_hour: 'int', tm_mday: 'int', tm_mon: 'int', tm_year: 'int',
  tm_wday: 'int', tm_yday: 'int', tm_isdst: 'int', tm_gmtoff: 'long', tm_zone: 'const char *',
});
const div = libc.func('async_div_t div(int num, int denom)');
const ldiv = libc.func('async_ldiv_t ldiv(long num, long denom)');
// glibc's gmtime_r takes the time_t of the data model: long (32 bits on ia32, where a
// 64-bit time_t has other symbol names).
const gmtimeR = libc.func('async_tm *gmtime_r(const long *timep, _Out_ async_tm *result)');
const close = libc.func('int close(int fd)');
const strdup = libc.func('str! strdup(const char *s)');
const atoi = libc.func('int atoi(const char *str)');
const printf = libc.func('int printf(const char *fmt, ...)');

// ---------------------------------------------------------------- simple signatures, both forms

// [label, fn, args, expected]; every case runs in callback form and in Promise form.
const ALPHA = 'héllo wörld 😀 ✓';
const CASES = [
  ['add_int', addInt, [2, 3], 5],
  ['add_int negative', addInt, [-40000, 123456], 83456],
  ['add_int wraps like C', addInt, [0x7fffffff, 1], -0x80000000],
  ['add_i64 exact Number', addI64, [2 ** 52, 2 ** 52 - 1], 2 ** 53 - 1],
  ['add_i64 BigInt beyond 2^53', addI64, [2n ** 62n, 5n], 2n ** 62n + 5n],
  ['add_float', addFloat, [0.1, 0.2], Math.fround(Math.fround(0.1) + Math.fround(0.2))],
  ['add_double', addDouble, [0.1, 0.2], 0.1 + 0.2],
  ['id_bool true', idBool, [true], true],
  ['id_bool false', idBool, [false], false],
  ['id_i8 truncates input', idI8, [0x1ff], -1],
  ['id_u16', idU16, [65535], 65535],
  ['id_i32 min', idI32, [-0x80000000], -0x80000000],
  ['id_u32 max', idU32, [0xffffffff], 0xffffffff],
  ['id_i64 -2^63', idI64, [-(2n ** 63n)], -(2n ** 63n)],
  ['id_u64 2^64-1', idU64, [2n ** 64n - 1n], 2n ** 64n - 1n],
  ['id_u64 2^53', idU64, [2 ** 53], 2 ** 53],
  ['trunc_i8 narrows dirty register', truncI8, [0x1ff], -1],
  ['sum_i20 (stack arguments)', sumI20, Array.from({ length: 20 }, (_, i) => i - 7),
    Array.from({ length: 20 }, (_, i) => (i + 1) * (i - 7)).reduce((a, b) => a + b, 0)],
  ['sum_d20 (stack arguments)', sumD20, Array.from({ length: 20 }, (_, i) => i * 0.5),
    Array.from({ length: 20 }, (_, i) => (i + 1) * i * 0.5).reduce((a, b) => a + b, 0)],
  ['mixed8', mixed8, [1, 2.5, 0.25, 10000000000, -7, -1.5, 3000000000, 0.125], 12999999995.375],
  ['mixed10', mixed10, [-5, 1.5, 100000, 65535, 0.25, 2n ** 40n, -7, 2.5, 127, 9],
    -5 + 2 * 1.5 + 3 * 100000 + 4 * 65535 + 5 * 0.25 + 6 * 2 ** 40 + 7 * -7 + 8 * 2.5 + 9 * 127 + 10 * 9],
  ['str_len UTF-8', strLen, [ALPHA], Buffer.byteLength(ALPHA)],
  ['str_len NULL is (size_t)-1', strLen, [null], LP64 ? 2n ** 64n - 1n : 2 ** 32 - 1],
  ['str_checksum', strChecksum, [ALPHA], checksum8(ALPHA)],
  ['str_checksum long string', strChecksum, ['x'.repeat(300000) + 'y'], checksum8('x'.repeat(300000) + 'y')],
  ['str_is_null(null)', strIsNull, [null], 1],
  ['str_echo returns a string', strEcho, [ALPHA], ALPHA],
  ['str_echo(null)', strEcho, [null], null],
  ['str_static(3)', strStatic, [3], '日本語 ∑ 𝄞 🎉'],
  ['str16_echo', str16Echo, [ALPHA], ALPHA],
  ['str32_echo', str32Echo, [ALPHA], ALPHA],
  ['wstr_echo', wstrEcho, ['wide ∑ 𝄞'], 'wide ∑ 𝄞'],
  ['atoi', atoi, ['1257'], 1257],
  ['ptr_add BigInt', ptrAdd, [0x1000n, 0x234], 0x1234n],
  ['int_to_ptr(0) is null', intToPtr, [0], null],
  ['int_to_ptr high address', intToPtr, [-16], 2n ** PTR_BITS - 16n],
  ['ptr_to_int(null)', ptrToInt, [null], 0],
  ['read_i32_at(Int32Array)', readI32, [new Int32Array([-123456789])], -123456789],
  ['read_i32_at(JS array)', readI32, [[987654]], 987654],
  ['sum_i32_array(JS array)', sumI32Array, [[1, 2, 3, 4, -5], 5], 5],
  ['sum_double_array(Float64Array)', sumDoubleArray, [new Float64Array([0.5, 0.25, 4]), 3], 4.75],
  ['div struct result', div, [17, 5], { quot: 3, rem: 2 }],
  ['div negative', div, [-17, 5], { quot: -3, rem: -2 }],
  ...(LP64 ? [
    ['ldiv struct result', ldiv, [1e12, 7], { quot: 142857142857, rem: 1 }],
    ['ldiv BigInt', ldiv, [-(2n ** 62n), 3], { quot: -1537228672809129301n, rem: -1 }],
  ] : [
    ['ldiv struct result', ldiv, [1e9, 7], { quot: 142857142, rem: 6 }],
    ['ldiv BigInt', ldiv, [-(2n ** 30n), 3], { quot: -357913941, rem: -1 }],
  ]),
];

t.test('callback form: results of many signatures', async (t) => {
  for (const [label, fn, args, want] of CASES) {
    const r = await viaCallback(fn, ...args);
    t.equal(r.ret, undefined, `${label}: .async with a callback returns undefined`);
    t.equal(r.err, null, `${label}: err is null`);
    t.same(r.res, want, `${label}: result`);
    if (typeof want === 'bigint') t.equal(typeof r.res, 'bigint', `${label}: BigInt`);
    // The sync call agrees.
    t.same(fn(...args), want, `${label}: sync call agrees`);
  }
});

t.test('Promise form: results of many signatures', async (t) => {
  for (const [label, fn, args, want] of CASES) {
    const p = fn.async(...args);
    t.ok(p instanceof Promise, `${label}: .async without a callback returns a Promise`);
    t.same(await p, want, `${label}: result`);
  }
});

t.test('many calls in flight at once, each result delivered to its own callback', async (t) => {
  const n = 200;
  const got = await Promise.all(Array.from({ length: n }, (_, i) => (i % 2
    ? viaCallback(addI64, i, 2 ** 40).then((r) => r.res)
    : addI64.async(i, 2 ** 40))));
  const bad = got.map((v, i) => [v, i]).filter(([v, i]) => v !== i + 2 ** 40);
  t.same(bad, [], 'every call got its own result');
});

t.test('new calls started from completion callbacks, 16 kept in flight', async (t) => {
  const total = 800;
  let started = 0;
  const wrong = [];
  let finished = 0;
  await new Promise((resolve) => {
    const next = () => {
      if (started >= total) return;
      const i = started++;
      idI32.async(i * 7919, (err, res) => {
        if (err || res !== i * 7919) wrong.push([i, err && err.message, res]);
        if (++finished === total) resolve();
        next();
      });
    };
    for (let k = 0; k < 16; k++) next();
  });
  t.equal(finished, total, `${total} calls completed`);
  t.same(wrong, [], 'all results correct');
});

// ---------------------------------------------------------------- buffers and output parameters

t.test('buffers and typed arrays passed as pointers', async (t) => {
  const buf = Buffer.alloc(8);
  t.equal(await writeI32.async(buf, 0x12345678), undefined, 'void result is undefined');
  t.equal(buf.readInt32LE(0), 0x12345678, 'written through the Buffer on the worker');

  const dst = Buffer.alloc(16, 0xff);
  const r = await viaCallback(strCopyTo, dst, 16, 'hello async world');
  t.equal(r.err, null);
  t.equal(r.res, 17, 'str_copy_to returns strlen(src)');
  t.equal(dst.toString('latin1', 0, 15), 'hello async wor', 'truncated copy');
  t.equal(dst[15], 0, 'terminated');

  const arr = new Int32Array([1, -2, 3, 100]);
  await scaleI32.async(arr, 4, -3);
  t.same([...arr], [-3, 6, -9, -300], 'Int32Array scaled in place');

  t.equal(await ptrToInt.async(buf), Number(koffi.address(buf)), 'the Buffer\'s own memory is passed');
});

t.test('output parameters: the [null] pattern and scalars', async (t) => {
  let box = [null];
  t.equal(await outStr.async(box, 1), 1);
  t.same(box, ['héllo wörld 😀 ✓'], 'const char ** out -> string');

  box = [null];
  const r = await viaCallback(outStr16, box, 3);
  t.equal(r.err, null);
  t.same(box, ['日本語 ∑ 𝄞 🎉'], 'const char16_t ** out -> string (callback form)');

  box = [null];
  t.equal(await outPtr.async(box, 0xdead0000n), 1);
  t.same(box, [0xdead0000n], 'void ** out -> BigInt');
  await outPtr.async(box, null);
  t.same(box, [null], 'void ** out of NULL -> null (the array from the previous call reused)');

  box = [0];
  await outI32.async(box, -77);
  t.same(box, [-77], 'int32_t * out');
  box = [0];
  await new Promise((resolve) => outDouble.async(box, 2.75, resolve));
  t.same(box, [2.75], 'double * out (callback form)');

  const q = [0];
  const rem = [0];
  t.equal(await divMod.async(47, 5, q, rem), 1);
  t.same([q[0], rem[0]], [9, 2], 'two out parameters');

  const x = [41];
  await incI32.async(x);
  t.same(x, [42], '_Inout_ int32_t *');
  const a = [1];
  const b = [2];
  await swapI32.async(a, b);
  t.same([a[0], b[0]], [2, 1], 'two _Inout_ parameters swapped');
});

t.test('output parameters: whatever an _Out_ array holds before the call is ignored (as in Koffi)', async (t) => {
  for (const stale of ['stale', 5, {}, 7n, undefined]) {
    const box = [stale];
    let err = null;
    await outPtr.async(box, 0x4000n).catch((e) => { err = e; });
    t.equal(err, null, `[${typeof stale}] accepted for an _Out_ void **`);
    t.same(box, [0x4000n], `[${typeof stale}] replaced by the output`);
  }
});

t.test('output parameters: gmtime_r fills a JS object', async (t) => {
  const cases = [0, 86400 * 365, 951782400 /* 2000-02-29 */, 2147483647, 4102444800 /* 2100-01-01 */]
    .filter((secs) => LP64 || secs <= 2147483647); // a 32-bit time_t ends in 2038
  const TimeArray = LP64 ? BigInt64Array : Int32Array;
  const timeOf = (secs) => (LP64 ? BigInt(secs) : secs);
  for (const secs of cases) {
    const d = new Date(secs * 1000);
    const want = {
      tm_sec: d.getUTCSeconds(), tm_min: d.getUTCMinutes(), tm_hour: d.getUTCHours(),
      tm_mday: d.getUTCDate(), tm_mon: d.getUTCMonth(), tm_year: d.getUTCFullYear() - 1900,
      tm_wday: d.getUTCDay(), tm_isdst: 0, tm_gmtoff: 0,
    };
    const out = {};
    const r = await viaCallback(gmtimeR, [secs], out);
    t.equal(r.err, null, `gmtime_r(${secs}) callback: no error`);
    t.equal(typeof r.res, 'bigint', 'returns the (temporary) address of the result');
    t.match(out, want, `gmtime_r(${secs}) callback form filled the object`);
    t.equal(out.tm_zone, 'GMT', 'char * member decoded');

    const out2 = {};
    await gmtimeR.async(new TimeArray([timeOf(secs)]), out2);
    t.match(out2, want, `gmtime_r(${secs}) Promise form with a ${TimeArray.name} input`);
  }
});

// ---------------------------------------------------------------- interleaving with sync calls

t.test('1,000 interleaved async and sync calls, every result checked', async (t) => {
  const failures = [];
  let checked = 0;
  const expect = (label, got, want) => {
    checked++;
    if (!Object.is(got, want) && JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${label}: got ${String(got)}, expected ${String(want)}`);
  };
  // Five waves of 200 calls (100 async, 100 sync) keep the calls in flight below the default
  // max_async_calls (256).
  for (let wave = 0; wave < 5; wave++) {
    const pending = [];
    for (let j = 0; j < 200; j++) {
      const i = wave * 200 + j;
      const s = `item-${i}-${'é'.repeat(i % 17)}`;
      switch (i % 8) {
        case 0: pending.push(viaCallback(addInt, i, -3 * i).then((r) => expect(`async add_int ${i}`, r.res, -2 * i))); break;
        case 1: expect(`sync add_int ${i}`, addInt(i, 7), i + 7); break;
        case 2: pending.push(strChecksum.async(s).then((v) => expect(`async str_checksum ${i}`, v, checksum8(s)))); break;
        case 3: expect(`sync str_echo ${i}`, strEcho(s), s); break;
        case 4: pending.push(viaCallback(strEcho, s).then((r) => expect(`async str_echo ${i}`, r.res, s))); break;
        case 5: expect(`sync div ${i}`, div(i, 7).rem, i % 7); break;
        case 6: pending.push(div.async(i, 7).then((v) => expect(`async div ${i}`, [v.quot, v.rem], [Math.floor(i / 7), i % 7]))); break;
        case 7: {
          const box = [0];
          expect(`sync out_i32 ${i}`, outI32(box, i * 3) + box[0], 1 + i * 3);
          const abox = [0];
          pending.push(outI32.async(abox, -i).then((ret) => expect(`async out_i32 ${i}`, [ret, abox[0]], [1, -i])));
          break;
        }
      }
    }
    await Promise.all(pending);
  }
  t.equal(checked, 1000 + 125, 'every call was checked (1,000 iterations, 125 of them do both kinds)');
  t.same(failures, [], 'all results correct');
});

t.test('async calls run while the JS thread is busy with sync calls', async (t) => {
  // The async call writes 42 into native memory on a worker; the JS thread polls that memory
  // with sync calls (and checks them) without ever yielding to the event loop.
  const mem = koffi.alloc('int', 1);
  t.teardown(() => koffi.free(mem));
  writeI32(mem, 0);
  const big = 'q'.repeat(1 << 20);
  const bigSum = checksum8(big);
  let asyncDone = false;
  const results = [];
  const done = new Promise((resolve) => {
    writeI32.async(mem, 42, (err) => { asyncDone = true; results.push(['write', err]); resolve(); });
  });
  const sumDone = strChecksum.async(big).then((v) => results.push(['checksum', v]));

  let seen = false;
  let syncCalls = 0;
  let syncWrong = 0;
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    for (let k = 0; k < 100; k++) {
      const s = `sync-${syncCalls}`;
      if (strChecksum(s) !== checksum8(s)) syncWrong++;
      if (addInt(syncCalls, 1) !== syncCalls + 1) syncWrong++;
      syncCalls++;
    }
    if (readI32(mem) === 42) { seen = true; break; }
  }
  t.ok(seen, 'the async call ran on a worker while the JS thread was in a loop of sync calls');
  t.equal(asyncDone, false, 'its completion callback waits for the JS thread');
  t.equal(syncWrong, 0, `${syncCalls * 2} sync calls during the async call were all correct`);
  await Promise.all([done, sumDone]);
  t.same(results.find((r) => r[0] === 'write'), ['write', null]);
  t.same(results.find((r) => r[0] === 'checksum'), ['checksum', bigSum], 'a 1 MiB string argument survived the sync calls');
});

// ---------------------------------------------------------------- errors

t.test('bad arguments: the error goes to the callback, result undefined', async (t) => {
  const bad = [
    ['atoi(number)', atoi, [42], TypeError, /argument 1/],
    ['add_int(string)', addInt, [1, 'two'], TypeError, /argument 2/],
    ['read_i32_at(number)', readI32, [1234], TypeError, /argument 1/],
    ['div(object)', div, [{}, 1], TypeError, /argument 1/],
    ['out_str(string)', outStr, ['nope', 1], TypeError, /argument 1/],
    ['read_i32_at(short buffer)', readI32, [Buffer.alloc(2)], RangeError, /./],
    ['gmtime_r(bad struct)', gmtimeR, [[0], 5], TypeError, /argument 2/],
  ];
  for (const [label, fn, args, Ctor, re] of bad) {
    const r = await viaCallback(fn, ...args);
    t.type(r.err, Ctor, `${label}: ${Ctor.name} delivered to the callback`);
    t.match(r.err && r.err.message, re, `${label}: message names the argument`);
    t.equal(r.res, undefined, `${label}: result is undefined`);

    let rejected = null;
    await fn.async(...args).then(() => { rejected = false; }, (e) => { rejected = e; });
    t.type(rejected, Ctor, `${label}: Promise rejects with ${Ctor.name}`);
  }
  // The process is still fine.
  t.equal(await addInt.async(20, 22), 42, 'later async calls work');
});

t.test('a getter that throws during marshalling is delivered as the error', async (t) => {
  const boom = new Error('boom from getter');
  const evil = { get quot() { throw boom; } };
  const Pair = koffi.struct('async_pair_in', { quot: 'int', rem: 'int' });
  const readPair = lib.func('read_i32_at', 'int', [koffi.pointer(Pair)]);
  const r = await viaCallback(readPair, evil);
  t.equal(r.err, boom, 'the getter\'s exception is the error');
  t.equal(r.res, undefined);
  await t.rejects(readPair.async(evil), boom, 'and the Promise rejects with it');
});

t.test('wrong argument count is a TypeError', async (t) => {
  t.throws(() => addInt.async(1), TypeError, 'too few (Promise form)');
  t.throws(() => addInt.async(1, 2, 3, () => {}), TypeError, 'too many before the callback');
  t.throws(() => addInt.async(1, 2, 3), TypeError, 'too many, last not a function');
  t.throws(() => atoi.async(), TypeError, 'none');
});

t.test('errno inside the completion callback', async (t) => {
  koffi.errno(0);
  const r = await viaCallback(close, -1);
  t.equal(r.res, -1, 'close(-1) fails');
  t.equal(r.errno, koffi.os.errno.EBADF, 'koffi.errno() is EBADF inside the callback');

  // errno is captured per call on the worker: each callback sees its own call's value.
  const n = 100;
  const rs = await Promise.all(Array.from({ length: n }, (_, i) => viaCallback(setErrnoRet, i + 1, -i)));
  const wrong = rs.map((x, i) => [x, i]).filter(([x, i]) => x.errno !== i + 1 || x.res !== -i).map(([, i]) => i);
  t.same(wrong, [], 'every completion callback sees the errno of its own call');

  // A sync call in between does not leak into a later completion.
  const p = viaCallback(close, -1);
  setErrnoRet(koffi.os.errno.ENOENT, 0);
  t.equal(koffi.errno(), koffi.os.errno.ENOENT, 'the sync call sets errno');
  t.equal((await p).errno, koffi.os.errno.EBADF, 'the async completion still reports EBADF');

  // Promise form: right after the await, with nothing else running.
  const ret = await close.async(-1);
  t.equal(ret, -1);
  t.equal(koffi.errno(), koffi.os.errno.EBADF, 'koffi.errno() after awaiting close.async(-1)');
});

// ---------------------------------------------------------------- disposable results

t.test('disposable results (str!) in async calls', async (t) => {
  const r = await viaCallback(strdup, 'héllo dup');
  t.equal(r.err, null);
  t.equal(r.res, 'héllo dup', 'str! strdup: callback form gives the string');
  t.equal(await strdup.async('promise dup'), 'promise dup', 'Promise form');
  const many = await Promise.all(Array.from({ length: 50 }, (_, i) => strdup.async(`dup-${i}`)));
  t.same(many, Array.from({ length: 50 }, (_, i) => `dup-${i}`), '50 concurrent strdup');
  const bad = await viaCallback(strdup, 12);
  t.type(bad.err, TypeError, 'bad argument to a disposable: TypeError to the callback');
  t.equal(bad.res, undefined);

  // A disposable with a native free function: each result freed exactly once, NULL never.
  const HeapStr = koffi.disposable('AsyncHeapStr', 'str', cpFree);
  const strDup = lib.func('str_dup', HeapStr, ['str']);
  const c0 = cpFreeCount();
  t.equal(await strDup.async('freed once'), 'freed once');
  t.equal(await new Promise((res) => strDup.async('cb form', (e, v) => res(v))), 'cb form');
  t.equal(cpFreeCount() - c0, 2, 'cp_free ran once per result');
  t.equal(await strDup.async(null), null, 'NULL result');
  t.equal(cpFreeCount() - c0, 2, 'NULL is not freed');

  // A disposable with a JS dispose function.
  const freed = [];
  const JsFreed = koffi.disposable('str', (p) => { freed.push(p); cpFree(p); });
  const strDupJs = lib.func('str_dup', JsFreed, ['str']);
  const c1 = cpFreeCount();
  t.equal(await strDupJs.async('js dispose'), 'js dispose');
  t.equal(freed.length, 1, 'JS dispose function ran once');
  t.equal(typeof freed[0], 'bigint', 'with the pointer');
  t.equal(cpFreeCount() - c1, 1);
});

// ---------------------------------------------------------------- variadic

t.test('variadic functions cannot be called asynchronously', async (t) => {
  t.equal(variadicSum(3, 'int', 1, 'int', 2, 'int', 3), 6, 'the sync call works');
  let called = false;
  t.throws(() => printf.async('%d\n', 'int', 1, () => { called = true; }), { constructor: Error, message: /printf.*variadic|variadic.*printf/ },
    'printf.async with a callback: clear Error naming the function');
  t.throws(() => variadicSum.async(1, 'int', 1), /variadic/, 'Promise form: Error');
  const vs2 = lib.func('variadic_sum_i', 'long long', ['int', '...']);
  t.throws(() => vs2.async(0, () => {}), /variadic/, 'declared with the (name, result, params) form too');
  await new Promise((r) => setImmediate(r));
  t.equal(called, false, 'the callback is not called');
});

// ---------------------------------------------------------------- config

t.test('config validation names the key', async (t) => {
  const before = koffi.config();
  t.throws(() => koffi.config({ async_bogus_size: 1 }), /async_bogus_size/, 'unknown key');
  t.throws(() => koffi.config({ max_async_calls: 0 }), { name: 'RangeError', message: /max_async_calls/ }, 'max_async_calls 0');
  t.throws(() => koffi.config({ max_async_calls: 100000 }), { name: 'RangeError', message: /max_async_calls/ }, 'max_async_calls too big');
  t.throws(() => koffi.config({ max_async_calls: 2.5 }), /max_async_calls/, 'non-integer');
  t.throws(() => koffi.config({ max_async_calls: '8' }), /max_async_calls/, 'string');
  t.throws(() => koffi.config({ max_async_calls: NaN }), /max_async_calls/, 'NaN');
  t.throws(() => koffi.config({ async_stack_size: -1 }), /async_stack_size/, 'negative stack size');
  t.throws(() => koffi.config({ async_heap_size: 1 }), /async_heap_size/, 'tiny heap');
  t.throws(() => koffi.config({ async_heap_size: 2 ** 40 }), /async_heap_size/, 'huge heap');
  t.throws(() => koffi.config({ resident_async_pools: -1 }), /resident_async_pools/, 'negative pools');
  t.throws(() => koffi.config({ resident_async_pools: 1000 }), /resident_async_pools/, 'too many pools');
  t.throws(() => koffi.config({ resident_async_pools: null }), /resident_async_pools/, 'null');
  t.throws(() => koffi.config('max_async_calls'), TypeError, 'not an object');
  t.same(koffi.config(), before, 'failed calls change nothing');
  for (const k of ['async_stack_size', 'async_heap_size', 'resident_async_pools', 'max_async_calls']) {
    t.equal(typeof before[k], 'number', `config() reports ${k}`);
  }
});

t.test('async memory settings cannot change after async calls were made', async (t) => {
  await addInt.async(1, 1);
  const before = koffi.config();
  t.throws(() => koffi.config({ async_stack_size: before.async_stack_size * 2 }), Error, 'async_stack_size after the first call');
  t.throws(() => koffi.config({ async_heap_size: before.async_heap_size * 2 }), Error, 'async_heap_size after the first call');
  t.same(koffi.config(), before, 'settings unchanged');
  t.equal(await addInt.async(2, 2), 4, 'async calls still work');
});

t.test('max_async_calls: calls beyond the limit get an Error, the others complete', (t) => {
  const r = runChild(`
    koffi.config({ max_async_calls: 5, resident_async_pools: 2, async_stack_size: 32768, async_heap_size: 32768 });
    const lib = koffi.load(paths.cptest);
    const addInt = lib.func('int add_int(int a, int b)');
    const strChecksum = lib.func('int str_checksum(const char *s)');
    const out = { ok: [], wrong: [], errors: [], promiseOk: [], promiseErrors: [], again: [] };
    const pending = [];
    for (let i = 0; i < 8; i++) {
      pending.push(new Promise((resolve) => addInt.async(i, 1000, (err, res) => {
        if (err) out.errors.push([i, err.constructor.name, err.message, res === undefined]);
        else if (res === i + 1000) out.ok.push(i); else out.wrong.push([i, res]);
        resolve();
      })));
    }
    for (let i = 0; i < 4; i++) {
      pending.push(strChecksum.async('p' + i).then((v) => out.promiseOk.push([i, v]), (e) => out.promiseErrors.push([i, e.constructor.name, e.message])));
    }
    Promise.all(pending).then(async () => {
      // Once the earlier calls have completed, the limit allows new calls again.
      out.again = await Promise.all([1, 2, 3, 4, 5].map((i) => addInt.async(i, i)));
      console.log(JSON.stringify(out));
    });
  `);
  t.equal(r.status, 0, `child exited with 0 (signal ${r.signal}, stderr: ${r.stderr.slice(0, 500)})`);
  const out = lastJsonLine(r.stdout);
  t.ok(out, 'child reported');
  if (!out) return t.end();
  // Completion order is up to the worker threads.
  out.ok.sort((a, b) => a - b);
  out.errors.sort((a, b) => a[0] - b[0]);
  t.same(out.ok, [0, 1, 2, 3, 4], 'the first five calls completed with correct results');
  t.same(out.wrong, [], 'no wrong result');
  t.equal(out.errors.length, 3, 'three callback calls beyond the limit failed');
  for (const [i, name, msg, resUndefined] of out.errors) {
    t.ok(i >= 5, `call ${i} (beyond the limit) failed`);
    t.equal(name, 'Error', 'an Error');
    t.match(msg, /max_async_calls/, 'naming max_async_calls');
    t.ok(resUndefined, 'result undefined');
  }
  t.same(out.promiseOk, [], 'no Promise beyond the limit resolved');
  t.equal(out.promiseErrors.length, 4, 'the four Promise calls beyond the limit rejected');
  for (const [, , msg] of out.promiseErrors) t.match(msg, /max_async_calls/);
  t.same(out.again, [2, 4, 6, 8, 10], 'after completion, max_async_calls new calls succeed');
  t.end();
});

// ---------------------------------------------------------------- lifetime

t.test('an idle process exits by itself after async calls', (t) => {
  const r = runChild(`
    const libc = koffi.load(null);
    const lib = koffi.load(paths.cptest);
    const addInt = lib.func('int add_int(int a, int b)');
    const close = libc.func('int close(int fd)');
    const strdup = libc.func('str! strdup(const char *s)');
    const atoi = libc.func('int atoi(const char *s)');
    const outI32 = lib.func('int out_i32(_Out_ int32_t *out, int32_t v)');
    let n = 0;
    const box = [0];
    Promise.all([
      addInt.async(1, 2),
      new Promise((resolve) => close.async(-1, resolve)),
      strdup.async('x'),
      atoi.async(5).catch(() => {}),
      new Promise((resolve) => outI32.async(box, 5, resolve)),
    ]).then(() => {
      // Then more calls than max_async_calls (256): 44 fail.
      for (let i = 0; i < 300; i++) addInt.async(i, i, (e, v) => { if (!e && v === 2 * i) n++; });
    });
    process.on('exit', () => console.log(JSON.stringify({ n })));
  `, { timeout: 30000 });
  t.equal(r.signal, null, `not killed by the 30 s timeout (took ${r.ms} ms)`);
  t.equal(r.status, 0, `exit code 0 (stderr: ${r.stderr.slice(0, 500)})`);
  const out = lastJsonLine(r.stdout);
  t.ok(out && out.n === 256, `the calls within max_async_calls completed (${out && out.n})`);
  t.end();
});

t.test('a Buffer passed to an async call stays valid until the call completes', (t) => {
  // The only reference to each 64 MiB Buffer is the pending async call; the calls wait behind
  // four sleeping calls (the libuv pool has four threads) while the GC runs.
  const r = runChild(`
    const libc = koffi.load(null);
    const usleep = libc.func('int usleep(uint32_t usec)');
    const memset = libc.func('void *memset(void *s, int c, size_t n)');
    for (let i = 0; i < 4; i++) usleep.async(300000, () => {});
    const SZ = 64 << 20;
    let done = 0;
    for (let i = 0; i < 4; i++) memset.async(Buffer.alloc(SZ), 0x5a, SZ, (err, res) => { if (!err && typeof res === 'bigint') done++; });
    global.gc();
    setTimeout(() => global.gc(), 50);
    process.on('exit', () => console.log(JSON.stringify({ done })));
  `, { timeout: 30000, nodeArgs: ['--expose-gc'] });
  t.equal(r.signal, null, 'not killed by a signal (SIGSEGV means the Buffer was freed under the call)');
  t.equal(r.status, 0, 'exit code 0');
  const out = lastJsonLine(r.stdout);
  t.ok(out && out.done === 4, 'all four memset calls completed');
  t.end();
});

t.test('callbacks passed to an async call run on the JS thread, and their exceptions reject the call', async (t) => {
  const libc = koffi.load(null);
  const Cmp = koffi.proto('int AsyncCmp(const void *a, const void *b)');
  const qsort = libc.func('void qsort(_Inout_ int32_t *base, size_t n, size_t size, AsyncCmp *cmp)');
  const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 200);
  const { isMainThread } = require('node:worker_threads');
  let onMain = true;
  let calls = 0;
  await qsort.async(values, values.length, 4, (a, b) => {
    calls++;
    onMain = onMain && isMainThread;
    return koffi.decode(a, 'int32_t') - koffi.decode(b, 'int32_t');
  });
  t.ok(calls > 0, 'the comparator ran');
  t.ok(onMain, 'on the JS thread');
  t.same(values, Array.from({ length: 200 }, (_, i) => i), 'sorted, and copied back');
  const boom = new Error('comparator failed');
  await t.rejects(qsort.async([3, 1, 2], 3, 4, () => { throw boom; }), boom);
});
