#!/usr/bin/env node
// Long, on-demand declaration fuzzing (the CI budget is test/fuzz-decl.test.js).
//
//   node scripts/fuzz-decl.mjs [--seconds 600] [--seed N] [--start I] [--count N] [--chunk N]
//   node scripts/fuzz-decl.mjs --seed N --only I        run one input alone and print its outcome
//   add --verbose to print the outcome of every input
//   node scripts/fuzz-decl.mjs --seed N --show I        print input I without running it
//
// Inputs run in child processes of --chunk inputs each (default 5000); a crash or hang is
// reported with the input that caused it and the run carries on after it. Prints a summary
// (outcomes by exception class, problems by category with examples) and exits with status 1
// if there was any crash or problem. Build first: node scripts/build.mjs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const core = require('../test/support/fuzz-decl-core.js');

function parseArgs(argv) {
  const opts = { seconds: 600, seed: Date.now() % 100000, start: 0, count: Infinity, chunk: 5000, only: null, show: null, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`fuzz-decl: ${a} expects a non-negative number`);
      return v;
    };
    if (a === '--seconds') opts.seconds = value();
    else if (a === '--seed') opts.seed = value();
    else if (a === '--start') opts.start = value();
    else if (a === '--count') opts.count = value();
    else if (a === '--chunk') opts.chunk = Math.max(1, value());
    else if (a === '--only') opts.only = value();
    else if (a === '--show') opts.show = value();
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/fuzz-decl.mjs [--seconds S] [--seed N] [--start I] [--count N] [--chunk N] [--only I] [--show I] [--verbose]');
      process.exit(0);
    } else throw new Error(`fuzz-decl: unknown option ${a}`);
  }
  return opts;
}

function report(totals, opts, elapsed) {
  console.log(`\nseed ${opts.seed}: ${totals.inputs} inputs in ${elapsed.toFixed(1)} s (next: --start ${totals.next})`);
  console.log(`  declared: ${totals.valid}, skipped (API absent): ${totals.skipped}, invalid by construction: ${totals.mustThrow}`);
  console.log(`  threw: ${Object.entries(totals.threw).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing'}`);
  for (const c of totals.crashes) {
    console.log(`\nCRASH at input ${c.index} (${c.how}):\n  ${c.input.slice(0, 2000)}\n  reproduce: ${c.reproduce}`);
    if (c.stderr.trim()) console.log(`  stderr:\n${c.stderr.trim().split('\n').map((l) => `    ${l}`).join('\n')}`);
  }
  for (const [category, p] of Object.entries(totals.problems)) {
    console.log(`\nPROBLEM ${category}: ${p.count} input(s), ${p.examples.length} kind(s); one example of each:`);
    for (const e of p.examples) console.log(`  [${e.count}x] #${e.index} ${e.input.slice(0, 400)}\n      -> ${e.detail}`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.show !== null) {
    const input = core.generate(opts.seed, opts.show);
    console.log(core.describeInput(input));
    const reason = core.mustThrowReason(input);
    if (reason) console.log(`(invalid by construction: ${reason})`);
    return;
  }
  if (opts.only !== null) {
    opts.start = opts.only;
    opts.count = 1;
    opts.verbose = true;
  }
  const started = Date.now();
  let lastPrint = 0;
  const totals = await core.runFuzz({
    seed: opts.seed,
    start: opts.start,
    count: opts.count,
    seconds: opts.count === Infinity || opts.only === null ? opts.seconds : Infinity,
    chunk: opts.chunk,
    verbose: opts.verbose,
    onProgress(t, next) {
      if (Date.now() - lastPrint > 5000) {
        lastPrint = Date.now();
        const problems = Object.values(t.problems).reduce((n, p) => n + p.count, 0);
        process.stderr.write(`fuzz-decl: seed ${opts.seed}, ${t.inputs} inputs, next ${next}, ${t.crashes.length} crashes, ${problems} problems\n`);
      }
    },
  });
  report(totals, opts, (Date.now() - started) / 1000);
  process.exitCode = totals.crashes.length || Object.keys(totals.problems).length ? 1 : 0;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
