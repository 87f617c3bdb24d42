// ESM entry: `import koffi, { load, sizeof } from 'callplan'` through the package
// self-reference ("exports" in package.json), run in a child node with cwd inside the
// package. Named and default imports must be the same objects and share native state
// with require('callplan').
'use strict';
const t = require('tap');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');
const { testlibPaths: paths, nodePath } = require('./support/env.js');

function esm(code, cwd = ROOT) {
  const r = spawnSync(nodePath, ['--input-type=module', '-e', code], { cwd, encoding: 'utf8', timeout: 60000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout.trim(), stderr: r.stderr };
}

function parse(t, r) {
  t.equal(r.signal, null, 'no signal', { stderr: r.stderr });
  t.equal(r.status, 0, 'exit status 0', { stderr: r.stderr });
  try {
    return JSON.parse(r.stdout.split('\n').pop());
  } catch {
    t.fail('JSON output', { stdout: r.stdout, stderr: r.stderr });
    return {};
  }
}

t.test('default and named imports', (t) => {
  const out = parse(t, esm(`
    import koffi, { load, sizeof, alignof, type, types, config, errno, os, version, extension, pointer, alias } from 'callplan';
    import * as ns from 'callplan';
    const lib = load(${JSON.stringify(paths.cptest)});
    const add = lib.func('int add_int(int, int)');
    const sumD = lib.func('double sum_d3(double, double, double)');
    const len = koffi.load(${JSON.stringify(paths.cptest)}).func('size_t str_len(const char *)');
    console.log(JSON.stringify({
      defaultType: typeof koffi,
      sameLoad: koffi.load === load,
      sameSizeof: koffi.sizeof === sizeof,
      sameAlignof: koffi.alignof === alignof,
      sameType: koffi.type === type,
      sameTypes: koffi.types === types,
      sameConfig: koffi.config === config,
      sameErrno: koffi.errno === errno,
      sameOs: koffi.os === os,
      nsDefault: ns.default === koffi,
      nsLoad: ns.load === load,
      nsIn: ns.in === koffi.in,
      version: version === koffi.version ? version : null,
      extension,
      sizeofInt: sizeof('int'),
      sizeofPtr: sizeof('void *'),
      alignDouble: alignof('double'),
      add: add(40, 2),
      sumD: sumD(0.5, 0.25, 0.125),
      len: len('héllo'),
      ebadf: os.errno.EBADF,
    }));`));
  t.equal(out.defaultType, 'object');
  for (const k of ['sameLoad', 'sameSizeof', 'sameAlignof', 'sameType', 'sameTypes', 'sameConfig', 'sameErrno', 'sameOs',
    'nsDefault', 'nsLoad', 'nsIn']) t.equal(out[k], true, k);
  t.equal(out.version, require('..').version, 'version matches the CommonJS build');
  t.equal(out.extension, '.so');
  t.equal(out.sizeofInt, 4);
  t.equal(out.sizeofPtr, process.arch === 'ia32' ? 4 : 8);
  t.equal(out.alignDouble, process.arch === 'ia32' ? 4 : 8, 'i386: doubles align to 4 in structs');
  t.equal(out.add, 42);
  t.equal(out.sumD, 0.5 + 2 * 0.25 + 3 * 0.125);
  t.equal(out.len, Buffer.byteLength('héllo'));
  t.equal(out.ebadf, require('os').constants.errno.EBADF);
  t.end();
});

t.test('ESM and CommonJS share one state', (t) => {
  const out = parse(t, esm(`
    import koffi, { alias, pointer, load } from 'callplan';
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))});
    const cjs = require('callplan');
    alias('EsmSharedInt', 'int16_t');
    const cjsPtr = cjs.pointer('CjsSharedPtr', 'int64_t');
    const lib = load(${JSON.stringify(paths.cptest)});
    const viaEsm = lib.func('EsmSharedInt id_i16(EsmSharedInt)');
    const viaCjs = cjs.load(${JSON.stringify(paths.cptest)}).func('long long read_i64_at(CjsSharedPtr)');
    const dup = cjs.load(${JSON.stringify(paths.cptest)}).func('str! str_dup(str)');
    const before = koffi.stats().disposed;
    dup('x');
    const after = koffi.stats().disposed;
    cjs.errno(0);
    lib.func('int set_errno_ret(int, int)')(13, 0);
    console.log(JSON.stringify({
      same: cjs === koffi,
      aliasSeenByCjs: cjs.sizeof('EsmSharedInt'),
      pointerSeenByEsm: koffi.type('CjsSharedPtr').ref.name === koffi.type('int64_t').name,
      wrap: viaEsm(40000),
      read: viaCjs(BigInt64Array.from([-5n])),
      disposed: after - before,
      errnoFromCjs: cjs.errno(),
    }));`));
  t.equal(out.same, true, 'require() and import give the same object');
  t.equal(out.aliasSeenByCjs, 2, 'an alias made through ESM is visible to CommonJS');
  t.equal(out.pointerSeenByEsm, true, 'a pointer type made through CommonJS is visible to ESM');
  t.equal(out.wrap, 40000 - 65536, 'int16 alias works in a call');
  t.equal(out.read, -5);
  t.equal(out.disposed, 1, 'stats are shared');
  t.equal(out.errnoFromCjs, 13, 'errno is shared');
  t.end();
});

t.test('the package resolves by name only through its exports', (t) => {
  const r = esm(`
    import koffi from 'callplan';
    const ok = typeof koffi.load === 'function';
    let sub = null;
    try { await import('callplan/dist/index.cjs'); sub = 'resolved'; } catch (e) { sub = e.code; }
    const pkg = (await import('callplan/package.json', { with: { type: 'json' } })).default;
    console.log(JSON.stringify({ ok, sub, name: pkg.name }));`);
  const out = parse(t, r);
  t.equal(out.ok, true);
  t.equal(out.sub, 'ERR_PACKAGE_PATH_NOT_EXPORTED', 'unexported subpaths are not reachable');
  t.equal(out.name, 'callplan');
  t.end();
});
