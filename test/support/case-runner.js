// Child side of the isolated case runner (see run-cases.js for the parent side).
//
//   node case-runner.js <cases module> <group> <first index>
//
// Loads the group's cases from the module and runs them in order from <first index>. Before
// each case it writes "@@CP CASE <i> <name>" and after it "@@CP RESULT <i> <json>", each with
// one synchronous write, so that when the process dies (signal, abort, uncaught exception) the
// parent knows which case was running. After the last case it forces garbage collection (to
// catch crashes in finalizers) and writes "@@CP DONE".
//
// A case is { name, run(), expect, after? }. run() may return a promise. expect:
//   { throws: ['TypeError', ...], match: [RegExp | string, ...] }  must throw an instance of
//       exactly one of those classes (constructor name), with a message matching every entry;
//   { propagates: error }  must throw exactly that object (identity): the exception a getter,
//       Proxy trap or valueOf raised, propagated as is;
//   orPropagates: error  (with any other form) throwing exactly that object is fine too;
//   errorCheck(e)  (with throws/either) an extra rule for the exception: true or a problem;
//   { returns: value }  must return a value equal to it (Object.is, or element-wise for arrays);
//   { check(value) }  must return a value for which check returns true (a string = a problem);
//   { either: true, check?, throws?, match? }  a valid result or an exception: both are fine
//       as long as the result passes check and the exception its class and message rules.
// after() runs whatever happened (e.g. sentinel bytes around a buffer) and returns true, or a
// string naming what went wrong.
'use strict';
const fs = require('fs');
const util = require('util');

const [modulePath, group, firstArg] = process.argv.slice(2);
const first = Number(firstArg) || 0;

const writeAll = require('./write-all.js');

function emit(line) {
  writeAll(1, `@@CP ${line}\n`);
}

function show(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 200 ? `${v.slice(0, 200)}... (${v.length} chars)` : v);
  const s = util.inspect(v, { depth: 2, maxArrayLength: 12, maxStringLength: 200, breakLength: Infinity });
  return s.length > 400 ? `${s.slice(0, 400)}...` : s;
}

function matches(message, pattern) {
  return pattern instanceof RegExp ? pattern.test(message) : message.includes(pattern);
}

function errorProblems(e, expect) {
  const problems = [];
  if (!(e instanceof Error)) {
    problems.push(`threw a non-Error value ${show(e)}`);
    return problems;
  }
  const cls = e.constructor && e.constructor.name;
  const allowed = expect.throws || ['TypeError', 'RangeError', 'Error'];
  if (!allowed.includes(cls)) problems.push(`threw ${cls}, expected ${allowed.join(' or ')}`);
  if (typeof e.message !== 'string' || e.message.trim() === '') problems.push('empty error message');
  for (const m of expect.match || []) {
    if (!matches(e.message, m)) problems.push(`message does not match ${m}`);
  }
  if (expect.errorCheck) {
    const r = expect.errorCheck(e);
    if (r !== true) problems.push(typeof r === 'string' ? r : 'the exception fails the case rule');
  }
  return problems;
}

function sameValue(a, b) {
  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  return Object.is(a, b);
}

function valueProblems(v, expect) {
  const problems = [];
  if ('returns' in expect && !sameValue(v, expect.returns)) problems.push(`returned ${show(v)}, expected ${show(expect.returns)}`);
  if (expect.check) {
    let r;
    try {
      r = expect.check(v);
    } catch (e) {
      r = `check threw ${e && e.message}`;
    }
    if (r !== true) problems.push(typeof r === 'string' ? r : `unexpected result ${show(v)}`);
  }
  return problems;
}

async function runCase(c) {
  const expect = c.expect || {};
  let threw = false;
  let error;
  let value;
  try {
    value = c.run();
    if (value && typeof value.then === 'function') value = await value;
  } catch (e) {
    threw = true;
    error = e;
  }
  const outcome = threw
    ? `threw ${error && error.constructor ? error.constructor.name : typeof error}: ${error && error.message !== undefined ? String(error.message).slice(0, 500) : show(error)}`
    : `returned ${show(value)}`;
  let problems = [];
  if (expect.propagates) {
    if (!threw) problems.push('should have thrown the exception raised by the getter/proxy/valueOf');
    else if (error !== expect.propagates) problems.push('the exception was not propagated as is (a different object was thrown)');
  } else if (threw && expect.orPropagates && error === expect.orPropagates) {
    // The library touched the throwing getter/trap/valueOf and let its exception through.
  } else if (expect.either) {
    problems = threw ? errorProblems(error, expect) : valueProblems(value, expect);
  } else if (expect.throws) {
    if (!threw) problems.push('should have thrown');
    else problems = errorProblems(error, expect);
  } else {
    if (threw) problems.push('should not have thrown');
    else problems = valueProblems(value, expect);
  }
  if (c.after) {
    let r;
    try {
      r = c.after();
    } catch (e) {
      r = `after() threw ${e && e.message}`;
    }
    if (r !== true) problems.push(typeof r === 'string' ? r : 'after() check failed');
  }
  return { outcome, problems };
}

async function main() {
  const groups = require(modulePath);
  const make = groups[group];
  if (typeof make !== 'function') throw new Error(`case-runner: no group '${group}' in ${modulePath}`);
  const cases = await make();
  emit(`COUNT ${cases.length}`);
  for (let i = first; i < cases.length; i++) {
    const c = cases[i];
    emit(`CASE ${i} ${JSON.stringify(c.name)}`);
    const r = await runCase(c);
    emit(`RESULT ${i} ${JSON.stringify(r)}`);
  }
  if (typeof global.gc === 'function') {
    for (let k = 0; k < 3; k++) {
      global.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  emit('DONE');
}

main().catch((e) => {
  fs.writeSync(2, `case-runner: ${e && e.stack ? e.stack : e}\n`);
  process.exit(70);
});
