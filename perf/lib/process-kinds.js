'use strict';
// Measurement kinds whose figure comes from a fresh child process per
// contender per round (perf/lib/child.js): 'startup' and 'memory'. Like the
// in-process kinds in measure.js they provide prepare/warmup/sample, so the
// runner interleaves them (A B C D, A B C D, ...) and takes medians in the
// same way. `child: true` tells the runner not to set the contender up in its
// own process; the child does that, and reports 'wrong' if the contender's
// results fail verification.

const path = require('node:path');
const { spawn } = require('node:child_process');

const { nodeFlags } = require('./env.js');

const CHILD = path.join(__dirname, 'child.js');
const MIB = 1024 * 1024;

function tail(text, lines = 4) {
  return String(text || '').trim().split('\n').filter(Boolean).slice(-lines).join(' / ');
}

// Starts `node [parent's flags] [flags] lib/child.js <spec>` and resolves with
// the object the child printed on its `@@result ` line. Rejects on a crash,
// a timeout, an error reported by the child, or failed verification (the
// error then has status 'wrong').
function runChild(spec, flags, timeoutMs) {
  return new Promise((resolve, reject) => {
    // Never from inside a child: a child measures, it does not start others.
    if (process.env.CALLPLAN_BENCH_CHILD === '1') {
      reject(new Error('runChild called inside a benchmark child process'));
      return;
    }
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeFlags(), ...flags, CHILD, JSON.stringify(spec)], {
      env: { ...process.env, CALLPLAN_BENCH_CHILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (timedOut) return reject(new Error(`child process did not finish within ${Math.round(timeoutMs / 1000)} s`));
      const line = out.split('\n').reverse().find((l) => l.startsWith('@@result '));
      if (!line) {
        return reject(new Error(`child process exited (code ${code}, signal ${signal}) without a result: ${tail(err) || tail(out) || 'no output'}`));
      }
      let r;
      try {
        r = JSON.parse(line.slice('@@result '.length));
      } catch (e) {
        return reject(new Error(`child process printed an unreadable result: ${e.message}`));
      }
      if (r.status === 'wrong') {
        const e = new Error(r.note || 'verification failed');
        e.status = 'wrong';
        return reject(e);
      }
      if (r.status !== 'ok') return reject(new Error(r.note || `child process failed (code ${code})`));
      r.wallMs = wallMs;
      resolve(r);
    });
  });
}

function baseSpec(mode, kase, ctx) {
  return { mode, contender: ctx.contender.key, caseName: kase.name, env: ctx.env };
}

// Start-up: time to declare all functions of the generated library
// (lib/startup-lib.js) in a fresh process. Unit: milliseconds for all of them.
const startup = {
  unit: 'ms',
  child: true,

  prepare(inst, tag, opts, kase, ctx) {
    return { spec: baseSpec('startup', kase, ctx), n: ctx.env.startup.count, timeoutMs: 180000 };
  },

  // One untimed child run: verifies the declarations and warms the OS page
  // cache (node binary, contender, the generated .so) so round 1 is not
  // slower than the others for reasons that have nothing to do with the FFI.
  async warmup(state) {
    await runChild(state.spec, [], state.timeoutMs);
  },

  async sample(state) {
    const r = await runChild(state.spec, [], state.timeoutMs);
    return {
      value: r.declareMs,
      detail: { declareMs: r.declareMs, requireMs: r.requireMs, openMs: r.openMs, childWallMs: Math.round(r.wallMs), verified: r.verified },
    };
  },
};

// Memory: RSS growth over a fixed number of calls of another case's run(),
// after a warm-up, in a fresh process (started with --expose-gc; the child
// collects garbage before both readings). Unit: MiB. Not a time, so no ratios.
const memory = {
  unit: 'MiB',
  child: true,
  ratios: false,
  rounds: (opts) => opts.memoryRounds,

  prepare(inst, tag, opts, kase, ctx) {
    const calls = opts.memoryCalls;
    const spec = { ...baseSpec('memory', kase, ctx), calls, warmCalls: Math.max(1000, Math.round(calls / 10)) };
    // Generous: ffi-rs takes several microseconds per call on a slow VM.
    return { spec, n: calls, timeoutMs: 120000 + calls * 0.1 };
  },

  // A child that only sets up and verifies (no calls counted), so a contender
  // that gives wrong results is reported as such before the long rounds.
  async warmup(state) {
    await runChild({ ...state.spec, calls: 0, warmCalls: 0 }, ['--expose-gc'], 120000);
  },

  async sample(state) {
    const r = await runChild(state.spec, ['--expose-gc'], state.timeoutMs);
    return {
      value: (r.after.rss - r.before.rss) / MIB,
      detail: {
        rssBeforeMiB: r.before.rss / MIB,
        rssAfterMiB: r.after.rss / MIB,
        rssAfterBeforeGcMiB: r.afterNoGc.rss / MIB,
        heapUsedGrowthMiB: (r.after.heapUsed - r.before.heapUsed) / MIB,
        externalGrowthMiB: (r.after.external - r.before.external) / MIB,
        nsPerCall: r.nsPerCall,
        calls: r.calls,
      },
    };
  },
};

module.exports = { startup, memory, runChild };
