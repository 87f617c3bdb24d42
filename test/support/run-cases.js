// Parent side of the isolated case runner: runs a group of cases (see case-runner.js) in child
// processes and turns each result into a tap assertion.
//
// Many cases share one child for speed. The child announces each case before running it, so
// when it dies (signal, abort, non-zero exit, uncaught exception) or stops making progress
// (no new case within `caseTimeoutMs`, a hang), the case that was running is reported by name
// with the end of the child's stderr, and a new child resumes with the next case. The timeout
// only detects hangs; no test asserts how long anything takes.
'use strict';
const path = require('path');
const { spawn } = require('child_process');

const { nodePath } = require('./env.js');

const RUNNER = path.join(__dirname, 'case-runner.js');
const DEFAULT_CASE_TIMEOUT_MS = Number(process.env.CALLPLAN_CASE_TIMEOUT_MS) || 60000;

// Sanitizer runtimes reserve terabytes of address space: no limit under them.
const SANITIZED = /asan|ubsan|tsan/.test(process.env.LD_PRELOAD || '') || Boolean(process.env.ASAN_OPTIONS);

function runChild(modulePath, group, first, caseTimeoutMs, nodeArgs, addressSpaceMB) {
  return new Promise((resolve) => {
    const argv = ['--expose-gc', ...nodeArgs, RUNNER, modulePath, group, String(first)];
    // An address-space limit turns runaway allocations into failed ones instead of letting
    // them take the machine's memory; the cases then see what the library does about it.
    const child = addressSpaceMB && !SANITIZED
      ? spawn('/bin/sh', ['-c', `ulimit -v ${addressSpaceMB * 1024} && exec "$0" "$@"`, nodePath, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(nodePath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const state = { count: null, results: [], current: null, done: false, hung: false, stderr: '', stdout: '' };
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        state.hung = true;
        child.kill('SIGKILL');
      }, caseTimeoutMs);
    };
    arm();
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const m = /^@@CP (COUNT|CASE|RESULT|DONE)(?: (\d+))?(?: (.*))?$/.exec(line);
        if (!m) {
          state.stdout = (state.stdout + line + '\n').slice(-4000);
          continue;
        }
        if (m[1] === 'COUNT') state.count = Number(m[2]);
        else if (m[1] === 'CASE') {
          state.current = { index: Number(m[2]), name: JSON.parse(m[3]) };
          arm();
        } else if (m[1] === 'RESULT') {
          state.results.push({ index: Number(m[2]), name: state.current && state.current.name, ...JSON.parse(m[3]) });
          state.current = null;
        } else if (m[1] === 'DONE') state.done = true;
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      state.stderr = (state.stderr + chunk).slice(-6000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ...state, code, signal });
    });
  });
}

/**
 * Runs every case of `group` from the module at `modulePath` and reports them under `t`.
 * options: { caseTimeoutMs, nodeArgs (extra node flags for the children), addressSpaceMB }.
 * Returns { total, passed, failed, crashed, hung } counts.
 */
async function runCases(t, modulePath, group, options = {}) {
  const caseTimeoutMs = options.caseTimeoutMs || DEFAULT_CASE_TIMEOUT_MS;
  const stats = { total: 0, passed: 0, failed: 0, crashed: 0, hung: 0 };
  let first = 0;
  for (;;) {
    const r = await runChild(modulePath, group, first, caseTimeoutMs, options.nodeArgs || [], options.addressSpaceMB);
    if (r.count === null) {
      t.fail(`${group}: the case runner did not start (exit ${r.code}, signal ${r.signal})`, { stderr: r.stderr });
      return stats;
    }
    stats.total = r.count;
    for (const res of r.results) {
      const ok = res.problems.length === 0;
      if (ok) stats.passed++;
      else stats.failed++;
      t.ok(ok, res.name, ok ? undefined : { outcome: res.outcome, problems: res.problems });
    }
    const died = r.signal !== null || r.code !== 0;
    if (r.done && !died) return stats;
    const diag = { exitCode: r.code, signal: r.signal, stderr: r.stderr.slice(-3000), stdout: r.stdout.slice(-1000) || undefined };
    if (r.current) {
      if (r.hung) {
        stats.hung++;
        t.fail(`${r.current.name}: no result within ${caseTimeoutMs / 1000} s (hang); the child was killed`, diag);
      } else {
        stats.crashed++;
        t.fail(`${r.current.name}: the process died (${r.signal ? `signal ${r.signal}` : `exit code ${r.code}`})`, diag);
      }
      first = r.current.index + 1;
      if (first >= r.count) return stats;
      continue;
    }
    const last = r.results.length ? r.results[r.results.length - 1].name : '(none)';
    t.fail(`${group}: the process ${r.hung ? 'hung' : 'died'} between cases (last finished case: ${last})`, diag);
    stats.crashed++;
    if (!r.results.length || r.done) return stats;
    first = r.results[r.results.length - 1].index + 1;
    if (first >= r.count) return stats;
  }
}

module.exports = { runCases };
