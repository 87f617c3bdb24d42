// Declaration fuzzing, CI budget: hand-picked extreme declarations, then a few thousand
// inputs from the seeded mutator of prototypes, type strings, member maps and type
// constructor arguments (test/support/fuzz-decl-core.js). Every input must declare something
// sane or throw an allowed Error (TypeError, RangeError, Error, or the parser's ParseError)
// whose message points at the problem; never another exception class, never a crash.
// Longer runs: node scripts/fuzz-decl.mjs --seconds 600 --seed N
//
// Environment: CALLPLAN_FUZZ_SEEDS (comma-separated, default 1,2) and CALLPLAN_FUZZ_COUNT
// (inputs per seed, default 2000) change the budget; CALLPLAN_SLOW=1 (emulated runs) makes the
// defaults 1 and 500.
'use strict';
const t = require('tap');
const path = require('path');
const { runCases } = require('./support/run-cases.js');
const { runFuzz } = require('./support/fuzz-decl-core.js');
const { slow } = require('./support/env.js');

const SEEDS = (process.env.CALLPLAN_FUZZ_SEEDS || (slow ? '1' : '1,2')).split(',').map(Number).filter(Number.isFinite);
const COUNT = Number(process.env.CALLPLAN_FUZZ_COUNT) || (slow ? 500 : 2000);

t.test('extreme declarations', async (t) => {
  // A smaller heap makes a runaway declaration fail fast instead of eating the machine.
  const stats = await runCases(t, path.join(__dirname, 'support', 'fuzz-decl-cases.js'), 'decl', { nodeArgs: ['--max-old-space-size=1024'] });
  t.comment(`${stats.total} cases, ${stats.passed} passed, ${stats.failed} failed, ${stats.crashed} crashed, ${stats.hung} hung`);
});

for (const seed of SEEDS) {
  t.test(`random declarations, seed ${seed}, ${COUNT} inputs`, async (t) => {
    const totals = await runFuzz({ seed, count: COUNT, chunk: COUNT });
    const classes = Object.entries(totals.threw).map(([k, v]) => `${k} ${v}`).join(', ');
    t.comment(`${totals.inputs} inputs: ${totals.valid} declared, ${totals.skipped} skipped (API absent), threw: ${classes || 'none'}; ${totals.mustThrow} invalid by construction`);
    t.equal(totals.inputs + totals.crashes.length, COUNT, 'every input ran');
    for (const c of totals.crashes) {
      t.fail(`input ${c.index} crashed the process (${c.how}): ${c.input.slice(0, 300)}`, { reproduce: c.reproduce, stderr: c.stderr });
    }
    for (const [category, p] of Object.entries(totals.problems)) {
      t.fail(`${category}: ${p.count} input(s)`, { examples: p.examples });
    }
    if (!totals.crashes.length && !Object.keys(totals.problems).length) t.pass('no crash, every outcome follows the rules');
  });
}
