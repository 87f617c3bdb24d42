// UTF-8, UTF-16, UTF-32 and wchar_t strings in and out of C. Expected lengths and
// checksums are computed in JS from Buffer encodings with the FNV-1a reference of cptest.h.
'use strict';
const t = require('tap');
const koffi = require('..');
const { testlibPaths: paths } = require('./support/env.js');

const lib = koffi.load(paths.cptest);

// FNV-1a reference from cptest.h.
function fnv1a(units) {
  let h = 0x811c9dc5;
  for (const u of units) h = Math.imul((h ^ u) >>> 0, 0x01000193) >>> 0;
  return h;
}
const utf8 = (s) => Buffer.from(s, 'utf8');
const utf16Units = (s) => {
  const b = Buffer.from(s, 'utf16le');
  const out = [];
  for (let i = 0; i < b.length; i += 2) out.push(b.readUInt16LE(i));
  return out;
};
const utf32Units = (s) => Array.from(s, (c) => c.codePointAt(0));

// (size_t)-1 of the data model: 2^64-1 (a BigInt) on LP64, 2^32-1 (a Number) on ILP32.
const SIZE_MAX_BIG = 2n ** BigInt(8 * koffi.sizeof('size_t')) - 1n;
const SIZE_MAX = SIZE_MAX_BIG <= 2n ** 53n ? Number(SIZE_MAX_BIG) : SIZE_MAX_BIG;

const STATIC = ['hello', 'héllo wörld 😀 ✓', '', '日本語 ∑ 𝄞 🎉'];

const SAMPLES = [
  'hello',
  '',
  'a',
  'héllo wörld 😀 ✓',
  '日本語 ∑ 𝄞 🎉',
  '😀🎉🚀👍🏽👨‍👩‍👧',
  'Ω≈ç√∫˜µ≤≥÷',
  '\u00ff\u0100\u07ff\u0800\uffff',
  '\u{10000}\u{10ffff}',
  'tab\tnew\nline\r',
  'x'.repeat(1000) + '€',
];

t.test('UTF-8 strings in: length, checksum, bytes', (t) => {
  const len = lib.func('size_t str_len(const char *s)');
  const cs = lib.func('int str_checksum(const char *s)');
  const byteAt = lib.func('int str_byte_at(const char *s, size_t i)');
  const lenStr = lib.func('str_len', 'size_t', ['str']);
  const lenString = lib.func('size_t str_len(string)');
  for (const s of SAMPLES) {
    const bytes = utf8(s);
    t.equal(len(s), bytes.length, `str_len(${JSON.stringify(s.slice(0, 20))})`);
    t.equal(lenStr(s), bytes.length);
    t.equal(lenString(s), bytes.length);
    t.equal(cs(s) >>> 0, fnv1a(bytes), `str_checksum(${JSON.stringify(s.slice(0, 20))})`);
    t.equal(cs(s), fnv1a(bytes) | 0, 'checksum as int');
    for (let i = 0; i < Math.min(bytes.length, 24); i++) t.equal(byteAt(s, i), bytes[i], `byte ${i}`);
  }
  // A lone surrogate has no UTF-8 form: it is replaced like Buffer.from does (U+FFFD).
  const lone = 'a\ud800b\udc00';
  t.equal(cs(lone) >>> 0, fnv1a(utf8(lone)), 'lone surrogates become U+FFFD');
  t.equal(len(lone), utf8(lone).length);
  // An embedded NUL ends the C string.
  t.equal(len('ab\0cd'), 2);
  t.equal(cs('ab\0cd') >>> 0, fnv1a(utf8('ab')));
  t.end();
});

t.test('UTF-8 strings out: echo, static, copies', (t) => {
  const echo = lib.func('const char *str_echo(const char *s)');
  const dupPlain = lib.func('char *str_dup(const char *)');
  for (const s of SAMPLES) {
    t.equal(echo(s), s, `str_echo(${JSON.stringify(s.slice(0, 20))})`);
  }
  const stat = lib.func('const char *str_static(int which)');
  t.equal(lib.func('int str_static_count(void)')(), STATIC.length);
  STATIC.forEach((s, i) => t.equal(stat(i), s, `str_static(${i})`));
  t.equal(stat(-1), null);
  t.equal(stat(STATIC.length), null);
  t.equal(lib.func('str str_static(int)')(1), STATIC[1], 'str result');
  t.equal(lib.func('str_static', 'string', ['int'])(3), STATIC[3], 'string result (classic)');
  // A returned string is copied: a later call that overwrites the C buffer does not change it.
  const fmt = lib.func('const char *str_format_int(const char *prefix, int n)');
  const a = fmt('n=', 12);
  const b = fmt('é', -5);
  t.equal(a, 'n=12');
  t.equal(b, 'é-5');
  const concat = lib.func('char *str_concat(const char *a, const char *b)');
  t.equal(concat('héllo ', '😀'), 'héllo 😀');
  const repeat = lib.func('char *str_repeat(const char *s, int n)');
  t.equal(repeat('ab€', 4), 'ab€'.repeat(4));
  t.equal(repeat('x', 0), '');
  t.equal(dupPlain('copy'), 'copy');
  const eq = lib.func('int str_equal(const char *a, const char *b)');
  t.equal(eq('héllo', 'héllo'), 1);
  t.equal(eq('héllo', 'hello'), 0);
  t.equal(eq(null, null), 1);
  t.equal(eq('', null), 0);
  t.end();
});

t.test('UTF-16 strings', (t) => {
  for (const ty of ['const char16_t *', 'char16_t *', 'str16', 'string16']) {
    const len = lib.func(`size_t str16_len(${ty})`);
    const cs = lib.func(`unsigned int str16_checksum(${ty})`);
    const echo = lib.func(`${ty} str16_echo(${ty})`);
    const unitAt = lib.func(`int str16_unit_at(${ty}, size_t)`);
    for (const s of SAMPLES) {
      const units = utf16Units(s);
      t.equal(len(s), units.length, `${ty} str16_len(${JSON.stringify(s.slice(0, 20))})`);
      t.equal(cs(s), fnv1a(units), `${ty} str16_checksum`);
      t.equal(echo(s), s, `${ty} str16_echo`);
      for (let i = 0; i < Math.min(units.length, 16); i++) t.equal(unitAt(s, i), units[i], `unit ${i}`);
    }
  }
  const stat = lib.func('const char16_t *str16_static(int)');
  STATIC.forEach((s, i) => t.equal(stat(i), s, `str16_static(${i})`));
  t.equal(stat(99), null);
  const lens = [5, 16, 0, 11];
  const len = lib.func('size_t str16_len(str16)');
  STATIC.forEach((s, i) => t.equal(len(s), lens[i], `header length of static ${i}`));
  t.equal(len(null), SIZE_MAX, 'NULL length is (size_t)-1');
  t.equal(lib.func('str16 str16_echo(str16)')(null), null);
  t.equal(lib.func('unsigned int str16_checksum(str16)')(null), 0);
  t.end();
});

t.test('UTF-32 and wchar_t strings', (t) => {
  t.equal(lib.func('int wchar_size(void)')(), 4);
  t.equal(koffi.sizeof('wchar_t'), 4);
  const families = [
    ['str32', ['const char32_t *', 'char32_t *', 'str32', 'string32']],
    ['wstr', ['const wchar_t *', 'wchar_t *', 'wstring']],
  ];
  for (const [prefix, types] of families) {
    for (const ty of types) {
      const len = lib.func(`size_t ${prefix}_len(${ty})`);
      const cs = lib.func(`unsigned int ${prefix}_checksum(${ty})`);
      const echo = lib.func(`${ty} ${prefix}_echo(${ty})`);
      for (const s of SAMPLES) {
        const units = utf32Units(s);
        t.equal(len(s), units.length, `${ty} ${prefix}_len(${JSON.stringify(s.slice(0, 20))})`);
        t.equal(cs(s), fnv1a(units), `${ty} ${prefix}_checksum`);
        t.equal(echo(s), s, `${ty} ${prefix}_echo`);
      }
      t.equal(len(null), SIZE_MAX);
      t.equal(echo(null), null);
      t.equal(cs(null), 0);
      const stat = lib.func(`${ty} ${prefix}_static(int)`);
      STATIC.forEach((s, i) => t.equal(stat(i), s, `${ty} ${prefix}_static(${i})`));
      t.equal(stat(-3), null);
    }
  }
  const unitAt = lib.func('long long str32_unit_at(str32, size_t)');
  const s = '😀a𝄞';
  utf32Units(s).forEach((u, i) => t.equal(unitAt(s, i), u, `str32_unit_at ${i}`));
  t.equal(unitAt(null, 0), -1);
  const lens = [5, 15, 0, 9];
  STATIC.forEach((x, i) => t.equal(lib.func('size_t str32_len(str32)')(x), lens[i], `code points of static ${i}`));
  t.end();
});

t.test('empty strings and NULL both ways', (t) => {
  const isNull = lib.func('int str_is_null(const char *)');
  t.equal(isNull(null), 1, 'null in is NULL');
  t.equal(isNull(undefined), 1, 'undefined in is NULL');
  t.equal(isNull(''), 0, 'an empty string is not NULL');
  t.equal(isNull('x'), 0);
  const len = lib.func('size_t str_len(const char *)');
  t.equal(len(''), 0);
  t.equal(len(null), SIZE_MAX, 'str_len(NULL) is (size_t)-1 (a BigInt when beyond 2^53)');
  const echo = lib.func('const char *str_echo(const char *)');
  t.equal(echo(''), '');
  t.equal(echo(null), null, 'NULL returned is null');
  t.equal(lib.func('int str_checksum(str)')(''), fnv1a([]) | 0);
  t.equal(lib.func('int str_checksum(str)')(null), 0);
  t.equal(lib.func('int str_byte_at(str, size_t)')(null, 0), -1);
  t.equal(lib.func('int str_byte_at(str, size_t)')('', 0), 0, 'the terminator of an empty string');
  t.equal(lib.func('char *str_dup(const char *)')(null), null);
  t.equal(lib.func('str16 str16_echo(str16)')(''), '');
  t.equal(lib.func('str32 str32_echo(str32)')(''), '');
  t.equal(lib.func('wstring wstr_echo(wstring)')(''), '');
  t.end();
});

t.test('very long strings (larger than the scratch heap)', (t) => {
  const len = lib.func('size_t str_len(const char *)');
  const cs = lib.func('int str_checksum(const char *)');
  const echo = lib.func('const char *str_echo(const char *)');
  const big = 'abcdefghij'.repeat(500000) + 'é😀'; // 5 MB + 6 bytes
  const bytes = utf8(big);
  t.equal(len(big), bytes.length);
  t.equal(cs(big) >>> 0, fnv1a(bytes));
  const back = echo(big);
  t.equal(back.length, big.length);
  t.ok(back === big, 'echo of 5 MB comes back equal');
  // Several large arguments in one call, together beyond 1 MiB.
  const a = 'a'.repeat(700000);
  const b = 'é'.repeat(400000);
  const concat = lib.func('str! str_concat(str, str)');
  const joined = concat(a, b);
  t.equal(joined.length, a.length + b.length);
  t.ok(joined === a + b, 'str_concat of 700 KB and 800 KB');
  const eq = lib.func('int str_equal(str, str)');
  t.equal(eq(big, big.slice(0)), 1);
  t.equal(eq(big, big.slice(0, -1)), 0);
  // UTF-16 and UTF-32 too.
  const big16 = '𝄞ab€'.repeat(400000);
  t.equal(lib.func('size_t str16_len(str16)')(big16), big16.length);
  t.equal(lib.func('unsigned int str16_checksum(str16)')(big16), fnv1a(utf16Units(big16)));
  t.ok(lib.func('str16 str16_echo(str16)')(big16) === big16, 'UTF-16 echo of 3.2 MB');
  t.equal(lib.func('size_t str32_len(str32)')(big16), utf32Units(big16).length);
  t.ok(lib.func('str32 str32_echo(str32)')(big16) === big16, 'UTF-32 echo of 4.8 MB');
  t.equal(lib.func('unsigned int wstr_checksum(wstring)')(big16), fnv1a(utf32Units(big16)));
  // Many calls in a row with large strings do not leak the scratch memory.
  let bad = 0;
  for (let i = 0; i < 50; i++) {
    const s = String.fromCharCode(97 + (i % 26)).repeat(300000 + i);
    if (len(s) !== 300000 + i) bad++;
  }
  t.equal(bad, 0);
  t.end();
});

t.test('disposable results (!) free the C string', (t) => {
  const dup = lib.func('str! str_dup(str)');
  const dup2 = lib.func('char *! str_dup(const char *)');
  const dup16 = lib.func('char16_t *! str16_dup(const char16_t *)');
  const concat = lib.func('str_concat', 'str!', ['str', 'str']);
  const allocs = lib.func('int cp_alloc_count(void)');
  let before = koffi.stats().disposed;
  let count = allocs();
  t.equal(dup('héllo 😀'), 'héllo 😀');
  t.equal(allocs(), count + 1, 'C allocated one copy');
  t.equal(koffi.stats().disposed, before + 1, 'disposed once');
  t.equal(dup2('abc'), 'abc');
  t.equal(koffi.stats().disposed, before + 2);
  t.equal(dup16('h€𝄞'), 'h€𝄞');
  t.equal(koffi.stats().disposed, before + 3);
  t.equal(concat('a', 'b'), 'ab');
  t.equal(koffi.stats().disposed, before + 4);
  t.equal(dup(null), null, 'NULL result is null');
  before = koffi.stats().disposed;
  for (let i = 0; i < 1000; i++) dup(`s${i}`);
  t.equal(koffi.stats().disposed, before + 1000, '1000 disposals');
  t.end();
});

t.test('a named disposable string type (default free)', (t) => {
  const Owned = koffi.disposable('OwnedString', 'str');
  t.equal(Owned.disposable, true);
  t.equal(Owned.name, 'OwnedString');
  const viaObject = lib.func('str_dup', Owned, ['str']);
  let before = koffi.stats().disposed;
  t.equal(viaObject('owned'), 'owned');
  t.equal(koffi.stats().disposed, before + 1, 'TypeObject form disposes');
  // The name is registered like every named type.
  const viaName = lib.func('OwnedString str_dup(const char *)');
  before = koffi.stats().disposed;
  t.equal(viaName('owned'), 'owned');
  t.equal(koffi.stats().disposed, before + 1, 'name form disposes');
  t.end();
});

t.test('disposable results with a C free function (named)', (t) => {
  const cpFree = lib.func('void cp_free(void *)');
  const freeCount = lib.func('int cp_free_count(void)');
  const named = koffi.disposable('CpFreedString', 'str', cpFree);
  const dup = lib.func('str_dup', named, ['str']);
  const c0 = freeCount();
  t.equal(dup('freed by cp_free'), 'freed by cp_free');
  t.equal(freeCount(), c0 + 1, 'cp_free was called once');
  t.end();
});

t.test('disposable results with a C free function (anonymous: type, free)', (t) => {
  const cpFree = lib.func('void cp_free(void *)');
  const freeCount = lib.func('int cp_free_count(void)');
  const anon = koffi.disposable('str16', cpFree);
  const dup16 = lib.func('str16_dup', anon, ['str16']);
  const c0 = freeCount();
  t.equal(dup16('abc€'), 'abc€');
  t.equal(freeCount(), c0 + 1, 'cp_free was called once');
  t.end();
});

t.test('Buffers, typed arrays and BigInt addresses for char *', (t) => {
  const len = lib.func('size_t str_len(const char *)');
  const cs = lib.func('int str_checksum(const char *)');
  const buf = Buffer.from('héllo\0trailing', 'utf8');
  t.equal(len(buf), utf8('héllo').length, 'Buffer: up to the NUL');
  t.equal(cs(buf) >>> 0, fnv1a(utf8('héllo')));
  t.equal(len(buf.subarray(1)), utf8('héllo').length - 1, 'Buffer subarray starts at its offset');
  t.equal(len(new Uint8Array([65, 66, 67, 0, 68])), 3, 'Uint8Array');
  t.equal(len(koffi.address(buf)), utf8('héllo').length, 'BigInt address of a Buffer');
  t.equal(len(koffi.address(buf) + 2n), utf8('héllo').length - 2, 'BigInt address arithmetic');
  // Writes into a Buffer are visible in JS.
  const up = lib.func('void str_upper_inplace(char *s)');
  const b2 = Buffer.from('mixed Case é\0');
  up(b2);
  t.equal(b2.toString('utf8', 0, b2.indexOf(0)), 'MIXED CASE é');
  const copyTo = lib.func('size_t str_copy_to(char *dst, size_t cap, const char *src)');
  const dst = Buffer.alloc(8, 0xff);
  t.equal(copyTo(dst, dst.length, 'hello world'), 11);
  t.same([...dst], [...Buffer.from('hello w'), 0]);
  const dst16 = new Uint16Array(6);
  const copy16 = lib.func('size_t str16_copy_to(char16_t *dst, size_t cap, const char16_t *src)');
  t.equal(copy16(dst16, dst16.length, 'h€𝄞xyz'), utf16Units('h€𝄞xyz').length);
  t.same([...dst16], [...utf16Units('h€𝄞x'), 0]);
  const dst32 = new Uint32Array(4);
  const copy32 = lib.func('size_t str32_copy_to(char32_t *dst, size_t cap, const char32_t *src)');
  t.equal(copy32(dst32, dst32.length, '😀ab𝄞'), 4);
  t.same([...dst32], [...utf32Units('😀ab'), 0]);
  // A char16_t * result read back from a BigInt address we wrote.
  const echo16 = lib.func('const char16_t *str16_echo(const char16_t *)');
  const u16 = new Uint16Array([...utf16Units('añ😀'), 0]);
  t.equal(echo16(u16), 'añ😀', 'UTF-16 from a Uint16Array');
  t.equal(echo16(koffi.address(u16)), 'añ😀', 'UTF-16 from its address');
  t.end();
});
