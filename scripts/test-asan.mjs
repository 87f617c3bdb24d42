// npm run test:asan — builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer
// into build/asan/ and runs the whole tap suite against it. Node itself is not instrumented,
// so the sanitizer runtime is preloaded; leak checking is off by default because Node keeps
// allocations alive until exit (CALLPLAN_ASAN_LEAKS=1 turns it on).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { cxxDialect } from './node-dialect.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = join(root, 'build', 'asan');
const addon = join(out, 'callplan.node');
const cxx = process.env.CXX || 'g++';

// The sources and flags binding.gyp uses, so the sanitized build matches the real one.
const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8').replace(/#.*$/gm, ''));
const target = gyp.targets.find((t) => t.target_name === 'callplan');
// Plus the sources of the conditions that hold for this machine ("target_arch=='x64'").
const sources = [...target.sources];
for (const [condition, extra] of target.conditions ?? []) {
  const m = /^target_arch=='(\w+)'$/.exec(condition);
  if (m && m[1] === process.arch) sources.push(...(extra.sources ?? []));
}
const nodeInclude = process.env.CALLPLAN_NODE_INCLUDE || join(dirname(process.execPath), '..', 'include', 'node');
// Node's and node-addon-api's headers are system headers: their warnings are not ours.
const includes = [...[nodeInclude, dirname(require.resolve('node-addon-api/package.json'))].map((i) => `-isystem${i}`), `-I${join(root, 'native', 'interp')}`];
const defines = target.defines.map((d) => `-D${d}`);
// vptr checks need RTTI that Node's own objects (V8 backing stores held in shared_ptr) lack.
const sanitize = ['-fsanitize=address,undefined', '-fno-sanitize=vptr', '-fno-sanitize-recover=undefined', '-fno-omit-frame-pointer'];

function stale() {
  if (!existsSync(addon)) return true;
  const built = statSync(addon).mtimeMs;
  const inputs = [...sources, 'binding.gyp'].map((s) => join(root, s));
  const headers = ['native/interp', 'native/asm'].flatMap((d) => {
    try { return execFileSync('ls', [join(root, d)]).toString().trim().split('\n').map((f) => join(root, d, f)); } catch { return []; }
  });
  return [...inputs, ...headers].some((f) => existsSync(f) && statSync(f).mtimeMs > built);
}

if (stale()) {
  mkdirSync(out, { recursive: true });
  const objects = [];
  for (const src of sources) {
    const obj = join(out, src.replace(/[/.]/g, '_') + '.o');
    const isAsm = src.endsWith('.S');
    const args = [
      ...(isAsm ? [] : [`-std=${cxxDialect(nodeInclude)}`, '-fno-exceptions']), '-O1', '-g', '-fPIC', '-Wall', '-Wextra', '-Werror',
      ...sanitize, ...defines, ...includes, '-c', join(root, src), '-o', obj,
    ];
    execFileSync(cxx, args, { stdio: 'inherit' });
    objects.push(obj);
  }
  execFileSync(cxx, ['-shared', ...sanitize, '-o', addon, ...objects, '-ldl'], { stdio: 'inherit' });
  console.log(`built ${addon}`);
}

const runtime = (lib) => execFileSync(cxx, [`-print-file-name=${lib}`]).toString().trim();
const env = {
  ...process.env,
  CALLPLAN_NATIVE: addon,
  LD_PRELOAD: [runtime('libasan.so'), runtime('libubsan.so')].join(' '),
  ASAN_OPTIONS: `detect_leaks=${process.env.CALLPLAN_ASAN_LEAKS ? 1 : 0}:abort_on_error=1:allocator_may_return_null=1`,
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  CALLPLAN_ASAN: '1',
};
const args = process.argv.slice(2);
const r = spawnSync(process.execPath, [join(root, 'node_modules', '.bin', 'tap'), ...args], { stdio: 'inherit', env, cwd: root });
process.exit(r.status ?? 1);
