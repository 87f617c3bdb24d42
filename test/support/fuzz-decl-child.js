// Child side of the declaration fuzzer (see fuzz-decl-core.js).
//
//   node fuzz-decl-child.js <seed> <start> <end> <deadline ms since epoch, 0 = none>
//
// Runs inputs start .. end - 1 of the seed (stopping early at the deadline), writing
// "@@FZ <i>" before each so that the parent can name the input that crashed or hung, and
// "@@FZ SUMMARY <json>" at the end.
'use strict';
const fs = require('fs');
const writeAll = require('./write-all.js');
const path = require('path');
const core = require('./fuzz-decl-core.js');

const [seed, start, end, deadline] = process.argv.slice(2).map(Number);
// Outcome of every input on stderr (scripts/fuzz-decl.mjs --only / --verbose).
const VERBOSE = process.env.CALLPLAN_FUZZ_VERBOSE === '1';
const ROOT = path.join(__dirname, '..', '..');
const koffi = require(ROOT);
const paths = require('./env.js').testlibPaths;
const lib = koffi.load(paths.cptest);

koffi.struct('FzPoint', { x: 'int', y: 'int' });
koffi.union('FzU', { i: 'int', f: 'float' });
koffi.opaque('FzOp');
koffi.enumeration('FzE', { A: 0, B: 5 });
koffi.alias('FzA', 'int');
if (typeof koffi.proto === 'function') koffi.proto('int FzCb(int v)');

const JS = { null: null, undefined, '{}': {}, '[]': [], true: true, NaN, Infinity };

function materialize(n, ctx) {
  if (typeof n === 'string') return ctx.selfName ? n.replace(/SELF/g, ctx.selfName) : n;
  if (n === null || typeof n !== 'object') return n;
  if (n.js) {
    if (n.js === 'sym') return Symbol('s');
    if (n.js === 'fn') return () => 1;
    if (n.js === '{}') return {};
    if (n.js === '[]') return [];
    return JS[n.js];
  }
  if (n.big) return BigInt(n.big);
  if (n.repeat) return n.repeat[0].repeat(n.repeat[1]);
  if (n.cat) return n.cat.map((c) => materialize(c, ctx)).join('');
  if (n.arr) return n.arr.map((c) => materialize(c, ctx));
  if (n.obj) {
    const o = {};
    for (const [k, v] of n.obj) {
      // Own data properties, so that keys like __proto__ are members like any other.
      Object.defineProperty(o, String(materialize(k, ctx)), { value: materialize(v, ctx), enumerable: true, writable: true, configurable: true });
    }
    return o;
  }
  if (n.call) return koffi[n.call](...n.args.map((c) => materialize(c, ctx)));
  if (n.ref) return ctx.self;
  if (n.type) return koffi.types[n.type];
  if (n.opaque) {
    ctx.self = koffi.opaque(n.opaque);
    ctx.selfName = n.opaque;
    return ctx.self;
  }
  throw new Error(`fuzz: unknown recipe node ${JSON.stringify(n)}`);
}

const POW2 = [0, 1, 2, 4, 8, 16];

/** Problems with a TypeObject that was declared without an error. */
function typeProblems(t, input, materialized) {
  const p = [];
  if (!t || typeof t !== 'object') return [`returned ${typeof t}, not a TypeObject`];
  if (typeof t.name !== 'string') p.push(`name is ${typeof t.name}`);
  if (!Number.isSafeInteger(t.size) || t.size < 0) p.push(`size is ${t.size}`);
  if (!POW2.includes(t.alignment)) p.push(`alignment is ${t.alignment}`);
  if (t.size && t.alignment && t.size % t.alignment !== 0) p.push(`size ${t.size} is not a multiple of the alignment ${t.alignment}`);
  if (p.length) return p;
  if (koffi.sizeof(t) !== t.size) p.push(`sizeof() says ${koffi.sizeof(t)}, size says ${t.size}`);
  if (koffi.type(t) !== t) p.push('type(t) is not t');
  if (['struct', 'union', 'pack'].includes(input.api)) {
    const members = materialized[materialized.length - 1];
    const want = Object.keys(members);
    const got = Object.keys(t.members || {});
    if (want.join('\u0000') !== got.join('\u0000')) {
      const missing = want.filter((k) => !got.includes(k));
      const extra = got.filter((k) => !want.includes(k));
      p.push(`members differ from the definition: missing ${JSON.stringify(missing.slice(0, 5))}, unexpected ${JSON.stringify(extra.slice(0, 5))}`);
      return p;
    }
    let end = 0;
    for (const k of got) {
      const m = t.members[k];
      const spec = members[k];
      const explicit = Array.isArray(spec) ? spec[0] : null;
      if (!Number.isSafeInteger(m.offset) || m.offset < 0) { p.push(`member ${k}: offset ${m.offset}`); continue; }
      const msize = m.type.size;
      if (m.offset + msize > t.size) p.push(`member ${k} (${m.offset} + ${msize}) ends past the size ${t.size}`);
      if (input.api === 'union') {
        if (m.offset !== 0) p.push(`union member ${k} at offset ${m.offset}`);
      } else {
        if (m.offset < end) p.push(`member ${k} at ${m.offset} overlaps the previous one (ends at ${end})`);
        const align = explicit !== null ? explicit : input.api === 'pack' ? 1 : m.type.alignment;
        if (align && m.offset % align !== 0) p.push(`member ${k} at ${m.offset} is not aligned to ${align}`);
        end = m.offset + msize;
      }
    }
  }
  if (input.api === 'enumeration') {
    const values = materialized[1];
    const want = Object.keys(values);
    const got = Object.keys(t.values || {});
    if (want.join('\u0000') !== got.join('\u0000')) p.push(`enumeration values differ: missing ${JSON.stringify(want.filter((k) => !got.includes(k)).slice(0, 5))}`);
  }
  if (input.api === 'array' && typeof materialized[1] === 'number' && t.ref && t.size !== t.ref.size * materialized[1]) {
    p.push(`array size ${t.size} != ${t.ref.size} * ${materialized[1]}`);
  }
  return p;
}

// Canonical names of the type strings in the input ('signed char' is int8_t, an alias is its target).
function canonicalNames(input) {
  const names = [];
  for (const s of core.stringsOf({ arr: input.args })) {
    if (s.length > 200) continue;
    try {
      names.push(koffi.type(s).name);
    } catch {
      // not a type
    }
  }
  return names;
}

function errorProblems(e, input) {
  if (!(e instanceof Error)) return [[`class:${e === null ? 'null' : typeof e}`, `threw a non-Error: ${String(e).slice(0, 200)}`]];
  const cls = e.constructor && e.constructor.name;
  const out = [];
  if (!core.ALLOWED_CLASSES.includes(cls)) out.push([`class:${cls}`, e.message.slice(0, 300)]);
  if (!e.message || !e.message.trim()) out.push(['empty message', cls]);
  else if (!core.messagePointsAt(e.message, input, canonicalNames(input))) out.push(['message does not point at the problem', `${cls}: ${e.message.slice(0, 300)}`]);
  return out;
}

// Uses a declared type the way calls do (native descriptors, decoding), under the same rules.
function exercise(t) {
  if (!t || typeof t !== 'object' || t.primitive === 'Void' || !(t.size >= 0)) return;
  lib.func('ptr_to_int', 'intptr_t', [koffi.pointer(t)]);
  if (t.size > 0 && t.size <= 65536 && !['Prototype', 'Callback'].includes(t.primitive)) koffi.decode(Buffer.alloc(t.size), t);
}

// Functions that never dereference their arguments: whatever signature they were declared
// with, a call passes registers and stack slots that C only adds up or ignores.
const HARMLESS = new Set(['add_int', 'add_double', 'cp_noop', 'sum_i0', 'bytes_u32']);
const NUMERIC = /^(Bool|U?Int(8|16|32|64)S?|Float32|Float64)$/;

/** Calls a declared harmless function with plain arguments when its result is safe to read. */
function callDeclared(fn) {
  const info = fn.info;
  if (!HARMLESS.has(info.name) || info.result.disposable) return;
  const result = info.result.primitive;
  // Pointers come back as numbers, never dereferenced; strings and aggregates would be read.
  if (!(result === 'Void' || result === 'Pointer' || NUMERIC.test(result))) return;
  const args = [];
  for (const a of info.arguments) {
    const p = a.type.primitive;
    if (p === 'Bool') args.push(true);
    else if (NUMERIC.test(p)) args.push(1);
    else if (['Pointer', 'String', 'String16', 'String32'].includes(p)) args.push(null);
    else if (p === 'Record') args.push({});
    else return;
  }
  fn(...args);
}

function execute(input) {
  const ctx = {};
  const args = input.args.map((a) => materialize(a, ctx));
  switch (input.api) {
    case 'func':
    case 'func4': {
      const fn = lib.func(...args);
      const problems = [];
      if (typeof fn !== 'function') problems.push(`lib.func returned ${typeof fn}`);
      else if (!fn.info || !Array.isArray(fn.info.arguments)) problems.push('fn.info.arguments is not an array');
      return { args, problems, fn };
    }
    case 'proto': {
      if (typeof koffi.proto !== 'function') return { skipped: true };
      const t = koffi.proto(...args);
      return { args, problems: typeProblems(t, input, args), type: t };
    }
    case 'sizeof':
    case 'alignof': {
      const n = koffi[input.api](args[0]);
      return { args, problems: Number.isSafeInteger(n) && n >= 0 ? [] : [`${input.api} returned ${n}`] };
    }
    case 'offsetof': {
      const n = koffi.offsetof(args[0], args[1]);
      return { args, problems: Number.isSafeInteger(n) && n >= 0 ? [] : [`offsetof returned ${n}`] };
    }
    case 'out':
    case 'inout': {
      const d = koffi[input.api](args[0]);
      return { args, problems: d && typeof d === 'object' ? [] : [`${input.api} returned ${typeof d}`] };
    }
    default: {
      const t = koffi[input.api](...args);
      return { args, problems: typeProblems(t, input, args), type: t };
    }
  }
}

const summary = { inputs: 0, valid: 0, skipped: 0, threw: {}, mustThrow: 0, problems: {}, next: start };

// Problems are grouped by category, then by kind (the detail with names and numbers blurred),
// keeping the first example of each kind.
function problem(category, input, detail) {
  const p = (summary.problems[category] = summary.problems[category] || { count: 0, examples: [] });
  p.count++;
  const kind = core.problemKind(detail);
  const known = p.examples.find((e) => e.kind === kind);
  if (known) known.count++;
  else if (p.examples.length < 40) p.examples.push({ kind, count: 1, index: input.index, input: core.describeInput(input).slice(0, 600), detail: String(detail).slice(0, 400) });
}

for (let i = start; i < end; i++) {
  if (deadline && Date.now() > deadline) break;
  writeAll(1, `@@FZ ${i}\n`);
  const input = core.generate(seed, i);
  const mustThrow = core.mustThrowReason(input);
  summary.inputs++;
  summary.next = i + 1;
  if (mustThrow) summary.mustThrow++;
  let result;
  try {
    result = execute(input);
  } catch (e) {
    const cls = e instanceof Error ? e.constructor.name : typeof e;
    summary.threw[cls] = (summary.threw[cls] || 0) + 1;
    if (VERBOSE) fs.writeSync(2, `#${i} ${core.describeInput(input).slice(0, 300)}\n    threw ${cls}: ${String(e && e.message).slice(0, 300)}\n`);
    for (const [category, detail] of errorProblems(e, input)) problem(category, input, detail);
    continue;
  }
  if (result.skipped) {
    summary.skipped++;
    continue;
  }
  summary.valid++;
  if (VERBOSE) fs.writeSync(2, `#${i} ${core.describeInput(input).slice(0, 300)}\n    declared${result.type ? ` ${result.type.name.slice(0, 80)} (size ${result.type.size})` : ''}\n`);
  if (mustThrow) problem('accepted invalid input', input, mustThrow);
  for (const p of result.problems) problem('declared, but wrong', input, p);
  try {
    exercise(result.type);
    if (result.fn && !/\.\.\./.test(core.describeInput(input))) callDeclared(result.fn);
  } catch (e) {
    for (const [category, detail] of errorProblems(e, input)) problem(`using the declared type: ${category}`, input, detail);
  }
}
writeAll(1, `@@FZ SUMMARY ${JSON.stringify(summary)}\n`);
