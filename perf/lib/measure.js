'use strict';
// Measurement kinds. A case's `kind` selects one of these.
//
// Each kind has:
//   unit                       - shown in the JSON and, if not ns, next to the case name
//   prepare(inst, tag, opts, kase) - after verification; returns per-contender state
//   warmup(state, opts)        - JIT warm-up and calibration, before any round
//   sample(state, opts)        - one round's figure for this contender (may be async):
//                                a number, or { value, detail } (detail goes to the JSON)
// and optionally:
//   child: true                - measured in child processes: the runner does not set the
//                                contender up in its own process; prepare() gets a 5th
//                                argument { contender, env }
//   ratios: false              - the figure is not a time (memory): no ratios
//   rounds(opts)               - number of rounds, if not opts.rounds
//
// The runner (bench.js) interleaves sample() calls across contenders round by
// round and reports the median, so a new kind only has to say how to obtain
// one figure. Kinds here: 'call' (ns per synchronous call, batches),
// 'async' (asynchronous throughput with a fixed number of calls in flight) and
// 'callback' (ns per JS callback, run() returning how many it caused).
// 'startup' and 'memory' run in child processes: see process-kinds.js.

let sink = 0;

// Keeps every batch's accumulated result reachable, so no call can be
// considered dead.
function consume(v) {
  sink += v;
  globalThis.__callplanBenchSink = sink;
}

// A fresh loop function per contender and case (new Function always creates a
// new function, and the tag keeps the source distinct), so every call site
// has its own type feedback: one contender's functions never make another
// contender's call site polymorphic.
function makeLoop(tag) {
  const safeTag = String(tag).replace(/[^\w./-]/g, '_');
  return new Function('run', 'n',
    `'use strict';\n` +
    `let acc = 0;\n` +
    `for (let i = 0; i < n; i++) acc += run();\n` +
    `return acc;\n` +
    `//# sourceURL=bench-loop:${safeTag}\n`);
}

function timeBatch(loop, run, n) {
  const t0 = process.hrtime.bigint();
  const acc = loop(run, n);
  const t1 = process.hrtime.bigint();
  consume(acc);
  return Number(t1 - t0);
}

const MAX_BATCH = 1e9;

const call = {
  unit: 'ns/call',

  prepare(inst, tag) {
    const first = inst.run();
    if (typeof first !== 'number' || Number.isNaN(first)) {
      throw new Error(`run() must return a number for kind 'call', got ${typeof first}`);
    }
    return { loop: makeLoop(tag), run: inst.run, n: 1 };
  },

  // Runs growing batches until warmupMs have been spent and the last batch
  // alone took a quarter of that, then sizes the timed batch to batchMs.
  warmup(state, opts) {
    const warmNs = opts.warmupMs * 1e6;
    const targetNs = opts.batchMs * 1e6;
    let n = 16;
    let spent = 0;
    let perCall;
    for (;;) {
      const t = timeBatch(state.loop, state.run, n);
      spent += t;
      perCall = Math.max(t, 1) / n;
      if (t < warmNs / 4 && n < MAX_BATCH) {
        n *= 2;
        continue;
      }
      if (spent >= warmNs) break;
    }
    state.n = Math.max(1, Math.min(MAX_BATCH, Math.round(targetNs / perCall)));
    // One confirmation batch at the chosen size; re-size once if far off.
    const t = timeBatch(state.loop, state.run, state.n);
    if (t < targetNs / 2 || t > targetNs * 2) {
      state.n = Math.max(1, Math.min(MAX_BATCH, Math.round(targetNs / (Math.max(t, 1) / state.n))));
    }
  },

  sample(state) {
    return timeBatch(state.loop, state.run, state.n) / state.n;
  },
};

// A fresh driver per contender and case (same reason as makeLoop): it keeps
// `depth` calls in flight, starting a new one from each completion until
// `durationNs` have passed, then waits for the calls still in flight. It
// resolves with the elapsed time (first start to last completion) and the
// number of completed calls. `start(cb)` begins one asynchronous call and must
// call cb(err, value) once, on the JS thread. A call that throws, fails or
// never completes (watchdog) rejects the round.
function makeAsyncDriver(tag) {
  const safeTag = String(tag).replace(/[^\w./-]/g, '_');
  return new Function('start', 'depth', 'durationNs', 'watchdogMs',
    `'use strict';\n` +
    `return new Promise((resolve, reject) => {\n` +
    `  let acc = 0, done = 0, inFlight = 0, open = true, failed = null;\n` +
    `  const t0 = process.hrtime.bigint();\n` +
    `  const deadline = performance.now() + durationNs / 1e6;\n` +
    `  const watchdog = setTimeout(() => { open = false; reject(new Error('async calls did not complete: ' + inFlight + ' still in flight after ' + watchdogMs + ' ms')); }, watchdogMs);\n` +
    `  const finish = () => {\n` +
    `    const t1 = process.hrtime.bigint();\n` +
    `    clearTimeout(watchdog);\n` +
    `    if (failed) reject(failed); else resolve({ ns: Number(t1 - t0), done, acc });\n` +
    `  };\n` +
    `  const launch = () => {\n` +
    `    inFlight++;\n` +
    `    try { start(onDone); } catch (e) { inFlight--; open = false; failed = failed || e; }\n` +
    `  };\n` +
    `  const onDone = (err, v) => {\n` +
    `    inFlight--;\n` +
    `    if (err) { open = false; failed = failed || err; } else { acc += v; done++; }\n` +
    `    if (open && performance.now() < deadline) launch();\n` +
    `    else { open = false; if (inFlight === 0) finish(); }\n` +
    `  };\n` +
    `  for (let i = 0; i < depth && open; i++) launch();\n` +
    `  if (inFlight === 0) finish();\n` +
    `});\n` +
    `//# sourceURL=bench-async:${safeTag}\n`);
}

async function timeAsyncRound(state, durationNs) {
  const r = await state.driver(state.start, state.depth, durationNs, Math.max(30000, 20 * durationNs / 1e6));
  consume(r.acc);
  if (r.done === 0) throw new Error('no asynchronous call completed');
  return r;
}

// Asynchronous throughput: `depth` calls kept in flight (a new one starts as
// each completes) for batchMs per round. The figure is wall time divided by
// completed calls, i.e. the inverse of the throughput, in ns per call; lower
// is better, like the other kinds, so the ratios read the same way.
// The case gives `depth`; its impl returns { setup, start(cb), call }.
const asyncThroughput = {
  unit: 'ns/call',

  prepare(inst, tag, opts, kase) {
    if (typeof inst.start !== 'function') throw new Error(`kind 'async' needs start(cb) from the impl`);
    const depth = kase && kase.depth;
    if (!Number.isInteger(depth) || depth < 1) throw new Error(`kind 'async' needs an integer depth >= 1 in the case, got ${depth}`);
    return { driver: makeAsyncDriver(tag), start: inst.start, depth, n: 0 };
  },

  // Rounds of batchMs until warmupMs have been spent (at least two rounds).
  async warmup(state, opts) {
    const warmNs = opts.warmupMs * 1e6;
    let spent = 0;
    for (let i = 0; i < 2 || spent < warmNs; i++) {
      const r = await timeAsyncRound(state, opts.batchMs * 1e6);
      spent += r.ns;
      state.n = r.done;
    }
  },

  async sample(state, opts) {
    const r = await timeAsyncRound(state, opts.batchMs * 1e6);
    state.n = r.done;
    return r.ns / r.done;
  },
};

// ns per callback: run() makes one native call that calls back into JS and returns how many
// callbacks it made; a round's figure is the batch time divided by the callbacks.
const callback = {
  unit: 'ns/callback',
  prepare: call.prepare,
  warmup: call.warmup,
  sample(state) {
    const t0 = process.hrtime.bigint();
    const callbacks = state.loop(state.run, state.n);
    const t1 = process.hrtime.bigint();
    consume(callbacks);
    return Number(t1 - t0) / callbacks;
  },
};

// Kinds measured in fresh child processes: 'startup' (declaring 10,000
// functions) and 'memory' (RSS growth over millions of calls).
const { startup, memory } = require('./process-kinds.js');

const kinds = { call, async: asyncThroughput, callback, startup, memory };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

module.exports = { kinds, median };
