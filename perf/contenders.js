'use strict';
// The implementations being compared, in table (and round) order.
//
//   key    - used in results/latest.json and --contenders
//   label  - column header
//   impl   - which entry of a case's `impl` table this contender runs.
//            callplan and koffi share 'ffi': callplan is a drop-in for
//            Koffi 3, so one declaration serves both.
//   color  - bar colour in the SVG charts
//   load   - returns the module object handed to the case, or throws; a
//            throw shows the whole column as n/a with the message as a note.

const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, nodeFlags, loadNapiBaseline, packageVersion } = require('./lib/env.js');

// callplan's addon talks to V8 directly, so it is tied to the Node version it
// was built for. Loading an addon built for another V8 does not throw: the
// process dies with "symbol lookup error" on the first call. So before
// loading it here, a child process loads it and makes one call. Child
// processes of the bench itself (lib/child.js) skip the probe: the parent
// only starts them for contenders that passed it.
function probeCallplan() {
  if (process.env.CALLPLAN_BENCH_CHILD === '1') return;
  const script =
    `const k = require(${JSON.stringify(ROOT)});` +
    `const atoi = k.load(null).func('int atoi(const char *s)');` +
    `if (atoi('42') !== 42) { console.error('atoi("42") returned ' + atoi('42')); process.exit(3); }`;
  const r = spawnSync(process.execPath, [...nodeFlags(), '-e', script], { encoding: 'utf8', timeout: 60000 });
  if (r.status === 0) return;
  const why = String(r.stderr || r.error || '').trim().split('\n')
    .find((l) => /error|cannot|undefined symbol|returned/i.test(l)) || `exit ${r.status}, signal ${r.signal}`;
  const native = process.env.CALLPLAN_NATIVE || path.join('build', 'Release', 'callplan.node');
  throw new Error(`callplan's native addon (${native}) does not work in Node ${process.version} ` +
    `(it was built for another Node version, or not built): ${why.trim().slice(0, 200)}`);
}

// node:ffi is built into Node 26 (added in v26.1.0; on early 26.x releases it
// needs --experimental-ffi). Older Node versions do not have it.
function loadNodeFfi() {
  let ffi;
  if (typeof process.getBuiltinModule === 'function') ffi = process.getBuiltinModule('node:ffi');
  if (!ffi) {
    try {
      ffi = require('node:ffi');
    } catch {}
  }
  if (!ffi || typeof ffi.dlopen !== 'function') {
    const major = Number(process.versions.node.split('.')[0]);
    throw new Error(major >= 26
      ? `node:ffi is not available in Node ${process.version} (try node --experimental-ffi, or a build with FFI support)`
      : `node:ffi is not available in Node ${process.version} (it needs Node >= 26.1; see perf/README.md)`);
  }
  return ffi;
}

module.exports = [
  {
    key: 'callplan',
    label: 'callplan',
    impl: 'ffi',
    color: '#d9480f',
    load() {
      probeCallplan();
      return require('..'); // package.json "main" -> dist/index.cjs
    },
    version: () => require('../package.json').version,
  },
  {
    key: 'koffi',
    label: 'koffi',
    impl: 'ffi',
    color: '#1971c2',
    load() {
      return require('koffi');
    },
    version: () => packageVersion('koffi'),
  },
  {
    key: 'napi',
    label: 'napi',
    impl: 'napi',
    color: '#495057',
    load(opts) {
      const r = loadNapiBaseline({ rebuild: opts.rebuildNapi });
      if (r.error) throw new Error(r.error);
      return r.addon;
    },
    version: () => `node-api ${process.versions.napi}`,
  },
  {
    key: 'ffirs',
    label: 'ffi-rs',
    impl: 'ffirs',
    color: '#2f9e44',
    load() {
      return require('ffi-rs');
    },
    version: () => packageVersion('ffi-rs'),
  },
  {
    key: 'nodeffi',
    label: 'node:ffi',
    impl: 'nodeffi',
    color: '#7048e8',
    load: loadNodeFfi,
    version: () => `node ${process.version}`,
  },
];
