'use strict';
// The implementations being compared, in table (and round) order.
//
//   key    - used in results/latest.json and --contenders
//   label  - column header
//   impl   - which entry of a case's `impl` table this contender runs.
//            callplan and koffi share 'ffi': callplan is a drop-in for
//            Koffi 3, so one declaration serves both.
//   load   - returns the module object handed to the case, or throws; a
//            throw shows the whole column as n/a with the message as a note.

const { loadNapiBaseline, packageVersion } = require('./lib/env.js');

module.exports = [
  {
    key: 'callplan',
    label: 'callplan',
    impl: 'ffi',
    load() {
      return require('..'); // package.json "main" -> dist/index.cjs
    },
    version: () => require('../package.json').version,
  },
  {
    key: 'koffi',
    label: 'koffi',
    impl: 'ffi',
    load() {
      return require('koffi');
    },
    version: () => packageVersion('koffi'),
  },
  {
    key: 'napi',
    label: 'napi',
    impl: 'napi',
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
    load() {
      return require('ffi-rs');
    },
    version: () => packageVersion('ffi-rs'),
  },
];
