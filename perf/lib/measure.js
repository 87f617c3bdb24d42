'use strict';
// Measurement kinds. A case's `kind` selects one of these.
//
// Each kind has:
//   unit                       - shown in the JSON and, if not ns, next to the case name
//   prepare(inst, tag, opts)   - after verification; returns per-contender state
//   warmup(state, opts)        - JIT warm-up and calibration, before any round
//   sample(state, opts)        - one round's figure for this contender (may be async)
//
// The runner (bench.js) interleaves sample() calls across contenders round by
// round and reports the median, so a new kind only has to say how to obtain
// one figure. E.g. an 'async' kind would time N awaited calls per sample; a
// 'startup' kind would time one run() that declares 10,000 functions.

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

const kinds = { call };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

module.exports = { kinds, median };
