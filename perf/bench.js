#!/usr/bin/env node
'use strict';
// callplan benchmark: `npm run bench` (see perf/README.md).
//
//   node perf/bench.js [--quick] [--rounds N] [--filter name[,name...]]
//                      [--contenders key[,key...]] [--rebuild-napi]
//
// All contenders run in this one process. For every case each contender is
// set up, verified, warmed up and calibrated; then the contenders are timed
// in interleaved rounds (A B C D A B C D ...) and the median round is
// reported. Table on stdout, progress on stderr, all figures in
// perf/results/latest.json.

const fs = require('node:fs');
const path = require('node:path');

const { ROOT, PERF_DIR, log, findTestlib, machineInfo } = require('./lib/env.js');
const { kinds, median } = require('./lib/measure.js');
const CASES = require('./cases.js');
const CONTENDERS = require('./contenders.js');

const USAGE = `usage: node perf/bench.js [options]
  --quick              3 rounds of short batches (whole run well under a minute)
  --rounds N           timed rounds per case (default 10; 3 with --quick)
  --filter a[,b]       only cases whose name contains one of these substrings
  --contenders k[,k]   only these contenders (${CONTENDERS.map((c) => c.key).join(', ')})
  --rebuild-napi       rebuild perf/napi-baseline even if it is up to date
  --help               this text`;

function parseArgs(argv) {
  const opts = { quick: false, rounds: null, filter: null, contenders: null, rebuildNapi: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, null];
    const value = () => {
      if (inline !== null) return inline;
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--quick': opts.quick = true; break;
      case '--rounds': {
        const v = value();
        opts.rounds = Number(v);
        if (!Number.isInteger(opts.rounds) || opts.rounds < 1) throw new Error(`--rounds: not a positive integer: ${v}`);
        break;
      }
      case '--filter': opts.filter = value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean); break;
      case '--contenders': opts.contenders = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--rebuild-napi': opts.rebuildNapi = true; break;
      case '--help': case '-h': opts.help = true; break;
      default: throw new Error(`unknown argument: ${a}`);
    }
  }
  if (opts.contenders) {
    const unknown = opts.contenders.filter((k) => !CONTENDERS.some((c) => c.key === k));
    if (unknown.length) throw new Error(`unknown contender(s): ${unknown.join(', ')}`);
  }
  // Batch and warm-up sizes: full run ~75 ms batches; quick ~20 ms.
  opts.batchMs = opts.quick ? 20 : 75;
  opts.warmupMs = opts.quick ? 60 : 300;
  if (opts.rounds === null) opts.rounds = opts.quick ? 3 : 10;
  return opts;
}

function firstLine(err) {
  const msg = err && err.message ? err.message : String(err);
  return msg.split('\n')[0].slice(0, 300);
}

function loadContenders(opts) {
  const selected = CONTENDERS.filter((c) => !opts.contenders || opts.contenders.includes(c.key));
  return selected.map((c) => {
    const entry = { ...c, module: null, available: false, note: null, version: null };
    try {
      entry.module = c.load(opts);
      entry.available = true;
      try { entry.version = c.version(); } catch {}
    } catch (e) {
      entry.note = firstLine(e);
      log(`${c.label}: not available (${entry.note}); its column shows n/a`);
    }
    return entry;
  });
}

// Compiles a case's impl factory again from its source text, once per
// contender. callplan and koffi share one impl function; used as-is, the
// run() closures it creates for the two would share one feedback vector (V8
// shares it between closures of the same function literal). The contender
// warmed up first would then be optimised with a monomorphic call and the
// second with a polymorphic one: koffi measured up to 1.8x slower next to
// callplan than on its own. A fresh copy per contender gives each its own
// feedback. The unique sourceURL also keeps V8 from reusing a cached
// compilation of the same text. Consequence: impl factories must be
// self-contained (only their parameters and globals such as Buffer).
function instantiateFactory(fn, tag) {
  const src = Function.prototype.toString.call(fn);
  const safeTag = String(tag).replace(/[^\w./-]/g, '_');
  try {
    return new Function(`'use strict';\nreturn (${src});\n//# sourceURL=bench-case:${safeTag}\n`)();
  } catch (e) {
    throw new Error(`impl for ${tag} cannot be recompiled from source (write it as an arrow or function expression): ${e.message}`);
  }
}

// Sets up and verifies one contender on one case. Resolves to either
// { status: 'ready', inst } or a result object with a non-ok status.
// verify() may return a Promise (asynchronous cases).
async function prepareContender(kase, c, env) {
  if (!c.available) return { status: 'n/a', note: `${c.label} not loaded` };
  const factory = kase.impl[c.impl];
  if (!factory) return { status: 'n/a', note: `${c.label} cannot express this case` };
  for (const need of kase.needs || []) {
    if (!env[need]) return { status: 'n/a', note: `${need} not available` };
  }
  let inst;
  try {
    inst = instantiateFactory(factory, `${kase.name}/${c.key}`)(c.module, env);
    if (inst.setup) inst.setup();
  } catch (e) {
    return { status: 'error', note: `setup: ${firstLine(e)}` };
  }
  try {
    const v = kase.verify ? await kase.verify(inst.call, env) : true;
    if (v !== true) return { status: 'wrong', note: typeof v === 'string' ? v : 'verification failed' };
    if (kase.checkRun) {
      const r = inst.run();
      if (!kase.checkRun(r)) return { status: 'wrong', note: `run() returned ${String(r)}` };
    }
  } catch (e) {
    return { status: 'error', note: `verify: ${firstLine(e)}` };
  }
  return { status: 'ready', inst };
}

async function runCase(kase, contenders, env, opts) {
  const kind = kinds[kase.kind || 'call'];
  if (!kind) throw new Error(`case ${kase.name}: unknown kind '${kase.kind}'`);

  const results = {};
  const active = [];
  for (const c of contenders) {
    const p = await prepareContender(kase, c, env);
    if (p.status !== 'ready') {
      results[c.key] = { status: p.status, note: p.note };
      if (p.status !== 'n/a' || c.available) log(`${kase.name}: ${c.label} ${p.status}: ${p.note}`);
      continue;
    }
    try {
      const state = kind.prepare(p.inst, `${kase.name}/${c.key}`, opts, kase);
      await kind.warmup(state, opts);
      active.push({ c, state, samples: [] });
    } catch (e) {
      results[c.key] = { status: 'error', note: `warm-up: ${firstLine(e)}` };
      log(`${kase.name}: ${c.label} error: ${results[c.key].note}`);
    }
  }

  // Interleaved rounds: A B C D, A B C D, ...
  for (let round = 0; round < opts.rounds; round++) {
    for (const a of active) {
      if (a.failed) continue;
      try {
        a.samples.push(await kind.sample(a.state, opts));
      } catch (e) {
        a.failed = true;
        results[a.c.key] = { status: 'error', note: `round ${round + 1}: ${firstLine(e)}` };
      }
    }
  }

  for (const a of active) {
    if (a.failed) continue;
    const s = a.samples;
    const med = median(s);
    results[a.c.key] = {
      status: 'ok',
      median: med,
      min: Math.min(...s),
      max: Math.max(...s),
      mad: median(s.map((x) => Math.abs(x - med))),
      batch: a.state.n,
      samples: s,
    };
  }
  for (const c of contenders) if (!results[c.key]) results[c.key] = { status: 'n/a' };

  // Ratios are paired by round: both contenders were timed back to back in
  // the same round, so machine-wide drift (frequency, noisy neighbours)
  // cancels out. The ratio of the two medians is kept alongside.
  const ratio = (x, y) => {
    const a = results[x], b = results[y];
    if (!(a && b && a.status === 'ok' && b.status === 'ok')) return null;
    const n = Math.min(a.samples.length, b.samples.length);
    const perRound = [];
    for (let i = 0; i < n; i++) perRound.push(a.samples[i] / b.samples[i]);
    return { paired: median(perRound), ofMedians: a.median / b.median };
  };
  return {
    name: kase.name,
    kind: kase.kind || 'call',
    unit: kind.unit,
    what: kase.what,
    results,
    ratios: {
      'callplan/koffi': ratio('callplan', 'koffi'),
      'callplan/napi': ratio('callplan', 'napi'),
      'koffi/napi': ratio('koffi', 'napi'),
      'ffirs/napi': ratio('ffirs', 'napi'),
    },
  };
}

// ---------------------------------------------------------------- output

function fmtValue(r) {
  if (!r) return 'n/a';
  if (r.status !== 'ok') return r.status;
  const v = r.median;
  if (v < 10) return v.toFixed(2);
  if (v < 1000) return v.toFixed(1);
  return Math.round(v).toString();
}

function fmtRatio(x) {
  return x === null ? 'n/a' : x.paired.toFixed(2) + 'x';
}

function renderTable(cases) {
  const header = ['case', 'callplan ns', 'koffi ns', 'napi ns', 'ffi-rs ns', 'callplan/koffi', 'callplan/napi'];
  const rows = cases.map((k) => [
    k.unit === 'ns/call' ? k.name : `${k.name} (${k.unit})`,
    fmtValue(k.results.callplan),
    fmtValue(k.results.koffi),
    fmtValue(k.results.napi),
    fmtValue(k.results.ffirs),
    fmtRatio(k.ratios['callplan/koffi']),
    fmtRatio(k.ratios['callplan/napi']),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), sep, ...rows.map(line)].join('\n');
}

// Rounds whose median absolute deviation exceeds this share of the median
// are listed as noisy.
const NOISY_MAD = 0.05;

function renderNotes(cases, contenders) {
  const notes = [];
  const noisy = [];
  for (const c of contenders) if (!c.available) notes.push(`${c.label}: n/a everywhere: ${c.note}`);
  for (const k of cases) {
    for (const c of contenders) {
      const r = k.results[c.key];
      if (!r) continue;
      if (r.status !== 'ok' && r.note && c.available) notes.push(`${k.name} / ${c.label}: ${r.status}: ${r.note}`);
      if (r.status === 'ok' && r.median > 0 && r.mad / r.median > NOISY_MAD) {
        noisy.push(`${k.name}/${c.label} ±${Math.round((100 * r.mad) / r.median)}%`);
      }
    }
  }
  if (noisy.length) {
    notes.push(`noisy rounds (median absolute deviation > ${NOISY_MAD * 100}% of the median): ${noisy.join(', ')}; ` +
      'consider more --rounds or a quieter machine');
  }
  return notes;
}

function relOrAbs(p) {
  if (!p) return p;
  const r = path.relative(ROOT, p);
  return r.startsWith('..') ? p : r;
}

function writeJson(report) {
  const dir = path.join(PERF_DIR, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, JSON.stringify(report, null, 2) + '\n');
  fs.renameSync(tmp, file);
  return file;
}

// ---------------------------------------------------------------- main

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }

  const started = Date.now();
  const cases = CASES.filter((k) => !opts.filter || opts.filter.some((f) => k.name.toLowerCase().includes(f)));
  if (!cases.length) {
    process.stderr.write(`no case matches --filter ${opts.filter.join(',')}; cases: ${CASES.map((k) => k.name).join(', ')}\n`);
    process.exit(2);
  }

  const machine = machineInfo();
  const env = { testlib: null };
  let testlib = null;
  if (cases.some((k) => (k.needs || []).includes('testlib'))) {
    testlib = findTestlib();
    env.testlib = testlib.path;
    if (testlib.note) log(`test library: ${testlib.note}`);
    if (testlib.path) log(`test library: ${relOrAbs(testlib.path)}`);
  }

  const contenders = loadContenders(opts);
  log(`${opts.quick ? 'quick run' : 'full run'}: ${cases.length} case(s), ${opts.rounds} rounds, ~${opts.batchMs} ms batches`);

  const results = [];
  for (const kase of cases) {
    const r = await runCase(kase, contenders, env, opts);
    results.push(r);
    log(`${kase.name}: ` + contenders.map((c) => `${c.label} ${fmtValue(r.results[c.key])}`).join(', '));
  }

  const date = new Date();
  const out = [];
  out.push(`callplan benchmark: ${date.toISOString()}`);
  out.push(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.platform} (kernel ${machine.kernel})`);
  out.push(`node ${machine.node} (V8 ${machine.v8})` +
    contenders.filter((c) => c.available && c.version).map((c) => `, ${c.label} ${c.version}`).join(''));
  out.push(`method: median of ${opts.rounds} interleaved rounds, ~${opts.batchMs} ms per batch; ns per call, lower is better; ratios are per-round medians, < 1 = callplan faster`);
  out.push('');
  out.push(renderTable(results));
  const notes = renderNotes(results, contenders);
  if (testlib && testlib.note) notes.unshift(`test library: ${testlib.note}`);
  if (notes.length) {
    out.push('');
    out.push('notes:');
    for (const n of notes) out.push(`  - ${n}`);
  }
  process.stdout.write(out.join('\n') + '\n');

  const report = {
    schema: 1,
    date: date.toISOString(),
    durationMs: Date.now() - started,
    machine,
    settings: {
      quick: opts.quick,
      rounds: opts.rounds,
      batchMs: opts.batchMs,
      warmupMs: opts.warmupMs,
      filter: opts.filter,
      contenders: contenders.map((c) => c.key),
    },
    testlib: testlib ? { path: relOrAbs(testlib.path), source: testlib.source, note: testlib.note || null } : null,
    contenders: Object.fromEntries(contenders.map((c) => [c.key, {
      label: c.label,
      available: c.available,
      version: c.version,
      note: c.note,
    }])),
    cases: results,
  };
  const file = writeJson(report);
  log(`wrote ${relOrAbs(file)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`bench failed: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  });
}

module.exports = { parseArgs, prepareContender, runCase, renderTable };
