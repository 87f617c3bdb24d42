// Bad input: every parameter kind against every kind of wrong JS value, wrong arity and
// variadic pairs, the memory helpers with hostile pointers, offsets and lengths, 100 MB
// strings and million-element arrays. The expectation is always a JS exception of the right
// class with a message naming the argument, the C type and the received value, or a
// documented valid result; never a signal, a hang, an uncaught exception, or bytes changed
// (or read) outside the buffer that was passed (guarded buffers have sentinel bytes around).
//
// The cases are in test/support/bad-input-cases.js; each group runs in child processes
// (test/support/run-cases.js). A child that dies or hangs is reported under the name of the
// case it was running, and the next child carries on with the following case.
'use strict';
const t = require('tap');
const path = require('path');
const koffi = require('..');
const { runCases } = require('./support/run-cases.js');

const CASES = path.join(__dirname, 'support', 'bad-input-cases.js');

const GROUPS = [
  ['scalars', 'bool, integers of every width and spelling, endian integers, float, double'],
  ['positions', 'the failing argument is the one named, for each of 18 kinds in one call'],
  ['strings', 'char *, char16_t *, char32_t *, wchar_t * and the str* names'],
  ['pointers', 'void *, int32_t *, int32_t **, struct, union and array-in-struct pointers, sentinel checks'],
  ['aggregates', 'struct, union and array members by value'],
  ['outparams', '_Out_ and _Inout_ pointers, copy-back hazards'],
  ['arity', 'wrong argument counts and variadic (type, value) pairs'],
  ['memory', 'alloc, free, decode, encode, view, address, as'],
  ['huge', '100 MB strings, million-element and sparse arrays, deep chains, cycles'],
  ['library', 'library paths and symbol names with NUL, unloaded libraries, errno'],
  ['callbacks', 'callback parameters (when koffi.proto exists)'],
  ['async', 'fn.async with bad input (when it exists)'],
];

t.test('the C helper library is built', (t) => {
  const { testlibPaths: paths } = require('./support/env.js');
  t.ok(paths.cphostile, 'paths.json names libcphostile.so');
  t.doesNotThrow(() => koffi.load(paths.cphostile), 'it loads');
  t.end();
});

// A smaller heap and an 8 GB address-space limit make runaway allocations (e.g. a sparse
// array of length 2^32 - 1 taken as 2^32 elements) fail fast instead of swallowing the
// machine; 'huge' needs the default heap for its 100 MB strings.
const NODE_ARGS = { huge: [], async: [] };
const ADDRESS_SPACE_MB = 8192;

for (const [group, what] of GROUPS) {
  t.test(`${group}: ${what}`, async (t) => {
    const stats = await runCases(t, CASES, group, { nodeArgs: NODE_ARGS[group] || ['--max-old-space-size=1024'], addressSpaceMB: ADDRESS_SPACE_MB });
    t.comment(`${group}: ${stats.total} cases, ${stats.passed} passed, ${stats.failed} failed, ${stats.crashed} crashed, ${stats.hung} hung`);
    if (stats.total === 0) t.pass(`${group}: nothing to test in this build`);
  });
}
