#!/usr/bin/env node
// Builds the C test libraries in test/lib/ into build/testlib/ and writes
// build/testlib/paths.json ({ shortName: absolutePath }).
//
//   node scripts/build-testlib.mjs            build what is out of date
//   node scripts/build-testlib.mjs --force    rebuild everything
//   node scripts/build-testlib.mjs --check    build, then compile and run the C
//                                             self-checks in test/lib/check/
//   node scripts/build-testlib.mjs --out DIR  build into DIR instead (e.g. a cross
//                                             build: CC=aarch64-linux-gnu-gcc)
//
// Environment: CC (default "cc") and CFLAGS / LDFLAGS (appended, e.g.
// CFLAGS="-fsanitize=address -g") are split on whitespace.  A library is rebuilt
// when any of its sources, any header in test/lib/, or this script is newer than
// the output, or when the compiler command line changed since the last build.
// No dependencies beyond Node and a C compiler; Linux (ELF, glibc) only.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const scriptPath = fileURLToPath(import.meta.url);
const defaultRoot = path.resolve(path.dirname(scriptPath), '..');

export const BASE_FLAGS = [
  '-std=c11', '-O2', '-fPIC', '-shared', '-Wall', '-Wextra', '-Werror', '-fvisibility=default',
];

// name: short name (paths.json key; the file is lib<name>.so).
// cflags/ldflags: per-library extras, placed before the user's CFLAGS/LDFLAGS.
export const TEST_LIBS = [
  { name: 'cptest', sources: ['cptest.c'], ldflags: ['-lm', '-pthread'] },
  // Undefined symbol on purpose: lazy binding so the library loads with RTLD_LAZY.
  { name: 'cp_unresolved', sources: ['unresolved.c'], ldflags: ['-Wl,-z,lazy'] },
  { name: 'cp_provider', sources: ['provider.c'] },
  // Uses cp_provided_value() from libcp_provider.so without linking to it.
  { name: 'cp_consumer', sources: ['consumer.c'], ldflags: ['-Wl,-z,lazy'] },
  // Calls its own cp_deep_which() through the PLT so RTLD_GLOBAL libraries can
  // interpose it (unless loaded with RTLD_DEEPBIND).
  { name: 'cp_deep', sources: ['deep.c'], cflags: ['-fsemantic-interposition'] },
  { name: 'cp_deep_global', sources: ['deep_global.c'] },
  // Struct layouts, by-value structs (SysV classes), pointers to structs and arrays.
  { name: 'cpstructs', sources: ['structs.c'] },
  // Callbacks: structs by value in every SysV class, stack spills, threads (callbacks.h).
  { name: 'cpcallbacks', sources: ['callbacks.c'], ldflags: ['-pthread'] },
  // Helpers for the bad-input suite and the declaration fuzzer.
  { name: 'cphostile', sources: ['hostile.c'] },
];

// C programs in test/lib/check/ run by --check.  args(outDir) gives their argv.
const CHECKS = [
  { name: 'check_cptest', source: 'check_cptest.c', ldflags: (out) => [`-L${out}`, '-lcptest', `-Wl,-rpath,${out}`] },
  { name: 'check_loadopts', source: 'check_loadopts.c', ldflags: () => ['-ldl'], args: (out) => [out] },
];

function splitEnv(value) {
  return (value ?? '').split(/\s+/).filter(Boolean);
}

function compilerCommand() {
  const cc = splitEnv(process.env.CC);
  return cc.length ? cc : ['cc'];
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function writeIfChanged(file, text) {
  try {
    if (fs.readFileSync(file, 'utf8') === text) return;
  } catch {
    // missing: write it
  }
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function runCompiler(argv, what) {
  const [cmd, ...args] = argv;
  const res = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.error) {
    const hint = res.error.code === 'ENOENT'
      ? ` (C compiler "${cmd}" not found: install gcc, e.g. "apt-get install gcc", or set CC)`
      : '';
    throw new Error(`build-testlib: cannot run ${cmd} for ${what}: ${res.error.message}${hint}`);
  }
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim();
  if (res.status !== 0) {
    throw new Error(
      `build-testlib: compiling ${what} failed (exit ${res.status ?? res.signal}):\n` +
      `  ${argv.join(' ')}\n${output}`);
  }
  if (output) process.stderr.write(`${output}\n`);
}

/** Directory the libraries are written to: outDir if given, else build/testlib. */
export function testLibDir(root = defaultRoot, outDir = undefined) {
  return outDir ? path.resolve(outDir) : path.join(root, 'build', 'testlib');
}

/** { shortName: absolute path } for every test library (whether built or not). */
export function testLibPaths(root = defaultRoot, outDir = undefined) {
  const out = testLibDir(root, outDir);
  return Object.fromEntries(TEST_LIBS.map((lib) => [lib.name, path.join(out, `lib${lib.name}.so`)]));
}

/**
 * Builds the out-of-date test libraries and writes paths.json.
 * options: { force = false, quiet = false, outDir = build/testlib }.  Returns the paths object.
 * Throws an Error with the compiler output if a compilation fails.
 */
export function buildTestLibs(root = defaultRoot, options = {}) {
  const { force = false, quiet = false } = options;
  root = path.resolve(root);
  const srcDir = path.join(root, 'test', 'lib');
  const outDir = testLibDir(root, options.outDir);
  fs.mkdirSync(outDir, { recursive: true });

  const cc = compilerCommand();
  const userCflags = splitEnv(process.env.CFLAGS);
  const userLdflags = splitEnv(process.env.LDFLAGS);
  const headers = fs.readdirSync(srcDir).filter((f) => f.endsWith('.h')).map((f) => path.join(srcDir, f));
  const paths = testLibPaths(root, outDir);

  for (const lib of TEST_LIBS) {
    const out = paths[lib.name];
    const sources = lib.sources.map((s) => path.join(srcDir, s));
    for (const s of sources) {
      if (!fs.existsSync(s)) throw new Error(`build-testlib: missing source ${s}`);
    }
    const argvFor = (output) => [
      ...cc, ...BASE_FLAGS, ...(lib.cflags ?? []), ...userCflags,
      ...sources, '-o', output, ...(lib.ldflags ?? []), ...userLdflags,
    ];
    const argv = argvFor(out);
    const stamp = path.join(outDir, `.lib${lib.name}.so.cmd`);
    const cmdline = `${JSON.stringify(argv)}\n`;
    const outTime = mtime(out);
    const upToDate = !force && outTime >= 0 &&
      [...sources, ...headers, scriptPath].every((f) => mtime(f) < outTime) &&
      fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === cmdline;
    if (upToDate) continue;

    // Compile to a temporary file and rename, so a process that has the old
    // library mapped (or a concurrent build) never sees a half-written file.
    const tmp = `${out}.tmp-${process.pid}`;
    const started = Date.now();
    try {
      runCompiler(argvFor(tmp), `lib${lib.name}.so`);
      fs.renameSync(tmp, out);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    writeIfChanged(stamp, cmdline);
    if (!quiet) {
      console.log(`build-testlib: built lib${lib.name}.so (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    }
  }

  writeIfChanged(path.join(outDir, 'paths.json'), `${JSON.stringify(paths, null, 2)}\n`);
  return paths;
}

/** Compiles and runs the C self-checks in test/lib/check/.  Throws on failure. */
export function runTestLibChecks(root = defaultRoot, outDir = undefined) {
  root = path.resolve(root);
  const checkDir = path.join(root, 'test', 'lib', 'check');
  outDir = testLibDir(root, outDir);
  const binDir = path.join(outDir, 'check');
  fs.mkdirSync(binDir, { recursive: true });
  const cc = compilerCommand();
  for (const check of CHECKS) {
    const exe = path.join(binDir, check.name);
    runCompiler([
      ...cc, '-std=c11', '-O1', '-Wall', '-Wextra', '-Werror', ...splitEnv(process.env.CFLAGS),
      `-I${path.join(root, 'test', 'lib')}`, path.join(checkDir, check.source), '-o', exe,
      ...check.ldflags(outDir), ...splitEnv(process.env.LDFLAGS),
    ], check.name);
    const res = spawnSync(exe, check.args ? check.args(outDir) : [], { stdio: 'inherit' });
    if (res.status !== 0) {
      throw new Error(`build-testlib: ${check.name} failed (exit ${res.status ?? res.signal})`);
    }
  }
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return pathToFileURL(fs.realpathSync(process.argv[1])).href === pathToFileURL(fs.realpathSync(scriptPath)).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log('usage: node scripts/build-testlib.mjs [--force] [--quiet] [--check] [--out DIR]');
    process.exit(0);
  }
  let outDir;
  const outAt = args.indexOf('--out');
  if (outAt >= 0) {
    outDir = args[outAt + 1];
    if (!outDir || outDir.startsWith('--')) {
      console.error('build-testlib: --out needs a directory');
      process.exit(2);
    }
    args.splice(outAt, 2);
  }
  const unknown = args.filter((a) => !['--force', '--quiet', '--check'].includes(a));
  if (unknown.length) {
    console.error(`build-testlib: unknown option(s): ${unknown.join(' ')}`);
    process.exit(2);
  }
  try {
    buildTestLibs(defaultRoot, { force: args.includes('--force'), quiet: args.includes('--quiet'), outDir });
    if (args.includes('--check')) runTestLibChecks(defaultRoot, outDir);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
