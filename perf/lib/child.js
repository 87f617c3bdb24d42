'use strict';
// Child process for the kinds in lib/process-kinds.js. One process measures
// one contender on one case once, then exits, so nothing (type tables,
// signature caches, JIT state, allocator state) survives from another round
// or another contender.
//
//   node [flags] perf/lib/child.js '<spec JSON>'
//
// spec = { mode: 'startup' | 'memory', contender, caseName, env, calls?, warmCalls? }
// The result is printed as one line `@@result {...}` with status 'ok',
// 'wrong' (verification failed) or 'error'.

process.env.CALLPLAN_BENCH_CHILD = '1';

const { instantiateFactory, firstLine } = require('./factory.js');

const hr = () => process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;

function report(obj) {
  process.stdout.write(`@@result ${JSON.stringify(obj)}\n`);
}

function allCases() {
  return [...require('../cases.js'), ...require('../process-cases.js')];
}

async function startupMode(spec, inst, kase, timing) {
  const S = require('./startup-lib.js');
  const fns = S.functions(spec.env.startup.count, spec.env.startup.seed);

  const o0 = hr();
  if (inst.setup) inst.setup(); // load the library
  const o1 = hr();
  // Untimed: contenders without prototype strings get their descriptor
  // objects built here, so only their own declaration step is timed.
  if (inst.prepare) inst.prepare(fns);

  const t0 = hr();
  const handles = inst.declare(fns);
  const t1 = hr();

  if (!handles || handles.length !== fns.length) {
    return { status: 'wrong', note: `declare() gave ${handles ? handles.length : handles} functions, expected ${fns.length}` };
  }
  const sample = S.verificationSample(inst.callable ? fns.filter(inst.callable) : fns);
  for (const f of sample) {
    let r;
    try {
      r = inst.call(handles, f);
    } catch (e) {
      return { status: 'wrong', note: `calling ${f.proto}: ${firstLine(e)}` };
    }
    if (Number(r) !== f.expect) return { status: 'wrong', note: `${f.proto} returned ${String(r)}, expected ${f.expect}` };
  }
  return { status: 'ok', declareMs: ms(t0, t1), openMs: ms(o0, o1), requireMs: timing.requireMs, verified: sample.length, count: fns.length };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function collect() {
  // Two full collections with a turn of the event loop in between, so weak
  // callbacks and finalizers queued by the first one have run.
  global.gc();
  await settle();
  global.gc();
  await settle();
}

async function memoryMode(spec, inst, kase) {
  if (typeof global.gc !== 'function') return { status: 'error', note: 'memory mode needs node --expose-gc' };
  if (inst.setup) inst.setup();
  const v = kase.verify ? await kase.verify(inst.call, spec.env) : true;
  if (v !== true) return { status: 'wrong', note: typeof v === 'string' ? v : 'verification failed' };
  const first = inst.run();
  if (kase.checkRun && !kase.checkRun(first)) return { status: 'wrong', note: `run() returned ${String(first)}` };
  if (!spec.calls) return { status: 'ok', verifiedOnly: true };

  const loop = new Function('run', 'n',
    `'use strict';\nlet acc = 0;\nfor (let i = 0; i < n; i++) acc += run();\nreturn acc;\n//# sourceURL=bench-memory-loop\n`);
  let sink = loop(inst.run, spec.warmCalls);
  await collect();
  const before = process.memoryUsage();
  const t0 = hr();
  sink += loop(inst.run, spec.calls);
  const t1 = hr();
  const afterNoGc = process.memoryUsage();
  await collect();
  const after = process.memoryUsage();
  globalThis.__callplanBenchSink = sink;
  return { status: 'ok', before, afterNoGc, after, calls: spec.calls, nsPerCall: Number(t1 - t0) / spec.calls };
}

async function main() {
  const spec = JSON.parse(process.argv[2]);
  const CONTENDERS = require('../contenders.js');
  const c = CONTENDERS.find((x) => x.key === spec.contender);
  if (!c) return { status: 'error', note: `unknown contender ${spec.contender}` };
  const kase = allCases().find((k) => k.name === spec.caseName);
  if (!kase) return { status: 'error', note: `unknown case ${spec.caseName}` };
  const factory = kase.impl && kase.impl[c.impl];
  if (!factory) return { status: 'error', note: `${c.label} cannot express ${kase.name}` };

  const r0 = hr();
  let mod;
  try {
    mod = c.load({ rebuildNapi: false });
  } catch (e) {
    return { status: 'error', note: `loading ${c.label}: ${firstLine(e)}` };
  }
  const requireMs = ms(r0, hr());

  let inst;
  try {
    inst = instantiateFactory(factory, `${kase.name}/${c.key}`)(mod, spec.env);
  } catch (e) {
    return { status: 'error', note: `setup: ${firstLine(e)}` };
  }
  if (spec.mode === 'startup') return startupMode(spec, inst, kase, { requireMs });
  if (spec.mode === 'memory') return memoryMode(spec, inst, kase);
  return { status: 'error', note: `unknown mode ${spec.mode}` };
}

main().then(
  (r) => {
    // Exit explicitly: a contender may keep handles open (worker threads,
    // async handles). Writes to a pipe are synchronous on Linux.
    report(r);
    process.exit(r.status === 'ok' ? 0 : 1);
  },
  (e) => {
    report({ status: 'error', note: firstLine(e) });
    process.exit(1);
  },
);
