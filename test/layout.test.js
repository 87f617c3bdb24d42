// Struct, union and array layout must be exactly the C compiler's: the same types are
// declared in test/lib/structs.h (L_*) and here with koffi.struct / pack / union / array /
// enumeration; libcpstructs.so reports sizeof, _Alignof and offsetof of each as compiled by
// gcc.  Also the TypeObject fields (members, ref, length, hint) and array hints.
'use strict';
const t = require('tap');
const koffi = require('..');
const { testlibPaths: paths } = require('./support/env.js');

const lib = koffi.load(paths.cpstructs);
const layoutCount = lib.func('int layout_count(void)');
const layoutName = lib.func('const char *layout_name(int which)');
const layoutMembers = lib.func('int layout_members(int which)');
const layoutSize = lib.func('size_t layout_size(int which)');
const layoutAlign = lib.func('size_t layout_align(int which)');
const layoutOffset = lib.func('size_t layout_offset(int which, int member)');

// Same order as the layouts[] table in structs.c.
const L = {};
const TYPES = [];
function add(name, make) {
  const type = make();
  L[name] = type;
  TYPES.push([name, type]);
}

add('L_CharInt', () => koffi.struct('L_CharInt', { a: 'char', b: 'int' }));
add('L_Mix', () => koffi.struct('L_Mix', {
  a: 'char', b: 'short', c: 'char', d: 'int', e: 'char', f: 'long long', g: 'char', h: 'float', i: 'double', j: 'char',
}));
add('L_Nested', () => koffi.struct('L_Nested', { a: 'char', b: 'L_CharInt', c: 'char', d: 'double', e: 'short' }));
add('L_Arrays', () => koffi.struct('L_Arrays', {
  a: koffi.array('char', 3), b: 'int [2]', c: koffi.array('short', 3), d: 'double', e: 'char', f: 'float [3]',
}));
add('L_Packed', () => koffi.pack('L_Packed', { a: 'char', b: 'int', c: 'short', d: 'double', e: 'char' }));
add('L_Aligned', () => koffi.struct('L_Aligned', { a: 'char', b: [8, 'short'], c: 'char', d: [16, 'int'], e: 'char' }));
add('L_Union', () => koffi.union('L_Union', { a: 'char', b: 'int', c: 'double', d: koffi.array('short', 5) }));
add('L_TaggedUnion', () => koffi.struct('L_TaggedUnion', {
  tag: 'char', u: koffi.union({ i: 'int', f: 'float', s: koffi.array('char', 7) }), z: 'short',
}));
add('L_EnumStruct', () => koffi.struct('L_EnumStruct', {
  a: 'char', e: koffi.enumeration('L_Enum', { LE_A: 0, LE_B: 5, LE_C: 100000 }), b: 'char',
}));
add('L_Enum64Struct', () => koffi.struct('L_Enum64Struct', {
  a: 'char', e: koffi.enumeration('L_Enum64', { LE64_A: 1, LE64_B: 0x100000000 }), b: 'char',
}));
add('L_Fixed', () => koffi.struct('L_Fixed', {
  a: 'bool', b: 'int64_t', c: 'bool', d: 'uint8_t', e: 'uint16_t', f: 'int8_t', g: 'uint32_t',
}));
add('L_Ptr', () => koffi.struct('L_Ptr', { a: 'char', p: 'void *', b: 'char', s: 'const char *', c: 'short' }));
add('L_PackedNested', () => koffi.pack('L_PackedNested', { a: 'char', b: 'L_CharInt', c: 'char' }));
add('L_HasPacked', () => koffi.struct('L_HasPacked', { a: 'char', p: 'L_Packed', b: 'char', c: 'int' }));
add('L_Float', () => koffi.struct('L_Float', { a: 'float', b: 'double', c: 'float', d: 'float', e: 'double', f: 'float' }));
add('L_UnionStructs', () => koffi.union('L_UnionStructs', {
  a: 'L_CharInt', b: koffi.struct({ d: 'double', c: 'char' }), f: 'float [5]',
}));
add('L_StructArray', () => koffi.struct('L_StructArray', { a: 'char', arr: koffi.array('L_CharInt', 3), b: 'short' }));
add('L_Matrix', () => koffi.struct('L_Matrix', {
  a: 'char', m: koffi.array(koffi.array('int', 3), 2), b: 'char', d: koffi.array(koffi.array('double', 2), 2),
}));
add('L_PackedAligned', () => koffi.pack('L_PackedAligned', { a: 'char', b: [4, 'int'], c: 'char', d: 'short' }));
add('L_CharArr', () => koffi.struct('L_CharArr', { a: 'short', b: 'char [5]' }));
add('L_UnionAligned', () => koffi.union('L_UnionAligned', { a: 'char', b: [8, 'int'], c: 'char [9]' }));
add('L_HasUnion', () => koffi.struct('L_HasUnion', { a: 'char', u: 'L_Union', b: 'char' }));
add('L_PackedAligned2', () => koffi.pack('L_PackedAligned2', { a: 'char', b: [2, 'short'], c: 'char' }));
add('L_Big', () => koffi.struct('L_Big', { big: koffi.array('uint8_t', 1000), c: 'char', d: 'double' }));
add('L_Chars', () => koffi.struct('L_Chars', { a: 'char', b: 'char16_t', c: 'char', d: 'char32_t', e: 'char', f: 'wchar_t' }));
add('L_Named', () => koffi.struct('L_Named', {
  a: 'long', b: 'unsigned long', c: 'char', d: 'long long', e: 'unsigned short', f: 'size_t', g: 'char',
}));
add('L_HasAligned', () => koffi.struct('L_HasAligned', { a: 'char', x: 'L_Aligned', b: 'char' }));
// A packed union has no koffi.pack form: members aligned to 1 give the same layout.
add('L_PackedUnion', () => koffi.union('L_PackedUnion', { a: [1, 'char'], b: [1, 'int'], c: [1, koffi.array('short', 3)] }));
add('L_HasPackedUnion', () => koffi.struct('L_HasPackedUnion', { a: 'char', u: 'L_PackedUnion', b: 'char' }));
add('L_Aligned16Double', () => koffi.struct('L_Aligned16Double', { a: 'uint8_t', b: [16, 'double'] }));

t.test('every L_* type has the C compiler layout', (t) => {
  t.equal(layoutCount(), TYPES.length, 'as many types as the C table');
  TYPES.forEach(([name, type], which) => {
    t.test(name, (t) => {
      t.equal(layoutName(which), name, 'C table entry');
      t.equal(type.name, name, 'TypeObject name');
      const members = Object.keys(type.members);
      t.equal(members.length, layoutMembers(which), 'member count');
      t.equal(koffi.sizeof(type), layoutSize(which), 'sizeof');
      t.equal(type.size, layoutSize(which), 'TypeObject size');
      t.equal(koffi.alignof(type), layoutAlign(which), 'alignof');
      t.equal(type.alignment, layoutAlign(which), 'TypeObject alignment');
      t.equal(koffi.sizeof(name), layoutSize(which), 'sizeof by name');
      members.forEach((m, i) => {
        t.equal(type.members[m].offset, layoutOffset(which, i), `offset of .${m} (TypeObject)`);
        t.equal(type.members[m].name, m, `member ${m} names itself`);
        if (type.primitive === 'Record') t.equal(koffi.offsetof(type, m), layoutOffset(which, i), `offsetof(${name}, ${m})`);
      });
      t.end();
    });
  });
  // (size_t)-1: 2^64-1 (a BigInt) on LP64, 2^32-1 (a Number) on ILP32.
  const sizeMax = 2n ** BigInt(8 * koffi.sizeof('size_t')) - 1n;
  t.equal(layoutSize(TYPES.length), sizeMax <= 2n ** 53n ? Number(sizeMax) : sizeMax, 'out of range: (size_t)-1');
  t.end();
});

// The alignment of long long and double inside a struct, as C reports it for L_Mix (whose
// most aligned members they are): 8 on x86-64 and arm64, 4 on i386 (System V i386 ABI).
const which = (name) => TYPES.findIndex(([n]) => n === name);
const ALIGN8 = Number(layoutAlign(which('L_Mix')));
const roundUp = (n, a) => Math.ceil(n / a) * a;

t.test('expected layouts spelled out (documentation of the rules)', (t) => {
  const off = (T) => Object.values(T.members).map((m) => m.offset);
  t.ok(ALIGN8 === 8 || ALIGN8 === 4, `8-byte scalars are ${ALIGN8}-aligned in structs`);
  t.equal(koffi.alignof('int64_t'), ALIGN8);
  t.equal(koffi.alignof('double'), ALIGN8);
  t.same(off(L.L_Mix), [0, 2, 4, 8, 12, 16, 24, 28, 32, 40]);
  t.equal(L.L_Mix.size, roundUp(41, ALIGN8), '48 (44 with 4-aligned double and long long)');
  t.same(off(L.L_Packed), [0, 1, 5, 7, 15], 'pack: no padding');
  t.equal(L.L_Packed.size, 16);
  t.equal(L.L_Packed.alignment, 1);
  t.same(off(L.L_Aligned), [0, 8, 10, 16, 20], '[8, short] and [16, int] member alignment');
  t.equal(L.L_Aligned.size, 32);
  t.equal(L.L_Aligned.alignment, 16);
  t.same(off(L.L_PackedAligned), [0, 4, 8, 9], 'pack with an [4, int] member: aligned(4) wins over packed');
  t.equal(L.L_PackedAligned.size, 12);
  t.equal(L.L_Union.size, roundUp(10, ALIGN8), 'union: largest member rounded to the largest alignment');
  t.same(off(L.L_Union), [0, 0, 0, 0]);
  t.same(off(L.L_Enum64Struct), [0, ALIGN8, ALIGN8 + 8]);
  t.equal(L.L_Enum64Struct.size, roundUp(ALIGN8 + 9, ALIGN8), '64-bit enum storage');
  t.equal(L.L_Big.size, roundUp(1001, ALIGN8) + 8, '1016 (1012 with a 4-aligned double)');
  t.end();
});

t.test('member TypeObjects', (t) => {
  const N = L.L_Nested;
  t.equal(N.primitive, 'Record');
  t.same(Object.keys(N.members), ['a', 'b', 'c', 'd', 'e'], 'members in declaration order');
  t.equal(N.members.b.type.name, 'L_CharInt', 'nested struct member type');
  t.equal(N.members.b.type.primitive, 'Record');
  t.equal(N.members.d.type.name, 'double');
  t.equal(N.members.d.type.primitive, 'Float64');
  const U = L.L_Union;
  t.equal(U.primitive, 'Union');
  t.equal(U.members.d.type.primitive, 'Array');
  t.equal(U.members.d.type.length, 5);
  t.equal(U.members.d.type.ref.name, 'short');
  const A = L.L_Arrays;
  t.equal(A.members.a.type.hint, 'String', 'char[3] defaults to hint String');
  t.equal(A.members.b.type.hint, 'Typed', 'int [2] defaults to hint Typed');
  t.equal(A.members.b.type.length, 2);
  t.equal(A.members.b.type.ref.primitive, 'Int32');
  t.equal(A.members.f.type.size, 12);
  const M = L.L_Matrix.members.m.type;
  t.equal(M.length, 2, 'int m[2][3]: outer length 2');
  t.equal(M.ref.length, 3, 'inner length 3');
  t.equal(M.ref.ref.name, 'int');
  t.equal(M.size, 24);
  const E = L.L_EnumStruct.members.e.type;
  t.same(E.values, { LE_A: 0, LE_B: 5, LE_C: 100000 }, 'enumeration values');
  t.equal(E.size, 4);
  t.equal(E.primitive, 'UInt32', 'no negative value: unsigned storage');
  t.equal(L.L_Enum64Struct.members.e.type.size, 8);
  const Ptr = L.L_Ptr.members.p.type;
  t.equal(Ptr.primitive, 'Pointer');
  // sizeof(void *) as C lays out L_Ptr: the offset of b (after p) less the offset of p.
  t.equal(Ptr.size, Number(layoutOffset(which('L_Ptr'), 2) - layoutOffset(which('L_Ptr'), 1)));
  t.equal(L.L_Ptr.members.s.type.primitive, 'String', 'const char * member is a string');
  t.end();
});

t.test("koffi.type('float [8]') and array TypeObjects", (t) => {
  const f8 = koffi.type('float [8]');
  t.equal(f8.name, 'float[8]');
  t.equal(f8.primitive, 'Array');
  t.equal(f8.size, 32);
  t.equal(f8.alignment, 4);
  t.equal(f8.length, 8);
  t.equal(f8.hint, 'Typed');
  t.equal(f8.ref.name, 'float');
  t.equal(f8.ref.primitive, 'Float32');
  t.equal(koffi.sizeof('float [8]'), 32);
  t.equal(koffi.alignof('float [8]'), 4);
  t.equal(koffi.sizeof('double [3]'), 24);
  t.equal(koffi.sizeof('int [2][3]'), 24, "'int [2][3]' is 24 bytes");
  const c16 = koffi.type('char [16]');
  t.equal(c16.hint, 'String', 'char arrays default to String');
  t.equal(koffi.array('char16_t', 4).hint, 'String');
  t.equal(koffi.array('char32_t', 4).hint, 'String');
  t.equal(koffi.array('uint8_t', 4).hint, 'Typed', 'numbers default to Typed');
  t.equal(koffi.array('int64_t', 4).hint, 'Typed');
  t.equal(koffi.array('double', 4).hint, 'Typed');
  t.equal(koffi.array('L_CharInt', 3).hint, 'Array', 'structs: Array');
  t.equal(koffi.array('L_CharInt', 3).size, 24);
  t.equal(koffi.array('L_CharInt', 3).ref.name, 'L_CharInt');
  t.equal(koffi.array('int', 4, 'Array').hint, 'Array', 'explicit hint');
  t.equal(koffi.array('char', 4, 'Typed').hint, 'Typed');
  t.equal(koffi.array('uint8_t', 4, 'Buffer').hint, 'Buffer');
  t.throws(() => koffi.array('int', 4, 'Nope'), undefined, 'unknown hint');
  t.throws(() => koffi.array('int', -1), undefined, 'negative length');
  t.throws(() => koffi.array('int', 1.5), undefined, 'fractional length');
  t.throws(() => koffi.array('void', 4), undefined, 'array of void');
  const ptr = koffi.type('L_CharInt *');
  t.equal(ptr.primitive, 'Pointer');
  t.equal(ptr.ref.name, 'L_CharInt');
  t.equal(koffi.pointer('L_CharInt', 2).ref.ref.name, 'L_CharInt', 'pointer depth 2');
  t.end();
});

t.test('array hints decide how members decode', (t) => {
  const H = koffi.struct('HintDecode', {
    typed: koffi.array('int16_t', 2),
    arr: koffi.array('int16_t', 2, 'Array'),
    buf: koffi.array('uint8_t', 4, 'Buffer'),
    str: koffi.array('char', 4),
    chars: koffi.array('char', 2, 'Typed'),
  });
  t.equal(koffi.sizeof(H), 18);
  t.equal(koffi.offsetof(H, 'chars'), 16);
  const b = Buffer.alloc(18);
  b.writeInt16LE(-2, 0);
  b.writeInt16LE(3, 2);
  b.writeInt16LE(4, 4);
  b.writeInt16LE(-5, 6);
  b.set([1, 2, 3, 250], 8);
  b.write('hi', 12);
  b[16] = 65;
  b[17] = -66 & 0xff;
  const v = koffi.decode(b, H);
  t.ok(v.typed instanceof Int16Array, 'Typed: a typed array');
  t.same(Array.from(v.typed), [-2, 3]);
  t.ok(Array.isArray(v.arr), 'Array: a JS array');
  t.same(v.arr, [4, -5]);
  t.ok(Buffer.isBuffer(v.buf), 'Buffer: a Node Buffer');
  t.same(Array.from(v.buf), [1, 2, 3, 250]);
  t.equal(v.str, 'hi', 'String: up to the NUL');
  t.ok(ArrayBuffer.isView(v.chars), 'char array with hint Typed: a typed array');
  t.same(Array.from(v.chars), [65, -66], 'signed chars');
  t.end();
});
