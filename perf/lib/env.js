'use strict';
// Everything the benchmark needs before it can time anything: the C test
// library, the Node-API baseline addon, and a description of the machine.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const PERF_DIR = path.resolve(__dirname, '..');
const ROOT = path.resolve(PERF_DIR, '..');

const LIB_EXT = process.platform === 'win32' ? '.dll' : process.platform === 'darwin' ? '.dylib' : '.so';

function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

// The parent's Node flags to pass on to child processes (e.g.
// --experimental-ffi, --max-old-space-size), without the ones that say what
// to run: a parent started with `node -e '...'` must not make its children
// run that script again instead of theirs.
function nodeFlags() {
  const out = [];
  const withValue = new Set(['-e', '--eval', '-p', '--print', '--input-type']);
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (withValue.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    if (a === '-i' || a === '--interactive' || a === '-c' || a === '--check' || a === '--test' || a === '--watch') continue;
    out.push(a);
  }
  return out;
}

function tail(text, lines = 15) {
  return String(text || '').trim().split('\n').slice(-lines).join('\n');
}

// Returns { path, source, note } where path is null if no test library is available.
function findTestlib() {
  const official = path.join(ROOT, 'build', 'testlib', 'libcptest' + LIB_EXT);
  if (fs.existsSync(official)) return { path: official, source: 'build/testlib' };

  const script = path.join(ROOT, 'scripts', 'build-testlib.mjs');
  let scriptNote = 'scripts/build-testlib.mjs does not exist';
  if (fs.existsSync(script)) {
    log('build/testlib is missing: running node scripts/build-testlib.mjs');
    const r = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8' });
    if (r.status === 0 && fs.existsSync(official)) return { path: official, source: 'build/testlib (built now)' };
    scriptNote = `scripts/build-testlib.mjs failed (exit ${r.status}): ${tail(r.stderr || r.stdout, 5)}`;
  }

  // Last resort: compile perf's own stand-in with the two functions the cases use.
  const src = path.join(PERF_DIR, 'fallback', 'cptest-standin.c');
  const hash = crypto.createHash('sha1').update(fs.readFileSync(src)).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `callplan-perf-${process.getuid ? process.getuid() : 'user'}`);
  const out = path.join(dir, `libcptest-standin-${hash}${LIB_EXT}`);
  const note = `${scriptNote}; using perf/fallback/cptest-standin.c instead`;
  if (fs.existsSync(out)) return { path: out, source: 'perf stand-in', note };
  fs.mkdirSync(dir, { recursive: true });
  const cc = process.env.CC || 'cc';
  const flags = process.platform === 'darwin' ? ['-dynamiclib'] : ['-shared', '-fPIC'];
  const r = spawnSync(cc, ['-O2', ...flags, '-o', out, src], { encoding: 'utf8' });
  if (r.status === 0 && fs.existsSync(out)) return { path: out, source: 'perf stand-in', note };
  return { path: null, source: null, note: `${note}, but compiling it failed: ${tail(r.stderr || String(r.error), 5)}` };
}

// Node headers: honour npm's nodedir when set, else use the headers installed
// next to this node binary (e.g. /usr/include/node), else let node-gyp decide.
function findNodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  return null;
}

// Builds perf/napi-baseline with node-gyp when the .node file is missing or
// older than its sources. Returns { addon } or { error }.
function loadNapiBaseline({ rebuild = false } = {}) {
  const dir = path.join(PERF_DIR, 'napi-baseline');
  const out = path.join(dir, 'build', 'Release', 'baseline.node');
  const sources = ['baseline.c', 'binding.gyp'].map((f) => path.join(dir, f));
  const stale = !fs.existsSync(out) ||
    sources.some((s) => fs.statSync(s).mtimeMs > fs.statSync(out).mtimeMs);

  if (rebuild || stale) {
    let gyp;
    try {
      gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [ROOT] });
    } catch (e) {
      return { error: 'node-gyp not found in node_modules' };
    }
    const args = [gyp, 'rebuild', '-C', dir];
    const nodedir = findNodedir();
    if (nodedir) args.push(`--nodedir=${nodedir}`);
    log(`building the Node-API baseline: node ${path.relative(ROOT, gyp)} ${args.slice(1).join(' ')}`);
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0 || !fs.existsSync(out)) {
      return { error: `node-gyp failed (exit ${r.status}): ${tail(r.stderr || r.stdout || String(r.error), 8)}` };
    }
  }
  try {
    return { addon: require(out) };
  } catch (e) {
    return { error: `cannot load ${path.relative(ROOT, out)}: ${e.message}` };
  }
}

function machineInfo() {
  let cpu = null;
  try {
    const m = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (m) cpu = m[1].trim();
  } catch {}
  const cpus = os.cpus();
  if (!cpu && cpus.length) cpu = cpus[0].model;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length;
  return {
    cpu: cpu || 'unknown',
    cores,
    platform: `${process.platform}-${process.arch}`,
    kernel: os.release(),
    node: process.version,
    v8: process.versions.v8,
    napi: process.versions.napi,
  };
}

function packageVersion(name) {
  try {
    const pkgPath = path.join(path.dirname(require.resolve(name, { paths: [ROOT] })), 'package.json');
    if (fs.existsSync(pkgPath)) return JSON.parse(fs.readFileSync(pkgPath, 'utf8')).version;
  } catch {}
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {}
  return null;
}

module.exports = { ROOT, PERF_DIR, log, nodeFlags, findTestlib, loadNapiBaseline, machineInfo, packageVersion };
