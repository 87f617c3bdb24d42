// Hand-picked extreme declarations for test/fuzz-decl.test.js, run by case-runner.js in child
// processes: very deep pointers and arrays, huge parameter and member counts, very long names,
// self-containing and mutually recursive structs, alignment 3, negative and huge lengths, NUL
// and non-ASCII characters, null/undefined/objects in member maps, keys that collide with
// Object.prototype. Each either declares something sane or throws an allowed Error whose
// message points at the problem (the same rules as the random fuzzer in fuzz-decl-core.js).
'use strict';
const path = require('path');
const core = require('./fuzz-decl-core.js');

const ROOT = path.join(__dirname, '..', '..');

function decl() {
  const koffi = require(ROOT);
  const paths = require('./env.js').testlibPaths;
  const lib = koffi.load(paths.cptest);
  const PTR_SIZE = koffi.sizeof('void *'); // 8 on LP64, 4 on ia32
  const cases = [];
  // texts: the strings the error message may quote (the rule of the random fuzzer).
  const pointsAt = (texts) => (e) => core.messagePointsAt(e.message, { args: texts }) || `the message does not point at the problem: ${e.message.slice(0, 200)}`;
  const anyOutcome = (texts, check) => ({ either: true, throws: core.ALLOWED_CLASSES, errorCheck: pointsAt(texts), check: check || (() => true) });
  const mustThrow = (texts, classes = core.ALLOWED_CLASSES) => ({ throws: classes, errorCheck: pointsAt(texts) });
  const isType = (t) => (t && typeof t === 'object' && Number.isSafeInteger(t.size) && t.size >= 0) || `not a sane TypeObject: ${t && t.size}`;
  const C = (name, run, expect) => cases.push({ name, run, expect });
  const stars = (n) => '*'.repeat(n);

  // Depth
  for (const n of [64, 1000, 10000, 100000]) {
    C(`koffi.type('int ${n} stars')`, () => koffi.type(`int ${stars(n)}`), anyOutcome(['int', 'pointer', 'depth', 'indirection'], isType));
    C(`lib.func with an 'int ${n} stars' parameter`, () => lib.func('ptr_to_int', 'intptr_t', [`int ${stars(n)}`]), anyOutcome(['int', 'ptr_to_int', 'pointer', 'depth', 'indirection']));
    C(`lib.func prototype with an 'int ${n} stars' parameter`, () => lib.func(`intptr_t ptr_to_int(int ${stars(n)} p)`), anyOutcome(['int', 'ptr_to_int', 'pointer', 'depth', 'indirection']));
  }
  C('koffi.pointer(int, 64) is usable as a parameter', () => typeof lib.func('ptr_to_int', 'intptr_t', [koffi.pointer('int', 64)]), { returns: 'function' });
  C('koffi.pointer(int, 65) is a RangeError', () => koffi.pointer('int', 65), mustThrow(['65', 'depth']));
  for (const n of [1000, 5000, 20000]) {
    C(`'char' with ${n} array dimensions [1]`, () => {
      const t = koffi.type(`char${'[1]'.repeat(n)}`);
      return koffi.decode(Buffer.alloc(1), t) !== undefined;
    }, anyOutcome(['char', 'array', 'dimension'], () => true));
  }
  C("'int[2]' × 30 (2^30 elements) is too large", () => koffi.type(`int${'[2]'.repeat(30)}`), mustThrow(['int', 'max_type_size', 'large'], ['RangeError']));
  C("'(' × 100000 + ')' × 100000 as a prototype", () => lib.func(`int add_int${'('.repeat(1e5)}${')'.repeat(1e5)}`), mustThrow(['add_int']));
  C("'(' × 100000 as a type", () => koffi.type(`int ${'('.repeat(1e5)}`), mustThrow(['int']));

  // Counts and lengths
  C('lib.func with 100000 int parameters (prototype string)', () => lib.func(`int add_int(${new Array(1e5).fill('int').join(', ')})`).info.arguments.length, anyOutcome(['add_int', '100000'], (n) => n === 1e5 || `${n} parameters`));
  C('lib.func with 100000 int parameters (array)', () => lib.func('add_int', 'int', new Array(1e5).fill('int')).info.arguments.length, anyOutcome(['add_int', '100000'], (n) => n === 1e5 || `${n} parameters`));
  for (const n of [1000, 100000]) {
    C(`calling add_int declared with ${n} int parameters`, () => lib.func('add_int', 'int', new Array(n).fill('int'))(...new Array(n).fill(1)),
      anyOutcome(['add_int', 'sync_stack_size', 'memory'], (r) => r === 2 || `returned ${r}`));
    C(`calling add_double declared with ${n} double parameters`, () => lib.func('add_double', 'double', new Array(n).fill('double'))(...new Array(n).fill(1)),
      anyOutcome(['add_double', 'sync_stack_size', 'memory'], (r) => r === 2 || `returned ${r}`));
  }
  C('lib.func with a sparse parameter array', () => { const a = ['int']; a[3] = 'int'; return lib.func('add_int', 'int', a); }, mustThrow(['add_int', 'undefined', '1', '2']));
  C('a struct with 100000 members', () => {
    const m = {};
    for (let i = 0; i < 1e5; i++) m[`m${i}`] = i % 3 ? 'char' : 'int';
    return Object.keys(koffi.struct('FzMany', m).members).length;
  }, { returns: 1e5 });
  C('a struct named with 1,000,000 characters', () => koffi.struct('N'.repeat(1e6), { a: 'int' }).size, { returns: 4 });
  C('a member named with 1,000,000 characters', () => koffi.struct({ ['m'.repeat(1e6)]: 'int' }).size, { returns: 4 });
  C('a type string of 10 MB of spaces around int', () => koffi.type(`${' '.repeat(5e6)}int${' '.repeat(5e6)}`).name, { returns: 'int' });
  C('an unknown type name of 1,000,000 characters', () => koffi.type('U'.repeat(1e6)), mustThrow(['U'.repeat(50)]));
  C("koffi.array('int', 1e9) is too large", () => koffi.array('int', 1e9), mustThrow(['int', '1000000000'], ['RangeError']));
  C("koffi.array('int', 2**53)", () => koffi.array('int', 2 ** 53), mustThrow(['int'], ['RangeError', 'TypeError']));
  C("koffi.array('int', -1)", () => koffi.array('int', -1), mustThrow(['-1'], ['TypeError', 'RangeError']));
  C("koffi.array('int', NaN)", () => koffi.array('int', NaN), mustThrow(['NaN'], ['TypeError', 'RangeError']));
  C("'int[-1]' in a type string", () => koffi.type('int[-1]'), mustThrow(['-1', 'int']));
  C("'int[99999999999999999999]' in a type string", () => koffi.type('int[99999999999999999999]'), mustThrow(['99999999999999999999', 'int']));
  C("'int[0x10]' in a type string", () => koffi.type('int[0x10]'), anyOutcome(['0x10', 'int'], (t) => t.size === 64 || `size ${t.size}`));

  // Alignment and member specs
  for (const a of [3, 0, -8, 1.5, 32, NaN, '8', null]) {
    C(`member alignment ${String(a)}`, () => koffi.struct({ a: [a, 'int'] }), mustThrow(['a', String(a)]));
  }
  for (const [label, spec] of [['[3, int] (alignment 3)', [3, 'int']], ['[int]', ['int']], ['[8]', [8]], ['[8, int, 1]', [8, 'int', 1]], ['null', null],
    ['undefined', undefined], ['{}', {}], ['42', 42], ['true', true], ['Symbol()', Symbol('m')], ['() => 1', () => 1], ["'void'", 'void'], ['koffi.types.void', koffi.types.void]]) {
    C(`member spec ${label}`, () => koffi.struct({ bad: spec }), mustThrow(['bad']));
  }
  for (const [label, members] of [['null', null], ['undefined', undefined], ['[]', []], ["'int'", 'int'], ['42', 42]]) {
    C(`member map ${label}`, () => koffi.struct('FzBadMap', members), mustThrow([label]));
  }
  C('member map whose getter throws: the exception propagates', () => {
    const m = {};
    Object.defineProperty(m, 'a', { get() { throw new RangeError('member getter a'); }, enumerable: true });
    return koffi.struct(m);
  }, { throws: ['RangeError'], match: ['member getter a'] });
  C('member map Proxy whose ownKeys trap throws: the exception propagates', () => koffi.struct(new Proxy({}, { ownKeys() { throw new TypeError('ownKeys trap'); } })), { throws: ['TypeError'], match: ['ownKeys trap'] });
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    C(`a member named ${key} is kept`, () => {
      const m = {};
      Object.defineProperty(m, key, { value: 'int', enumerable: true });
      m.z = 'double';
      const t = koffi.struct(m);
      return [Object.keys(t.members).join(','), t.members[key] && t.members[key].offset, koffi.offsetof(t, key)];
    }, anyOutcome([key], (r) => (r[0] === `${key},z` && r[1] === 0 && r[2] === 0) || `members ${r[0]}, offset ${r[1]}, offsetof ${r[2]}`));
    C(`offsetof(a struct without it, '${key}') is an error`, () => koffi.offsetof(koffi.struct({ a: 'int' }), key), mustThrow([key]));
    C(`an enumeration value named ${key} is kept`, () => {
      const v = {};
      Object.defineProperty(v, key, { value: 3, enumerable: true });
      return Object.keys(koffi.enumeration(v).values).join(',');
    }, anyOutcome([key], (r) => r === key || `values: '${r}'`));
  }

  // Recursion
  C('a struct containing itself is a TypeError', () => { const o = koffi.opaque('FzSelf1'); return koffi.struct(o, { me: o }); }, mustThrow(['FzSelf1', 'me'], ['TypeError']));
  C('a struct containing an array of itself', () => { const o = koffi.opaque('FzSelf2'); return koffi.struct(o, { me: 'FzSelf2[2]' }); }, mustThrow(['FzSelf2', 'me']));
  C('a struct containing itself with an alignment', () => { const o = koffi.opaque('FzSelf3'); return koffi.struct(o, { me: [8, o] }); }, mustThrow(['FzSelf3', 'me']));
  C('a union containing itself', () => { const o = koffi.opaque('FzSelf4'); return koffi.union(o, { me: o }); }, mustThrow(['FzSelf4', 'me']));
  C('a struct pointing to itself is fine', () => { const o = koffi.opaque('FzSelf5'); return koffi.struct(o, { next: 'FzSelf5 *', v: 'int' }).size; }, { returns: 2 * PTR_SIZE });
  C('mutually recursive structs through pointers', () => {
    const a = koffi.opaque('FzMutA');
    const b = koffi.opaque('FzMutB');
    koffi.struct(a, { b: 'FzMutB *', x: 'int' });
    koffi.struct(b, { a: 'FzMutA *', y: 'double' });
    return typeof lib.func('ptr_to_int', 'intptr_t', ['FzMutA *']);
  }, { returns: 'function' });
  C('A contains B by value, B contains A by value (through opaques)', () => {
    const a = koffi.opaque('FzCycA');
    const b = koffi.opaque('FzCycB');
    koffi.struct(a, { b: 'FzCycB *' });
    koffi.struct(b, { a: 'FzCycA' });
    return koffi.struct(koffi.opaque('FzCycC'), { b: 'FzCycB' }).size;
  }, anyOutcome(['FzCycA', 'FzCycB', 'FzCycC'], (n) => n === PTR_SIZE || `size ${n}`));
  C('an opaque by value in a struct is an error', () => koffi.struct({ o: koffi.opaque('FzOpaqueMember') }), mustThrow(['FzOpaqueMember', 'o']));
  C('redefining a completed struct is an error', () => { const o = koffi.opaque('FzTwice'); koffi.struct(o, { a: 'int' }); return koffi.struct(o, { b: 'int' }); }, mustThrow(['FzTwice']));
  C('a struct defining a type named int is an error', () => koffi.struct('int', { a: 'int' }), mustThrow(['int']));
  C("alias('int', 'double') is an error", () => koffi.alias('int', 'double'), mustThrow(['int']));

  // Characters
  for (const [label, s] of [['NUL alone', '\0'], ['int + NUL', 'int\0'], ['NUL inside', 'in\0t'], ['non-ASCII name', 'intë'], ['NBSP', 'int\u00a0*'],
    ['RTL override', 'int\u202e*'], ['line separator', 'int\u2028*'], ['BOM', '\ufeffint'], ['emoji', 'int😀'], ['lone surrogate', 'int\ud800']]) {
    C(`koffi.type with ${label}`, () => koffi.type(s), mustThrow([s.replace(/[^\x20-\x7e]/g, ''), 'int', 'offset']));
    C(`lib.func prototype with ${label}`, () => lib.func(`int add_int(${s} a, int b)`), mustThrow(['add_int', 'int', 'offset']));
  }
  for (const [label, name] of [['é', 'é'], ['名前', '名前'], ['a\\0b', 'a\0b'], ['space', 'a b'], ['digit first', '1a'], ['empty', '']]) {
    C(`struct name ${label} is rejected`, () => koffi.struct(name, { a: 'int' }), mustThrow([name]));
    C(`member name ${label} is rejected`, () => koffi.struct({ [name]: 'int' }), mustThrow([name]));
    C(`opaque name ${label} is rejected`, () => koffi.opaque(name), mustThrow([name]));
    C(`alias name ${label} is rejected`, () => koffi.alias(name, 'int'), mustThrow([name]));
  }

  // Prototypes (koffi.proto, when it exists, takes the same forms as lib.func)
  if (typeof koffi.proto === 'function') {
    C('koffi.proto with an int 10000 stars parameter', () => koffi.proto(`int FzDeepCb(int ${stars(10000)} p)`), anyOutcome(['FzDeepCb', 'int', 'depth']));
    C('koffi.proto with NUL', () => koffi.proto('int FzNulCb(int\0 a)'), mustThrow(['FzNulCb', 'offset']));
    C('koffi.proto with an array parameter', () => koffi.proto('int FzArrCb(int a[4])'), mustThrow(['FzArrCb', 'decay', 'array']));
    C('koffi.proto with 100000 parameters', () => koffi.proto(`int FzWideCb(${new Array(1e5).fill('int').join(', ')})`), anyOutcome(['FzWideCb']));
    C('koffi.proto(null)', () => koffi.proto(null), mustThrow(['null']));
    for (const n of [64, 65, 200]) {
      const ints = new Array(n).fill('int').join(', ');
      C(`a callback type with ${n} int parameters as a parameter type`, () => typeof lib.func('ptr_to_int', 'intptr_t', [koffi.pointer(koffi.proto(`int FzManyCb${n}(${ints})`))]),
        anyOutcome([`FzManyCb${n}`, String(n)], (r) => r === 'function' || `got ${r}`));
      C(`registering a callback with ${n} int parameters`, () => {
        const p = koffi.register(() => 1, koffi.pointer(koffi.proto(`int FzManyReg${n}(${ints})`)));
        koffi.unregister(p);
        return typeof p;
      }, anyOutcome([`FzManyReg${n}`, String(n)], (r) => r === 'bigint' || `got ${r}`));
    }
  }
  return cases;
}

module.exports = { decl };
