#!/usr/bin/env node
'use strict';
// callplan benchmark: `npm run bench` (see perf/README.md).
//
//   node perf/bench.js [--quick] [--rounds N] [--filter name[,name...]]
//                      [--contenders key[,key...]] [--memory-calls N]
//                      [--out DIR] [--rebuild-napi]
//
// The per-call cases run all contenders in this one process; 'startup' and
// 'memory' use a fresh child process per contender per round. For every
// case each contender is set up, verified, warmed up and calibrated; then the
// contenders are timed in interleaved rounds (A B C D A B C D ...) and the
// median round is reported. Tables on stdout, progress on stderr, all
// figures in perf/results/latest.json, one SVG chart per case and an
// overview chart in perf/results/.

const fs = require('node:fs');
const path = require('node:path');

const { ROOT, PERF_DIR, log, findTestlib, machineInfo } = require('./lib/env.js');
const { kinds, median } = require('./lib/measure.js');
const { instantiateFactory, firstLine } = require('./lib/factory.js');
const { buildStartupLib, TYPES: STARTUP_TYPES } = require('./lib/startup-lib.js');
const svg = require('./lib/svg.js');
const CONTENDERS = require('./contenders.js');

// cases.js: in-process cases; process-cases.js: child-process cases (startup, memory).
function allCases() {
  return [...require('./cases.js'), ...require('./process-cases.js')];
}

const MIN_ROUNDS = 5;

// Modification times of callplan's addon and bundle. Compared at the end of
// the run: a rebuild during the run (other work in the same tree) would mean
// the in-process cases and the child-process cases measured different builds.
function callplanBuildStamp() {
  const files = [process.env.CALLPLAN_NATIVE || path.join(ROOT, 'build', 'Release', 'callplan.node'), path.join(ROOT, 'dist', 'index.cjs')];
  return Object.fromEntries(files.map((f) => {
    try {
      return [relOrAbs(f), fs.statSync(f).mtime.toISOString()];
    } catch {
      return [relOrAbs(f), null];
    }
  }));
}

const USAGE = `usage: node perf/bench.js [options]
  --quick              ${MIN_ROUNDS} rounds of short batches, fewer memory calls (under a minute)
  --rounds N           timed rounds per case, at least ${MIN_ROUNDS} (default 10; ${MIN_ROUNDS} with --quick);
                       the memory case always runs ${MIN_ROUNDS} rounds
  --filter a[,b]       only cases whose name contains one of these substrings
  --contenders k[,k]   only these contenders (${CONTENDERS.map((c) => c.key).join(', ')})
  --memory-calls N     calls per round in memory cases (default 5000000; 200000 with --quick)
  --out DIR            write latest.json and the SVG charts to DIR (default perf/results)
  --rebuild-napi       rebuild perf/napi-baseline even if it is up to date
  --help               this text`;

function parseArgs(argv) {
  const opts = { quick: false, rounds: null, filter: null, contenders: null, rebuildNapi: false, memoryCalls: null, outDir: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, null];
    const value = () => {
      if (inline !== null) return inline;
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    const positive = (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: not a positive integer: ${v}`);
      return n;
    };
    switch (flag) {
      case '--quick': opts.quick = true; break;
      case '--rounds': opts.rounds = positive(value()); break;
      case '--memory-calls': opts.memoryCalls = positive(value()); break;
      case '--filter': opts.filter = value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean); break;
      case '--contenders': opts.contenders = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--out': opts.outDir = path.resolve(value()); break;
      case '--rebuild-napi': opts.rebuildNapi = true; break;
      case '--help': case '-h': opts.help = true; break;
      default: throw new Error(`unknown argument: ${a}`);
    }
  }
  if (opts.contenders) {
    const unknown = opts.contenders.filter((k) => !CONTENDERS.some((c) => c.key === k));
    if (unknown.length) throw new Error(`unknown contender(s): ${unknown.join(', ')}`);
  }
  if (opts.rounds !== null && opts.rounds < MIN_ROUNDS) {
    throw new Error(`--rounds ${opts.rounds}: a median needs at least ${MIN_ROUNDS} rounds`);
  }
  // Batch and warm-up sizes: full run ~75 ms batches; quick ~20 ms.
  opts.batchMs = opts.quick ? 20 : 75;
  opts.warmupMs = opts.quick ? 60 : 300;
  if (opts.rounds === null) opts.rounds = opts.quick ? MIN_ROUNDS : 10;
  if (opts.memoryCalls === null) opts.memoryCalls = opts.quick ? 200000 : 5000000;
  opts.memoryRounds = MIN_ROUNDS;
  if (!opts.outDir) opts.outDir = path.join(PERF_DIR, 'results');
  return opts;
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

// Sets up and verifies one contender on one case. Resolves to either
// { status: 'ready', inst } or a result object with a non-ok status.
// verify() may return a Promise (asynchronous cases). Kinds measured in
// child processes are set up and verified there (inst is then null).
async function prepareContender(kase, c, env, kind) {
  if (!c.available) return { status: 'n/a', note: c.note || `${c.label} not loaded` };
  const factory = kase.impl[c.impl];
  if (!factory) {
    const note = (kase.naNotes && kase.naNotes[c.key]) || `the case has no ${c.label} implementation`;
    return { status: 'n/a', note };
  }
  for (const need of kase.needs || []) {
    if (!env[need]) return { status: 'n/a', note: `${need} not available${env[`${need}Note`] ? ': ' + env[`${need}Note`] : ''}` };
  }
  if (kind && kind.child) return { status: 'ready', inst: null };
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

const REFERENCES = ['callplan', 'napi'];

async function runCase(kase, contenders, env, opts) {
  const kind = kinds[kase.kind || 'call'];
  if (!kind) throw new Error(`case ${kase.name}: unknown kind '${kase.kind}'`);
  const rounds = kind.rounds ? kind.rounds(opts) : opts.rounds;

  const results = {};
  const active = [];
  for (const c of contenders) {
    const p = await prepareContender(kase, c, env, kind);
    if (p.status !== 'ready') {
      results[c.key] = { status: p.status, note: p.note };
      if (p.status !== 'n/a' || c.available) log(`${kase.name}: ${c.label} ${p.status}: ${p.note}`);
      continue;
    }
    try {
      const state = kind.prepare(p.inst, `${kase.name}/${c.key}`, opts, kase, { contender: c, env });
      await kind.warmup(state, opts);
      active.push({ c, state, samples: [], details: [] });
    } catch (e) {
      results[c.key] = { status: e.status || 'error', note: `${e.status ? '' : 'warm-up: '}${firstLine(e)}` };
      log(`${kase.name}: ${c.label} ${results[c.key].status}: ${results[c.key].note}`);
    }
  }

  // Interleaved rounds: A B C D, A B C D, ...
  for (let round = 0; round < rounds; round++) {
    for (const a of active) {
      if (a.failed) continue;
      try {
        const s = await kind.sample(a.state, opts);
        if (typeof s === 'number') {
          a.samples.push(s);
        } else {
          a.samples.push(s.value);
          a.details.push(s.detail);
        }
      } catch (e) {
        a.failed = true;
        results[a.c.key] = { status: e.status || 'error', note: `round ${round + 1}: ${firstLine(e)}` };
        log(`${kase.name}: ${a.c.label} ${results[a.c.key].status}: ${results[a.c.key].note}`);
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
    if (a.details.length) results[a.c.key].details = a.details;
  }
  for (const c of contenders) if (!results[c.key]) results[c.key] = { status: 'n/a' };

  // Ratios are paired by round: both contenders were timed back to back in
  // the same round, so machine-wide drift (frequency, noisy neighbours)
  // cancels out. The ratio of the two medians is kept alongside.
  // ratios[ref][c] = c / ref, so > 1 means c is slower than ref.
  const ratio = (x, y) => {
    const a = results[x], b = results[y];
    if (!(a && b && a.status === 'ok' && b.status === 'ok')) return null;
    const n = Math.min(a.samples.length, b.samples.length);
    const perRound = [];
    for (let i = 0; i < n; i++) perRound.push(a.samples[i] / b.samples[i]);
    return { paired: median(perRound), ofMedians: a.median / b.median };
  };
  let ratios = null;
  if (kind.ratios !== false) {
    ratios = {};
    for (const ref of REFERENCES) {
      ratios[ref] = {};
      for (const c of contenders) if (c.key !== ref) ratios[ref][c.key] = ratio(c.key, ref);
    }
  }
  return {
    name: kase.name,
    kind: kase.kind || 'call',
    unit: kind.unit,
    rounds,
    what: kase.what,
    results,
    ratios,
  };
}

// ---------------------------------------------------------------- output

function fmtValue(r, unit) {
  if (!r) return 'n/a';
  if (r.status !== 'ok') return r.status;
  const v = r.median;
  if (unit === 'MiB') return (v >= 0 ? '+' : '') + v.toFixed(2);
  if (Math.abs(v) < 10) return v.toFixed(2);
  if (Math.abs(v) < 1000) return v.toFixed(1);
  return Math.round(v).toString();
}

function fmtRatio(k, ref, key) {
  if (!k.ratios) return '–';
  const r = k.ratios[ref] && k.ratios[ref][key];
  return r ? r.paired.toFixed(2) + 'x' : 'n/a';
}

function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), sep, ...rows.map(line)].join('\n');
}

function caseLabel(k) {
  return k.unit === 'ns/call' ? k.name : `${k.name} (${k.unit})`;
}

function renderTable(cases, contenders) {
  return markdownTable(
    ['case', ...contenders.map((c) => c.label)],
    cases.map((k) => [caseLabel(k), ...contenders.map((c) => fmtValue(k.results[c.key], k.unit))]),
  );
}

function renderRatioTable(cases, contenders, ref) {
  const others = contenders.filter((c) => c.key !== ref);
  return markdownTable(
    ['case', ...others.map((c) => c.label)],
    cases.map((k) => [k.name, ...others.map((c) => fmtRatio(k, ref, c.key))]),
  );
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
      if (r.status === 'ok' && k.unit !== 'MiB' && r.median > 0 && r.mad / r.median > NOISY_MAD) {
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

function writeAtomic(file, content) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

function writeCharts(dir, results, contenders, meta) {
  const files = [];
  for (const k of results) {
    const file = path.join(dir, `${k.name.replace(/[^\w.-]/g, '_')}.svg`);
    writeAtomic(file, svg.caseChart(k, contenders, meta));
    files.push(file);
  }
  const overview = path.join(dir, 'overview.svg');
  writeAtomic(overview, svg.overviewChart(results, contenders, meta));
  files.push(overview);
  return files;
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
  const ALL = allCases();
  const cases = ALL.filter((k) => !opts.filter || opts.filter.some((f) => k.name.toLowerCase().includes(f)));
  if (!cases.length) {
    process.stderr.write(`no case matches --filter ${opts.filter.join(',')}; cases: ${ALL.map((k) => k.name).join(', ')}\n`);
    process.exit(2);
  }
  const needs = new Set(cases.flatMap((k) => k.needs || []));

  const machine = machineInfo();
  const env = { testlib: null, startup: null };
  let testlib = null;
  if (needs.has('testlib')) {
    testlib = findTestlib();
    env.testlib = testlib.path;
    if (testlib.note) log(`test library: ${testlib.note}`);
    if (testlib.path) log(`test library: ${relOrAbs(testlib.path)}`);
  }
  let startupLib = null;
  if (needs.has('startup')) {
    startupLib = buildStartupLib({ log });
    if (startupLib.error) {
      log(startupLib.error);
      env.startupNote = startupLib.error;
    } else {
      env.startup = { path: startupLib.path, count: startupLib.count, seed: startupLib.seed, types: STARTUP_TYPES };
      log(`startup library: ${startupLib.path} (${startupLib.count} functions, ${startupLib.distinct} distinct signatures` +
        `${startupLib.compiledNow ? `, compiled in ${(startupLib.compileMs / 1000).toFixed(1)} s` : ', cached'})`);
    }
  }

  const buildBefore = callplanBuildStamp();
  const contenders = loadContenders(opts);
  log(`${opts.quick ? 'quick run' : 'full run'}: ${cases.length} case(s), ${opts.rounds} rounds ` +
    `(memory: ${opts.memoryRounds} of ${opts.memoryCalls.toLocaleString('en-US')} calls), ~${opts.batchMs} ms batches`);

  const results = [];
  for (const kase of cases) {
    const t0 = Date.now();
    const r = await runCase(kase, contenders, env, opts);
    results.push(r);
    log(`${kase.name}: ` + contenders.map((c) => `${c.label} ${fmtValue(r.results[c.key], r.unit)}`).join(', ') +
      ` (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  const buildAfter = callplanBuildStamp();
  const rebuilt = JSON.stringify(buildBefore) !== JSON.stringify(buildAfter);
  if (rebuilt) log('callplan was rebuilt during this run: the figures mix two builds; run again');
  const date = new Date();
  const durationMs = Date.now() - started;
  const out = [];
  out.push(`callplan benchmark: ${date.toISOString()}, ${opts.quick ? 'quick' : 'full'} run, ${(durationMs / 1000).toFixed(0)} s`);
  out.push(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.platform} (kernel ${machine.kernel})`);
  out.push(`node ${machine.node} (V8 ${machine.v8})` +
    contenders.filter((c) => c.available && c.version).map((c) => `, ${c.label} ${c.version}`).join(''));
  out.push(`method: median of ${opts.rounds} interleaved rounds (memory: ${opts.memoryRounds}), ~${opts.batchMs} ms per batch; lower is better`);
  out.push('');
  out.push('Median per operation (ns unless the case says otherwise; startup: ms for all declarations; memory: MiB RSS growth):');
  out.push('');
  out.push(renderTable(results, contenders));
  const hasResults = (key) => results.some((k) => k.results[key] && k.results[key].status === 'ok');
  if (hasResults('callplan')) {
    out.push('');
    out.push('Relative to callplan (contender / callplan, paired per round; > 1 = slower than callplan):');
    out.push('');
    out.push(renderRatioTable(results, contenders, 'callplan'));
  }
  if (hasResults('napi')) {
    out.push('');
    out.push('Relative to the Node-API floor (contender / napi, paired per round; < 1 = faster than the hand-written addon):');
    out.push('');
    out.push(renderRatioTable(results, contenders, 'napi'));
  }
  const notes = renderNotes(results, contenders);
  if (testlib && testlib.note) notes.unshift(`test library: ${testlib.note}`);
  if (results.some((k) => !k.ratios)) notes.push('–: memory growth is not a time; no ratio');
  if (rebuilt) notes.unshift('WARNING: callplan was rebuilt during this run (build/ or dist/ changed), so cases may have measured different builds: run again');
  if (notes.length) {
    out.push('');
    out.push('notes:');
    for (const n of notes) out.push(`  - ${n}`);
  }
  process.stdout.write(out.join('\n') + '\n');

  const report = {
    schema: 2,
    date: date.toISOString(),
    durationMs,
    machine,
    settings: {
      quick: opts.quick,
      rounds: opts.rounds,
      batchMs: opts.batchMs,
      warmupMs: opts.warmupMs,
      memoryCalls: opts.memoryCalls,
      memoryRounds: opts.memoryRounds,
      filter: opts.filter,
      contenders: contenders.map((c) => c.key),
      execArgv: process.execArgv,
    },
    testlib: testlib ? { path: relOrAbs(testlib.path), source: testlib.source, note: testlib.note || null } : null,
    startupLib: startupLib ? { ...startupLib, path: startupLib.path || null } : null,
    contenders: Object.fromEntries(contenders.map((c) => [c.key, {
      label: c.label,
      available: c.available,
      version: c.version,
      note: c.note,
      ...(c.key === 'callplan' ? { build: buildBefore, rebuiltDuringRun: rebuilt } : {}),
    }])),
    notes,
    cases: results,
  };
  fs.mkdirSync(opts.outDir, { recursive: true });
  const file = path.join(opts.outDir, 'latest.json');
  writeAtomic(file, JSON.stringify(report, null, 2) + '\n');
  const charts = writeCharts(opts.outDir, results, contenders, { machine, date: date.toISOString().slice(0, 10) });
  log(`wrote ${relOrAbs(file)} and ${charts.length} SVG charts in ${relOrAbs(opts.outDir)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`bench failed: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  });
}

module.exports = { parseArgs, prepareContender, runCase, renderTable, renderRatioTable };
