// Unit tests for src/parser.ts: type strings and C-like prototypes.
// CALLPLAN_INTERNAL lets the parser be tested from a standalone bundle while the rest of the
// project is still being built.
'use strict';
const t = require('tap');
const { parseType, parsePrototype, ParseError } = require(process.env.CALLPLAN_INTERNAL || '../dist/internal.cjs');

function ty(base, pointer = 0, array = [], disposable = false, direction = 'in') {
  return { base, pointer, array, disposable, direction };
}
function param(name, type) {
  return { name, type };
}
function proto(name, result, params = [], { convention = 'cdecl', variadic = false } = {}) {
  return { name, convention, result, params, variadic };
}
function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
// Returns what fn throws (undefined if it returns normally).
function thrown(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
// Asserts a ParseError whose message contains `what`, the offset and the quoted input.
function throwsAt(t, fn, input, what, offset, quoted = input) {
  const err = thrown(() => fn(input));
  // U+2028 would break the TAP stream.
  const label = JSON.stringify(input).replace(/[\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16));
  if (!(err instanceof ParseError)) return t.fail(`${label} should throw a ParseError, got ${err}`);
  t.equal(err.offset, offset, `offset for ${label}`);
  t.match(err.message, new RegExp('^' + escape(what)), `message for ${label}`);
  t.match(err.message, new RegExp(escape(`at offset ${offset} in '${quoted}'`) + '$'), `quoted input for ${label}`);
}

t.test('integer spellings are normalised', (t) => {
  const cases = {
    char: 'char',
    'signed char': 'int8',
    'char signed': 'int8',
    'unsigned char': 'uchar',
    'char unsigned': 'uchar',
    short: 'short',
    'short int': 'short',
    'int short': 'short',
    'signed short': 'short',
    'short signed': 'short',
    'signed short int': 'short',
    'int signed short': 'short',
    'unsigned short': 'ushort',
    'unsigned short int': 'ushort',
    'short unsigned int': 'ushort',
    'int short unsigned': 'ushort',
    int: 'int',
    signed: 'int',
    'signed int': 'int',
    'int signed': 'int',
    unsigned: 'uint',
    'unsigned int': 'uint',
    'int unsigned': 'uint',
    long: 'long',
    'long int': 'long',
    'int long': 'long',
    'signed long': 'long',
    'long signed int': 'long',
    'unsigned long': 'ulong',
    'unsigned long int': 'ulong',
    'long unsigned int': 'ulong',
    'int long unsigned': 'ulong',
    'long long': 'longlong',
    'long long int': 'longlong',
    'long int long': 'longlong',
    'signed long long': 'longlong',
    'long long signed int': 'longlong',
    'unsigned long long': 'ulonglong',
    'unsigned long long int': 'ulonglong',
    'long unsigned long': 'ulonglong',
    'long int long unsigned': 'ulonglong',
  };
  for (const [text, base] of Object.entries(cases)) t.same(parseType(text), ty(base), text);
  t.end();
});

t.test('qualifiers are ignored wherever they appear', (t) => {
  t.same(parseType('const int'), ty('int'));
  t.same(parseType('int const'), ty('int'));
  t.same(parseType('volatile const unsigned'), ty('uint'));
  t.same(parseType('unsigned const long volatile int'), ty('ulong'));
  t.same(parseType('const const int'), ty('int'));
  t.same(parseType('const char * const'), ty('char', 1));
  t.same(parseType('char const * volatile * const'), ty('char', 2));
  t.same(parseType('const MyStruct *'), ty('MyStruct', 1));
  t.same(parseType('MyStruct const *'), ty('MyStruct', 1));
  t.same(parseType('char * restrict'), ty('char', 1));
  t.end();
});

t.test('struct, union and enum tags', (t) => {
  t.same(parseType('struct X'), ty('X'));
  t.same(parseType('struct X*'), ty('X', 1));
  t.same(parseType('const struct Foo_1 * const *'), ty('Foo_1', 2));
  t.same(parseType('struct X const *'), ty('X', 1));
  t.same(parseType('union U'), ty('U'));
  t.same(parseType('enum E'), ty('E'));
  t.same(parseType('volatile enum E [2]'), ty('E', 0, [2]));
  t.end();
});

t.test('other identifiers are returned as-is', (t) => {
  for (const name of ['uint32_t', 'str', 'str16', 'float64', 'MyStruct', 'int16_be_t', 'void', 'float', 'double',
    'bool', '_Bool', '_x9', 'X', 'size_t', 'HANDLE', 'integer', 'longer', 'constant', 'structure', 'In', '_In'])
    t.same(parseType(name), ty(name), name);
  t.end();
});

t.test('pointers', (t) => {
  t.same(parseType('char*'), ty('char', 1));
  t.same(parseType('char *'), ty('char', 1));
  t.same(parseType('char * const *'), ty('char', 2));
  t.same(parseType('int**'), ty('int', 2));
  t.same(parseType('int * * *'), ty('int', 3));
  t.same(parseType('void*'), ty('void', 1));
  t.same(parseType('unsigned char*'), ty('uchar', 1));
  t.end();
});

t.test('disposable suffix', (t) => {
  t.same(parseType('str!'), ty('str', 0, [], true));
  t.same(parseType('str !'), ty('str', 0, [], true));
  t.same(parseType('const char *!'), ty('char', 1, [], true));
  t.same(parseType('char*!'), ty('char', 1, [], true));
  t.same(parseType('void **!'), ty('void', 2, [], true));
  t.same(parseType('char * const !'), ty('char', 1, [], true));
  t.same(parseType('char *! [2]'), ty('char', 1, [2], true));
  t.end();
});

t.test('array suffixes', (t) => {
  t.same(parseType('float [8]'), ty('float', 0, [8]));
  t.same(parseType('float[8]'), ty('float', 0, [8]));
  t.same(parseType('int [3][4]'), ty('int', 0, [3, 4]));
  t.same(parseType('int [ 3 ] [ 4 ] [5]'), ty('int', 0, [3, 4, 5]));
  t.same(parseType('int [0]'), ty('int', 0, [0]));
  t.same(parseType('uint8_t [0x10]'), ty('uint8_t', 0, [16]));
  t.same(parseType('int [0XfF]'), ty('int', 0, [255]));
  t.same(parseType('int [0x0]'), ty('int', 0, [0]));
  t.same(parseType('StructType *[4]'), ty('StructType', 1, [4]));
  t.same(parseType('int [2147483647]'), ty('int', 0, [2147483647]));
  t.same(parseType('int [0x7fffffff]'), ty('int', 0, [2147483647]));
  t.same(parseType('int [0x00000000007fffffff]'), ty('int', 0, [2147483647]));
  t.end();
});

t.test('direction prefixes', (t) => {
  t.same(parseType('_Out_ int *'), ty('int', 1, [], false, 'out'));
  t.same(parseType('_Inout_ T *'), ty('T', 1, [], false, 'inout'));
  t.same(parseType('_In_ const char *'), ty('char', 1, [], false, 'in'));
  t.same(parseType('_Out_ struct X **'), ty('X', 2, [], false, 'out'));
  t.end();
});

t.test('whitespace anywhere', (t) => {
  t.same(parseType('\tunsigned\n long\r\n long \t'), ty('ulonglong'));
  t.same(parseType('  char\n*\n*\t!\n'), ty('char', 2, [], true));
  t.same(parseType('\v\fint\v[\n3\n]\f'), ty('int', 0, [3]));
  t.end();
});

t.test('results are fresh objects; no result can change another', (t) => {
  const a = parseType('int');
  const b = parseType('int');
  t.not(a, b);
  // Types without dimensions share one frozen empty list (no array per parameter at start-up).
  t.ok(Object.isFrozen(a.array), 'the empty dimension list is frozen');
  t.throws(() => a.array.push(1), TypeError);
  t.same(parseType('int').array, []);
  const c = parseType('int [2]');
  const d = parseType('int [2][3]');
  t.not(c.array, d.array);
  c.array.push(9);
  t.same(parseType('int [2]').array, [2]);
  t.same(d.array, [2, 3]);
  t.end();
});

t.test('parseType errors', (t) => {
  const E = (input, what, offset, quoted) => throwsAt(t, parseType, input, what, offset, quoted);
  E('', 'Unexpected end of input, expected a type', 0);
  E('   ', 'Unexpected end of input, expected a type', 3);
  E('const', 'Unexpected end of input, expected a type', 5);
  E('const volatile *', "Unexpected '*', expected a type", 15);
  E('* int', "Unexpected '*', expected a type", 0);
  E('! int', "Unexpected '!', expected a type", 0);
  E('[3] int', "Unexpected '[', expected a type", 0);
  // long double and invalid specifier combinations
  E('long double', "'long double' is not supported", 5);
  E('double long', "'long double' is not supported", 7);
  E('long long double', "'long double' is not supported", 10);
  E('long long long', "Invalid combination of type specifiers with 'long'", 10);
  E('short long', "Invalid combination of type specifiers with 'long'", 6);
  E('long short', "Invalid combination of type specifiers with 'short'", 5);
  E('short short', "Invalid combination of type specifiers with 'short'", 6);
  E('short char', "Invalid combination of type specifiers with 'char'", 6);
  E('char long', "Invalid combination of type specifiers with 'long'", 5);
  E('char int', "Invalid combination of type specifiers with 'int'", 5);
  E('int char', "Invalid combination of type specifiers with 'char'", 4);
  E('int int', "Invalid combination of type specifiers with 'int'", 4);
  E('char char', "Invalid combination of type specifiers with 'char'", 5);
  E('signed unsigned', "Unexpected 'unsigned', signedness given twice", 7);
  E('unsigned unsigned', "Unexpected 'unsigned', signedness given twice", 9);
  E('unsigned float', "Invalid combination of type specifiers with 'float'", 9);
  E('float int', "Invalid combination of type specifiers with 'int'", 6);
  E('void unsigned', "Invalid combination of type specifiers with 'unsigned'", 5);
  E('float double', "Invalid combination of type specifiers with 'double'", 6);
  E('MyType int', "Invalid combination of type specifiers with 'int'", 7);
  E('MyType void', "Invalid combination of type specifiers with 'void'", 7);
  E('int struct X', "Invalid combination of type specifiers with 'struct'", 4);
  E('MyType struct X', "Invalid combination of type specifiers with 'struct'", 7);
  E('struct', "Unexpected end of input, expected a name after 'struct'", 6);
  E('struct *', "Unexpected '*', expected a name after 'struct'", 7);
  E('struct int', "Unexpected 'int', expected a name after 'struct'", 7);
  E('union const X', "Unexpected 'const', expected a name after 'union'", 6);
  // names are not part of a type alone
  E('int x', "Unexpected 'x', expected end of type (names are not allowed here)", 4);
  E('MyType x', "Unexpected 'x', expected end of type (names are not allowed here)", 7);
  E('struct X Y', "Unexpected 'Y', expected end of type (names are not allowed here)", 9);
  E('int * x', "Unexpected 'x', expected end of type (names are not allowed here)", 6);
  E('char * int', "Unexpected 'int', expected end of type", 7);
  // misplaced '!'
  E('char !*', "Unexpected '*' after '!', which must end the type", 6);
  E('str!!', "Unexpected '!' after '!', which must end the type", 4);
  E('str! const', "Unexpected 'const' after '!', which must end the type", 5);
  E('float [8]!', "Unexpected '!', it must come right after the type and its '*'s", 9);
  E('int [2]! [3]', "Unexpected '!', it must come right after the type and its '*'s", 7);
  E('!', "Unexpected '!', expected a type", 0);
  // array lengths
  E('int [-1]', "Unexpected '-', array lengths cannot be negative", 5);
  E('int [2147483648]', 'Array length 2147483648 is too large (maximum 2147483647)', 5);
  E('int [0x80000000]', 'Array length 0x80000000 is too large (maximum 2147483647)', 5);
  E('int [99999999999999999999999999999]', 'Array length 99999999999999999999999999999 is too large', 5);
  E('int [1][4294967296]', 'Array length 4294967296 is too large', 8);
  E('int []', "Unexpected ']', expected an array length", 5);
  E('int [x]', "Unexpected 'x', expected an array length", 5);
  E('int [3', "Unexpected end of input, expected ']'", 6);
  E('int [3 4]', "Unexpected '4', expected ']'", 7);
  E('int [3]]', "Unexpected ']', expected end of type", 7);
  E('int 3]', "Unexpected '3', expected end of type", 4);
  E('int [010]', "Octal number '010' is not supported", 5);
  E('int [0x]', "Invalid number '0x'", 5);
  E('int [3u]', "Invalid number '3u'", 5);
  E('int [0x1g]', "Invalid number '0x1g'", 5);
  E('int [1.5]', "Invalid number '1.5'", 5);
  E('int [+1]', "Unexpected character '+' (U+002B)", 5);
  // directions
  E('_Out_ _In_ int *', "Unexpected '_In_', direction given twice", 6);
  E('_In_ _In_ int *', "Unexpected '_In_', direction given twice", 5);
  E('const _Out_ int *', "Unexpected '_Out_', a direction qualifier must come first", 6);
  E('int _Out_ *', "Unexpected '_Out_', a direction qualifier must come first", 4);
  E('int * _Out_', "Unexpected '_Out_', expected end of type", 6);
  // conventions and prototype punctuation do not belong in a type
  E('__stdcall int', "Unexpected calling convention '__stdcall'", 0);
  E('int __cdecl', "Unexpected calling convention '__cdecl'", 4);
  E('int (*)(int)', "Unexpected '(', expected end of type", 4);
  E('int )', "Unexpected ')', expected end of type", 4);
  E('int,', "Unexpected ',', expected end of type", 3);
  E('int;', "Unexpected ';', expected end of type", 3);
  E('int ...', "Unexpected '...', expected end of type", 4);
  E('int ..', "Unexpected '.', expected '...'", 4);
  // characters outside the grammar
  E('int@', "Unexpected character '@' (U+0040)", 3);
  E('int &', "Unexpected character '&' (U+0026)", 4);
  E('ïnt', "Unexpected character 'ï' (U+00EF)", 0);
  E('int é', "Unexpected character 'é' (U+00E9)", 4);
  E('int\u0000', 'Unexpected character U+0000', 3, 'int\\x00');
  E('int\u007f', 'Unexpected character U+007F', 3, 'int\\x7f');
  E('int \u{1F600}', "Unexpected character '\u{1F600}' (U+1F600)", 4);
  E('int\u00a0*', "Unexpected character '\u00a0' (U+00A0)", 3);
  E('int\n\t@', "Unexpected character '@' (U+0040)", 5, 'int\\n\\t@');
  t.end();
});

t.test('ParseError details', (t) => {
  let err;
  try {
    parsePrototype('int f(int,)');
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof ParseError);
  t.ok(err instanceof Error);
  t.equal(err.name, 'ParseError');
  t.equal(err.message, "Unexpected ')', expected a parameter at offset 10 in 'int f(int,)'");
  t.equal(err.input, 'int f(int,)');
  t.equal(err.offset, 10);
  t.match(String(err), /^ParseError: Unexpected '\)'/);
  t.end();
});

t.test('long inputs are truncated around the error in messages', (t) => {
  const long = 'int ' + 'x'.repeat(500);
  let err = thrown(() => parseType(long));
  t.ok(err instanceof ParseError);
  t.equal(err.offset, 4);
  t.equal(err.message, `Unexpected 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…', expected end of type (names are not allowed here) at offset 4 in '${long.slice(0, 100)}…'`);
  const tail = 'a'.repeat(1000) + '@';
  err = thrown(() => parseType(tail));
  t.ok(err instanceof ParseError);
  t.equal(err.offset, 1000);
  t.equal(err.message, `Unexpected character '@' (U+0040) at offset 1000 in '…${tail.slice(-100)}'`);
  const middle = 'void f(' + 'int, '.repeat(200) + 'int @, ' + 'int, '.repeat(200) + 'int)';
  err = thrown(() => parsePrototype(middle));
  const at = middle.indexOf('@');
  t.ok(err instanceof ParseError);
  t.equal(err.offset, at);
  t.equal(err.message, `Unexpected character '@' (U+0040) at offset ${at} in '…${middle.slice(at - 50, at + 50)}…'`);
  t.end();
});

t.test('non-string input', (t) => {
  t.throws(() => parseType(42), TypeError);
  t.throws(() => parseType(null), TypeError);
  t.throws(() => parsePrototype(undefined), TypeError);
  t.throws(() => parsePrototype({}), TypeError);
  t.end();
});

t.test('prototypes', (t) => {
  const P = (text, expected) => t.same(parsePrototype(text), expected, text);
  P('int atoi(const char *str)', proto('atoi', ty('int'), [param('str', ty('char', 1))]));
  P('int atoi(const char *nptr);', proto('atoi', ty('int'), [param('nptr', ty('char', 1))]));
  P('str! strdup(str)', proto('strdup', ty('str', 0, [], true), [param(null, ty('str'))]));
  P('const char *! strdup(const char *str)', proto('strdup', ty('char', 1, [], true), [param('str', ty('char', 1))]));
  P('const char*!strdup(const char*)', proto('strdup', ty('char', 1, [], true), [param(null, ty('char', 1))]));
  P('int __stdcall f(_Out_ T *p, ...)',
    proto('f', ty('int'), [param('p', ty('T', 1, [], false, 'out'))], { convention: 'stdcall', variadic: true }));
  P('int __stdcall MessageBoxA(void *hwnd, str text, str caption, uint type)',
    proto('MessageBoxA', ty('int'), [param('hwnd', ty('void', 1)), param('text', ty('str')), param('caption', ty('str')),
      param('type', ty('uint'))], { convention: 'stdcall' }));
  P('unsigned int __stdcall SendInput(unsigned int cInputs, INPUT *pInputs, int cbSize)',
    proto('SendInput', ty('uint'), [param('cInputs', ty('uint')), param('pInputs', ty('INPUT', 1)), param('cbSize', ty('int'))],
      { convention: 'stdcall' }));
  P('int sqlite3_open_v2(const char *, _Out_ sqlite3 **db, int, const char *)',
    proto('sqlite3_open_v2', ty('int'), [param(null, ty('char', 1)), param('db', ty('sqlite3', 2, [], false, 'out')),
      param(null, ty('int')), param(null, ty('char', 1))]));
  P('bool __stdcall GetLastInputInfo(_Inout_ LASTINPUTINFO *plii)',
    proto('GetLastInputInfo', ty('bool'), [param('plii', ty('LASTINPUTINFO', 1, [], false, 'inout'))], { convention: 'stdcall' }));
  P('bool f(_In_ const char *a, _Out_ int *b, _Inout_ struct S *c, _Out_ char buf[16])',
    proto('f', ty('bool'), [param('a', ty('char', 1)), param('b', ty('int', 1, [], false, 'out')),
      param('c', ty('S', 1, [], false, 'inout')), param('buf', ty('char', 0, [16], false, 'out'))]));
  t.end();
});

t.test('calling conventions', (t) => {
  for (const c of ['cdecl', 'stdcall', 'fastcall', 'thiscall']) {
    const expected = proto('f', ty('int'), [], { convention: c });
    t.same(parsePrototype(`int __${c} f()`), expected);
    t.same(parsePrototype(`__${c} int f()`), expected);
    t.same(parsePrototype(`\n  __${c}\tint\n  f ( ) ;`), expected);
  }
  t.same(parsePrototype('int *__stdcall f()'), proto('f', ty('int', 1), [], { convention: 'stdcall' }));
  t.same(parsePrototype('str! __fastcall f(void)'), proto('f', ty('str', 0, [], true), [], { convention: 'fastcall' }));
  t.same(parsePrototype('__thiscall void *! f(T *self)'),
    proto('f', ty('void', 1, [], true), [param('self', ty('T', 1))], { convention: 'thiscall' }));
  t.same(parsePrototype('unsigned long __stdcall f()'), proto('f', ty('ulong'), [], { convention: 'stdcall' }));
  t.same(parsePrototype('struct X __stdcall f()'), proto('f', ty('X'), [], { convention: 'stdcall' }));
  t.end();
});

t.test('empty, void and variadic parameter lists', (t) => {
  const P = (text, expected) => t.same(parsePrototype(text), expected, text);
  P('void f()', proto('f', ty('void')));
  P('void f( )', proto('f', ty('void')));
  P('void f(void)', proto('f', ty('void')));
  P('void f( void )', proto('f', ty('void')));
  P('void *f(void)', proto('f', ty('void', 1)));
  P('void f(void *)', proto('f', ty('void'), [param(null, ty('void', 1))]));
  P('void f(void *p, void **q)', proto('f', ty('void'), [param('p', ty('void', 1)), param('q', ty('void', 2))]));
  P('int printf(const char *fmt, ...)', proto('printf', ty('int'), [param('fmt', ty('char', 1))], { variadic: true }));
  P('int printf(str, ...);', proto('printf', ty('int'), [param(null, ty('str'))], { variadic: true }));
  P('int f(...)', proto('f', ty('int'), [], { variadic: true }));
  P('int f( ... )', proto('f', ty('int'), [], { variadic: true }));
  P('int f(int a,...)', proto('f', ty('int'), [param('a', ty('int'))], { variadic: true }));
  t.end();
});

t.test('parameters', (t) => {
  const P = (text, expected) => t.same(parsePrototype(text), expected, text);
  P('void f(int, char*, T**)', proto('f', ty('void'), [param(null, ty('int')), param(null, ty('char', 1)), param(null, ty('T', 2))]));
  P('int f(int x[3])', proto('f', ty('int'), [param('x', ty('int', 0, [3]))]));
  P('int f(int [3][4])', proto('f', ty('int'), [param(null, ty('int', 0, [3, 4]))]));
  P('void f(float m[4][0x4], int n)', proto('f', ty('void'), [param('m', ty('float', 0, [4, 4])), param('n', ty('int'))]));
  P('void f(char *names[2])', proto('f', ty('void'), [param('names', ty('char', 1, [2]))]));
  P('int f(char*!s)', proto('f', ty('int'), [param('s', ty('char', 1, [], true))]));
  P('int f(str! s, str16 !)', proto('f', ty('int'), [param('s', ty('str', 0, [], true)), param(null, ty('str16', 0, [], true))]));
  P('int f(MyType MyType)', proto('f', ty('int'), [param('MyType', ty('MyType'))]));
  P('int f(int str, str int_)', proto('f', ty('int'), [param('str', ty('int')), param('int_', ty('str'))]));
  P('int f(unsigned u, long l, char c)', proto('f', ty('int'), [param('u', ty('uint')), param('l', ty('long')), param('c', ty('char'))]));
  P('unsigned long long f(unsigned, long int b, signed char c, unsigned char, short unsigned)',
    proto('f', ty('ulonglong'), [param(null, ty('uint')), param('b', ty('long')), param('c', ty('int8')), param(null, ty('uchar')),
      param(null, ty('ushort'))]));
  P('struct Foo *get(struct Foo *self, union U u, enum E e)',
    proto('get', ty('Foo', 1), [param('self', ty('Foo', 1)), param('u', ty('U')), param('e', ty('E'))]));
  P('int f(const char * const * volatile argv)', proto('f', ty('int'), [param('argv', ty('char', 2))]));
  P('int f(char * restrict s)', proto('f', ty('int'), [param('s', ty('char', 1))]));
  P('int x_1(int _a, int a_b9)', proto('x_1', ty('int'), [param('_a', ty('int')), param('a_b9', ty('int'))]));
  P('int _(int _)', proto('_', ty('int'), [param('_', ty('int'))]));
  t.end();
});

t.test('whitespace and trailing semicolon in prototypes', (t) => {
  const expected = proto('f', ty('int'), [param('a', ty('int')), param('b', ty('char', 1))]);
  t.same(parsePrototype('\n\tint\n f (\n int a ,\n char * b\n ) ;\n'), expected);
  t.same(parsePrototype('int f(int a,char*b);'), expected);
  t.same(parsePrototype('int f(int a, char *b)  ;  '), expected);
  t.same(parsePrototype('\r\nint\r\nf\r\n(\r\nint\r\na\r\n,\r\nchar\r\n*\r\nb\r\n)\r\n'), expected);
  t.end();
});

t.test('parsePrototype errors', (t) => {
  const E = (input, what, offset, quoted) => throwsAt(t, parsePrototype, input, what, offset, quoted);
  E('int f(int,)', "Unexpected ')', expected a parameter", 10);
  E('int f(int a,, int b)', "Unexpected ',', expected a type", 12);
  E('int f(,int)', "Unexpected ',', expected a type", 6);
  // empty input and missing pieces
  E('', 'Unexpected end of input, expected a type', 0);
  E(' \n ', 'Unexpected end of input, expected a type', 3, ' \\n ');
  E(';', "Unexpected ';', expected a type", 0);
  E('int', 'Unexpected end of input, expected a function name', 3);
  E('int *', 'Unexpected end of input, expected a function name', 5);
  E('int ()', "Unexpected '(', expected a function name", 4);
  E('f()', "Unexpected '(', expected a function name", 1);
  E('(int)', "Unexpected '(', expected a type", 0);
  E('int __stdcall (int)', "Unexpected '(', expected a function name", 14);
  E('int __stdcall', 'Unexpected end of input, expected a function name', 13);
  E('int const()', "Unexpected '(', expected a function name", 9);
  E('int void()', "Invalid combination of type specifiers with 'void'", 4);
  E('int struct()', "Invalid combination of type specifiers with 'struct'", 4);
  E('int f', "Unexpected end of input, expected '('", 5);
  E('int f int a)', "Unexpected 'int', expected '('", 6);
  E('int f)', "Unexpected ')', expected '('", 5);
  E('int f[3]()', "Unexpected '[', expected '('", 5);
  E('int (f)()', "Unexpected '(', expected a function name", 4);
  E('int (*f)(int)', "Unexpected '(', expected a function name", 4);
  E('int [3] f()', "Unexpected '[', functions cannot return arrays", 4);
  E('int f g()', "Unexpected 'g', expected '('", 6);
  // unbalanced or extra punctuation
  E('int f(', 'Unexpected end of input, expected a type', 6);
  E('int f(int', "Unexpected end of input, expected ',' or ')'", 9);
  E('int f(int a', "Unexpected end of input, expected ',' or ')'", 11);
  E('int f(int a))', "Unexpected ')', expected end of prototype", 12);
  E('int f((int))', "Unexpected '(', expected a type", 6);
  E('int f(int a b)', "Unexpected 'b', expected ',' or ')'", 12);
  E('int f(int a) x', "Unexpected 'x', expected end of prototype", 13);
  E('int f(int a);;', "Unexpected ';', expected end of prototype", 13);
  E('int f(); int g();', "Unexpected 'int', expected end of prototype", 9);
  E('int f(int a) {}', "Unexpected character '{' (U+007B)", 13);
  E('int f(int a) __stdcall', "Unexpected '__stdcall', expected end of prototype", 13);
  E('int f(int a);\0', 'Unexpected character U+0000', 13, 'int f(int a);\\x00');
  E('int f(int\0 a)', 'Unexpected character U+0000', 9, 'int f(int\\x00 a)');
  // non-ASCII identifiers
  E('int fé()', "Unexpected character 'é' (U+00E9)", 5);
  E('int f(int ä)', "Unexpected character 'ä' (U+00E4)", 10);
  E('int f(int a)\u2028', 'Unexpected character U+2028', 12, 'int f(int a)\\u2028');
  E('int f(int a)\u0085', 'Unexpected character U+0085', 12, 'int f(int a)\\x85');
  // '!' in the middle
  E('int f(char !* s)', "Unexpected '*' after '!', which must end the type", 12);
  E('int f(str! ! a)', "Unexpected '!' after '!', which must end the type", 11);
  E('int f(int a!)', "Unexpected '!', it must come right after the type and its '*'s", 11);
  E('int f(int a[3]!)', "Unexpected '!', it must come right after the type and its '*'s", 14);
  E('int f!()', "Unexpected '!', expected '('", 5);
  E('str!! f()', "Unexpected '!' after '!', which must end the type", 4);
  // calling conventions
  E('__stdcall int __stdcall f()', "Duplicate calling convention '__stdcall'", 14);
  E('__stdcall __cdecl int f()', "Duplicate calling convention '__cdecl'", 10);
  E('__cdecl int __fastcall f()', "Duplicate calling convention '__fastcall'", 12);
  E('int __stdcall __cdecl f()', "Duplicate calling convention '__cdecl'", 14);
  E('int __stdcall __stdcall f()', "Duplicate calling convention '__stdcall'", 14);
  E('unsigned __stdcall int f()', "Unexpected 'int', expected a function name", 19);
  E('int f(__stdcall int)', "Unexpected calling convention '__stdcall'", 6);
  E('int f(int __cdecl)', "Unexpected calling convention '__cdecl'", 10);
  E('int __stdcall()', "Unexpected '(', expected a function name", 13);
  // '...' placement
  E('int f(..., int)', "'...' must be the last parameter", 9);
  E('int f(int, ..., int)', "'...' must be the last parameter", 14);
  E('int f(..., ...)', "'...' must be the last parameter", 9);
  E('int f(...', "Unexpected end of input, expected ')'", 9);
  E('int f(... x)', "Unexpected 'x', expected ')'", 10);
  E('int f(int ...)', "Unexpected '...', expected ',' or ')'", 10);
  E('int f(int, ..)', "Unexpected '.', expected '...'", 11);
  E('int f(int, ....)', "Unexpected '.', expected '...'", 14);
  E('int ...()', "Unexpected '...', expected a function name", 4);
  E('...', "Unexpected '...', expected a type", 0);
  // void mixed with other parameters
  E('int f(void, int)', "Invalid parameter of type 'void', '(void)' must stand alone", 6);
  E('int f(int, void)', "Invalid parameter of type 'void', '(void)' must stand alone", 11);
  E('int f(void, ...)', "Invalid parameter of type 'void', '(void)' must stand alone", 6);
  E('int f(void x)', "Invalid parameter of type 'void', '(void)' must stand alone", 6);
  E('int f(_Out_ void)', "Invalid parameter of type 'void', '(void)' must stand alone", 6);
  E('int f(void [3])', "Invalid parameter of type 'void', '(void)' must stand alone", 6);
  E('int f(void!)', "Invalid parameter of type 'void', '(void)' must stand alone", 6);
  E('int f(void void)', "Invalid combination of type specifiers with 'void'", 11);
  // directions
  E('_Out_ int f()', "Direction qualifier '_Out_' is only allowed on parameters", 0);
  E('int _Out_ f()', "Direction qualifier '_Out_' is only allowed on parameters", 4);
  E('int f(_In_ _Out_ int *p)', "Unexpected '_Out_', direction given twice", 11);
  E('int f(const _Out_ int *p)', "Unexpected '_Out_', a direction qualifier must come first", 12);
  E('int f(int *_Out_)', "Unexpected '_Out_', a direction qualifier must come first", 11);
  E('int f(int * int)', "Unexpected 'int', expected a parameter name", 12);
  E('int f(T * struct)', "Unexpected 'struct', expected a parameter name", 10);
  // array lengths on parameters
  E('int f(int x[-1])', "Unexpected '-', array lengths cannot be negative", 12);
  E('int f(int x[4294967296])', 'Array length 4294967296 is too large (maximum 2147483647)', 12);
  E('int f(int x[0x100000000])', 'Array length 0x100000000 is too large (maximum 2147483647)', 12);
  E('int f(int x[])', "Unexpected ']', expected an array length", 12);
  E('int f(int [2] x)', "Unexpected 'x', expected ',' or ')'", 14);
  E('int f(long double x)', "'long double' is not supported", 11);
  E('long double f()', "'long double' is not supported", 5);
  t.end();
});

t.test('robustness: huge inputs parse without recursion (speed is measured in perf/, never here)', (t) => {
  t.same(parseType('int' + '*'.repeat(10000)), ty('int', 10000));
  t.same(parseType('char ' + '* const '.repeat(10000) + '!'), ty('char', 10000, [], true));
  t.same(parseType('int ' + '*'.repeat(1000000)), ty('int', 1000000));
  t.same(parsePrototype('void' + '*'.repeat(10000) + ' f(int' + '*'.repeat(10000) + ' p)'),
    proto('f', ty('void', 10000), [param('p', ty('int', 10000))]));

  const name = 'n'.repeat(100000);
  const tname = 'T'.repeat(100000);
  t.same(parseType(tname), ty(tname));
  t.same(parsePrototype(`${tname} *${name}(${tname} ${name}, ...)`),
    proto(name, ty(tname, 1), [param(name, ty(tname))], { variadic: true }));

  const many = parsePrototype('void f(' + Array(50000).fill('const char *s').join(', ') + ')');
  t.equal(many.params.length, 50000);
  t.same(parseType('int' + '[1]'.repeat(50000)).array.length, 50000);

  // Errors deep inside huge inputs stay cheap and keep short messages.
  t.throws(() => parsePrototype('int f(' + '('.repeat(100000)), ParseError);
  for (const [fn, input, offset] of [
    [parseType, 'int' + '*'.repeat(100000) + '!*', 100004],
    [parseType, 'int [' + '9'.repeat(100000) + ']', 5],
    [parseType, 'int [1' + 'u'.repeat(100000) + ']', 5],
    [parsePrototype, name + ' ' + name + '!', 200001],
  ]) {
    const err = thrown(() => fn(input));
    t.ok(err instanceof ParseError);
    t.equal(err.offset, offset);
    t.ok(err.message.length < 300, 'short message');
  }
  t.end();
});

