'use strict';
// Cases measured in child processes (kinds 'startup' and 'memory', see
// lib/process-kinds.js and lib/child.js). They come after the cases of
// cases.js in the table. Same fields as in cases.js, plus:
//
//   startup impls return { setup, prepare?, declare, call, callable? }:
//     setup()              loads the generated library (not timed)
//     prepare(fns)         optional, not timed: builds descriptor objects for
//                          contenders that take no prototype strings
//     declare(fns)         TIMED: declares every function, returns an array
//                          of callables in the order of fns
//     call(handles, f)     calls f (numeric arguments, all zero) for the
//                          verification after the timing
//     callable(f)          optional: which functions the contender can call
//   fns[i] = { index, name, ret, args: [C types], proto: 'C prototype' },
//   env.startup = { path, count, seed, types } (types: see lib/startup-lib.js)
//
//   memory cases reuse another case's impls, verify() and checkRun().

const CASES = require('./cases.js');

const STARTUP_COUNT = require('./lib/startup-lib.js').COUNT;

function memoryCase(baseName, callsText) {
  const base = CASES.find((k) => k.name === baseName);
  if (!base) throw new Error(`process-cases.js: no case named ${baseName} in cases.js`);
  return {
    name: `memory_${base.name}`,
    kind: 'memory',
    of: base.name,
    needs: base.needs,
    what: `RSS growth over ${callsText} calls of the ${base.name} case, after a warm-up of a tenth as many, ` +
      'each contender in its own process, garbage collected before both readings. Finds leaks per call.',
    verify: base.verify,
    checkRun: base.checkRun,
    impl: base.impl,
    naNotes: base.naNotes,
  };
}

module.exports = [
  {
    name: 'startup',
    kind: 'startup',
    needs: ['startup'],
    count: STARTUP_COUNT,
    what: `Declaring ${STARTUP_COUNT.toLocaleString('en-US')} distinct functions (random signatures of 0-6 arguments) of a ` +
      'generated C library in a fresh process: callplan and koffi parse a C prototype string per function ' +
      '(lib.func(prototype)); ffi-rs and node:ffi take descriptor objects, built before the clock starts.',
    naNotes: {
      napi: 'the Node-API baseline binds its functions in C at compile time: there is no run-time declaration to time',
    },
    impl: {
      ffi: (ffi, env) => {
        let lib;
        return {
          setup() {
            lib = ffi.load(env.startup.path);
          },
          declare(fns) {
            const out = new Array(fns.length);
            for (let i = 0; i < fns.length; i++) out[i] = lib.func(fns[i].proto);
            return out;
          },
          call: (handles, f) => handles[f.index](...f.args.map(() => 0)),
        };
      },
      // ffi-rs: define() with one entry per function. It only creates a
      // closure per entry; the symbol is looked up and the call prepared on
      // every call (see the README), so this figure is not the same work.
      ffirs: (ffirs, env) => {
        let descs;
        return {
          setup() {
            ffirs.open({ library: 'cpstartup', path: env.startup.path });
          },
          prepare(fns) {
            const D = ffirs.DataType;
            const T = env.startup.types;
            descs = {};
            for (const f of fns) {
              descs[f.name] = { library: 'cpstartup', retType: D[T[f.ret].ffirs], paramsType: f.args.map((t) => D[T[t].ffirs]) };
            }
          },
          declare(fns) {
            const obj = ffirs.define(descs);
            const out = new Array(fns.length);
            for (let i = 0; i < fns.length; i++) out[i] = obj[fns[i].name];
            return out;
          },
          call: (handles, f) => handles[f.index](f.args.map(() => 0)),
          // ffi-rs 1.3.7 cannot return a C float ("JsNumber can only be double type").
          callable: (f) => f.ret !== 'float',
        };
      },
      // node:ffi: new DynamicLibrary(path), then getFunction(name, signature)
      // per function, the counterpart of lib.func(prototype).
      nodeffi: (ffi, env) => {
        let lib;
        let sigs;
        return {
          setup() {
            lib = new ffi.DynamicLibrary(env.startup.path);
          },
          prepare(fns) {
            const T = env.startup.types;
            sigs = fns.map((f) => ({ return: T[f.ret].nodeffi, arguments: f.args.map((t) => T[t].nodeffi) }));
          },
          declare(fns) {
            const out = new Array(fns.length);
            for (let i = 0; i < fns.length; i++) out[i] = lib.getFunction(fns[i].name, sigs[i]);
            return out;
          },
          call: (handles, f) => handles[f.index](...f.args.map((t) => (env.startup.types[t].big ? 0n : 0))),
        };
      },
    },
  },

  memoryCase('atoi', '5,000,000 (--quick: 200,000)'),
];
