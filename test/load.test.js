// koffi.load(): the running process, missing files and symbols, load options (each
// scenario in its own child process, since the dynamic loader's state is process-wide),
// and unload().
'use strict';
const t = require('tap');
const path = require('path');
const { spawnSync } = require('child_process');
const koffi = require('..');
const { testlibPaths: paths, testlibPathsFile, nodePath } = require('./support/env.js');

const ROOT = path.join(__dirname, '..');

// Runs `code` in a fresh node with `koffi` and `paths` defined; returns status and output.
// LD_BIND_NOW would turn RTLD_LAZY into RTLD_NOW (test/lib/README.md), so it is removed.
function child(code) {
  const env = { ...process.env };
  delete env.LD_BIND_NOW;
  const prelude = `const koffi = require(${JSON.stringify(ROOT)}); const paths = require(${JSON.stringify(testlibPathsFile)});\n`;
  const r = spawnSync(nodePath, ['-e', prelude + code], { env, encoding: 'utf8', timeout: 60000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout.trim(), stderr: r.stderr };
}

// Runs `code` that must print one JSON line; returns the parsed value.
function childJSON(t, code) {
  const r = child(code);
  t.equal(r.signal, null, 'child was not killed by a signal', { stderr: r.stderr });
  t.equal(r.status, 0, 'child exited normally', { stderr: r.stderr });
  try {
    return JSON.parse(r.stdout.split('\n').pop());
  } catch {
    t.fail('child printed JSON', { stdout: r.stdout, stderr: r.stderr });
    return {};
  }
}

// Helper text for children: try something, report { ok, value } or { ok: false, type, message }.
const caught = require('./support/caught.js');

const TRY = `function attempt(f) { try { return { ok: true, value: f() }; } catch (e) { return { ok: false, type: e && e.constructor && e.constructor.name, message: String(e && e.message) }; } }\n`;

t.test('load(null) and load("") give the running process', (t) => {
  for (const arg of [null, '']) {
    const self = koffi.load(arg);
    const atoi = self.func('int atoi(const char *str)');
    t.equal(atoi('1257'), 1257, `atoi through load(${JSON.stringify(arg)})`);
    t.equal(atoi('-42xyz'), -42);
    const labs = self.func('long labs(long)');
    // A magnitude that needs most of a long: 2^40 (LP64) or 2^30 (ILP32, ia32).
    const big = koffi.sizeof('long') === 8 ? 2 ** 40 : 2 ** 30;
    t.equal(labs(-big), big);
    const strlen = self.func('strlen', 'size_t', ['str']);
    t.equal(strlen('héllo'), Buffer.byteLength('héllo'));
  }
  // The process includes libm (node links it).
  const m = koffi.load(null);
  const cos = m.func('double cos(double)');
  t.equal(cos(0), 1);
  t.equal(cos(Math.PI), Math.cos(Math.PI));
  t.end();
});

t.test('a missing library is an Error with the path and the dlerror text', (t) => {
  const missing = path.join(ROOT, 'build', 'testlib', 'libdoes_not_exist_xyz.so');
  let e = caught(t, () => koffi.load(missing), 'missing library');
  t.type(e, Error);
  t.match(e.message, missing, 'names the path');
  t.match(e.message, /cannot open shared object file/, 'includes the dlerror text');
  t.match(e.message, /No such file or directory/);
  // A file that exists but is not a shared library.
  e = caught(t, () => koffi.load(path.join(ROOT, 'package.json')), 'not a shared library');
  t.type(e, Error);
  t.match(e.message, 'package.json');
  t.end();
});

t.test('a missing symbol is an Error naming it', (t) => {
  const lib = koffi.load(paths.cptest);
  const e = caught(t, () => lib.func('int cp_no_such_function_xyz(int)'), 'missing symbol');
  t.type(e, Error);
  t.match(e.message, 'cp_no_such_function_xyz');
  t.match(e.message, /undefined symbol: cp_no_such_function_xyz/, 'dlerror text');
  t.throws(() => lib.func('cp_other_missing', 'int', []), /cp_other_missing/);
  t.throws(() => lib.symbol('cp_missing_variable'), /cp_missing_variable/);
  // A missing symbol is reported before a signature the plan compiler refuses.
  koffi.proto('int LoadTestProto(int)');
  t.throws(() => lib.func('void cp_no_such_function_xyz(LoadTestProto)'), /Cannot find symbol 'cp_no_such_function_xyz'/);
  t.throws(() => lib.func('void cp_noop(LoadTestProto)'), /cannot be passed as argument 1/);
  // The library is still usable afterwards.
  t.equal(lib.func('int add_int(int, int)')(40, 2), 42);
  t.end();
});

t.test('the same library loaded twice works through both handles', (t) => {
  const a = koffi.load(paths.cptest);
  const b = koffi.load(paths.cptest);
  const setA = a.func('void set_global_int(int)');
  const getB = b.func('int get_global_int(void)');
  const old = getB();
  setA(555);
  t.equal(getB(), 555, 'one copy of the library');
  setA(old);
  t.equal(a.symbol('cptest_global_int'), b.symbol('cptest_global_int'));
  t.end();
});

t.test('cp_unresolved: fails with RTLD_NOW (default), loads with { lazy: true }', (t) => {
  const now = childJSON(t, TRY + `console.log(JSON.stringify(attempt(() => { koffi.load(paths.cp_unresolved); return 'loaded'; })));`);
  t.equal(now.ok, false, 'default load fails');
  t.equal(now.type, 'Error');
  t.match(now.message, 'cp_missing_symbol_xyz', 'names the unresolved symbol');
  t.match(now.message, /undefined symbol/);
  const explicit = childJSON(t, TRY + `console.log(JSON.stringify(attempt(() => { koffi.load(paths.cp_unresolved, { lazy: false }); return 'loaded'; })));`);
  t.equal(explicit.ok, false, '{ lazy: false } fails too');
  // Never call unresolved_caller: the process would die in ld.so.
  const lazy = childJSON(t, TRY + `console.log(JSON.stringify(attempt(() => koffi.load(paths.cp_unresolved, { lazy: true }).func('int unresolved_ok(void)')())));`);
  t.same(lazy, { ok: true, value: 7 }, 'lazy load works and unresolved_ok() returns 7');
  t.end();
});

t.test('cp_consumer needs cp_provider loaded with { global: true }', (t) => {
  const alone = childJSON(t, TRY + `console.log(JSON.stringify(attempt(() => koffi.load(paths.cp_consumer).func('int consumer_get(void)')())));`);
  t.equal(alone.ok, false, 'consumer alone fails');
  t.match(alone.message, 'cp_provided_value');

  const global = childJSON(t, TRY + `
    const p = koffi.load(paths.cp_provider, { global: true });
    const provided = p.func('int cp_provided_value(void)')();
    const r = attempt(() => koffi.load(paths.cp_consumer).func('int consumer_get(void)')());
    console.log(JSON.stringify({ provided, r }));`);
  t.equal(global.provided, 4242);
  t.same(global.r, { ok: true, value: 4243 }, 'consumer works after a global provider');

  const local = childJSON(t, TRY + `
    const p = koffi.load(paths.cp_provider);
    const provided = p.func('int cp_provided_value(void)')();
    const r = attempt(() => koffi.load(paths.cp_consumer).func('int consumer_get(void)')());
    console.log(JSON.stringify({ provided, r }));`);
  t.equal(local.provided, 4242);
  t.equal(local.r.ok, false, 'consumer fails after a local provider');
  t.match(local.r.message, 'cp_provided_value');

  const explicitLocal = childJSON(t, TRY + `
    koffi.load(paths.cp_provider, { global: false });
    console.log(JSON.stringify(attempt(() => koffi.load(paths.cp_consumer).func('int consumer_get(void)')())));`);
  t.equal(explicitLocal.ok, false, '{ global: false } is local');
  t.end();
});

// The sanitizer runtime refuses RTLD_DEEPBIND (google/sanitizers#611), so npm run test:asan skips this.
t.test('cp_deep: interposed by a global deep_global unless { deep: true }', { skip: process.env.CALLPLAN_ASAN ? 'RTLD_DEEPBIND is incompatible with AddressSanitizer' : false }, (t) => {
  const alone = childJSON(t, `console.log(JSON.stringify(koffi.load(paths.cp_deep).func('int deep_call_which(void)')()));`);
  t.equal(alone, 2, 'cp_deep alone uses its own symbol');

  const interposed = childJSON(t, `
    koffi.load(paths.cp_deep_global, { global: true });
    const d = koffi.load(paths.cp_deep);
    console.log(JSON.stringify([d.func('int deep_call_which(void)')(), d.func('int cp_deep_which(void)')()]));`);
  t.same(interposed, [1, 2], 'global deep_global interposes deep_call_which; dlsym still finds deep\'s own');

  const deep = childJSON(t, `
    koffi.load(paths.cp_deep_global, { global: true });
    const d = koffi.load(paths.cp_deep, { deep: true });
    console.log(JSON.stringify(d.func('int deep_call_which(void)')()));`);
  t.equal(deep, 2, '{ deep: true } binds to its own symbol first');

  const localGlobal = childJSON(t, `
    koffi.load(paths.cp_deep_global);
    console.log(JSON.stringify(koffi.load(paths.cp_deep).func('int deep_call_which(void)')()));`);
  t.equal(localGlobal, 2, 'a local deep_global does not interpose');

  const all = childJSON(t, `
    koffi.load(paths.cp_deep_global, { global: true, lazy: true });
    console.log(JSON.stringify(koffi.load(paths.cp_deep, { deep: true, lazy: true, global: false }).func('int deep_call_which(void)')()));`);
  t.equal(all, 2, 'options combine');
  t.end();
});

t.test('unknown load options are an Error naming them', (t) => {
  t.throws(() => koffi.load(paths.cptest, { lazzy: true }), /lazzy/);
  const e = caught(t, () => koffi.load(paths.cptest, { lazy: true, Global: true, deeep: 1 }), 'two unknown options');
  t.type(e, Error);
  t.match(e.message, 'Global');
  t.match(e.message, 'deeep');
  t.throws(() => koffi.load(paths.cptest, 42), TypeError, 'options must be an object');
  t.throws(() => koffi.load(42), TypeError, 'path must be a string or null');
  t.throws(() => koffi.load({}), TypeError);
  t.doesNotThrow(() => koffi.load(paths.cptest, {}), 'empty options');
  t.doesNotThrow(() => koffi.load(paths.cptest, undefined), 'undefined options');
  t.end();
});

t.test('unload(): later calls are an Error, not a crash', (t) => {
  const r = childJSON(t, TRY + `
    const lib = koffi.load(paths.cp_provider);
    const f = lib.func('int cp_provided_value(void)');
    const before = f();
    lib.unload();
    const call = attempt(() => f());
    const declare = attempt(() => lib.func('int cp_provided_value(void)'));
    const symbol = attempt(() => lib.symbol('cp_provided_value'));
    const again = attempt(() => lib.unload());
    const call2 = attempt(() => f());
    const reload = attempt(() => koffi.load(paths.cp_provider).func('int cp_provided_value(void)')());
    console.log(JSON.stringify({ before, call, declare, symbol, again, call2, reload }));`);
  t.equal(r.before, 4242);
  t.equal(r.call.ok, false, 'calling a function of an unloaded library throws');
  t.equal(r.call.type, 'Error');
  t.match(r.call.message, 'cp_provided_value', 'the error names the function');
  t.match(r.call.message, /unload/, 'the error says the library was unloaded');
  t.equal(r.declare.ok, false, 'declaring a function after unload throws');
  t.equal(r.symbol.ok, false, 'lib.symbol after unload throws');
  t.equal(r.call2.ok, false, 'still an Error after a second unload()');
  t.same(r.reload, { ok: true, value: 4242 }, 'the library can be loaded again');
  // In this process too: unloading one handle does not break another handle of the same file.
  const a = koffi.load(paths.cptest);
  const b = koffi.load(paths.cptest);
  const fa = a.func('int add_int(int, int)');
  const fb = b.func('int add_int(int, int)');
  a.unload();
  t.throws(() => fa(1, 2), Error);
  t.equal(fb(1, 2), 3, 'the other handle still works');
  t.end();
});
