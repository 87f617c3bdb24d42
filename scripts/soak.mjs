// Soak: millions of mixed calls (strings, structs, output parameters, disposables, variadic,
// async, and callbacks when available), printing RSS as it goes. After warm-up RSS must stay
// flat: the script fails if it grows by more than --max-growth MiB (default 32).
//   node scripts/soak.mjs [--calls 10000000] [--max-growth 32]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const koffi = require(root);
const paths = JSON.parse(readFileSync(join(root, 'build/testlib/paths.json'), 'utf8'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const total = arg('calls', 10_000_000);
const maxGrowth = arg('max-growth', 32);

const lib = koffi.load(paths.cptest);
const libc = koffi.load(null);
const add = lib.func('int add_int(int a, int b)');
const len = lib.func('size_t str_len(const char *s)');
const dup = lib.func('str! str_dup(const char *s)');
const tm = koffi.struct('soak_tm', {
  tm_sec: 'int', tm_min: 'int', tm_hour: 'int', tm_mday: 'int', tm_mon: 'int', tm_year: 'int',
  tm_wday: 'int', tm_yday: 'int', tm_isdst: 'int', tm_gmtoff: 'long', tm_zone: 'const char *',
});
const gmtime = libc.func('soak_tm *gmtime_r(const int64_t *t, _Out_ soak_tm *out)');
const div_t = koffi.struct('soak_div', { quot: 'int', rem: 'int' });
const div = libc.func('soak_div div(int, int)');
const snprintf = libc.func('int snprintf(char *buf, size_t n, const char *fmt, ...)');
let qsort = null;
if (typeof koffi.proto === 'function') {
  const Cmp = koffi.proto('int soak_cmp(const void *a, const void *b)');
  qsort = libc.func('void qsort(_Inout_ int32_t *base, size_t n, size_t size, soak_cmp *cmp)');
}
const buf = Buffer.alloc(128);
const out = {};

function step(i) {
  switch (i % 8) {
    case 0: if (add(i & 0xffff, 1) !== (i & 0xffff) + 1) throw new Error('add'); break;
    case 1: if (len('soak ' + i) !== String(i).length + 5) throw new Error('len'); break;
    case 2: if (dup('x' + (i & 1023)) !== 'x' + (i & 1023)) throw new Error('dup'); break;
    case 3: gmtime([i], out); if (out.tm_zone !== 'GMT') throw new Error('gmtime'); break;
    case 4: if (div(i & 0xffff, 7).rem !== (i & 0xffff) % 7) throw new Error('div'); break;
    case 5: snprintf(buf, 128, '%d %s %f', 'int', i, 'str', 'soak', 'double', 1.5); break;
    case 6:
      if (qsort) {
        const a = Int32Array.of(3, 1, 2);
        qsort(a, 3, 4, (x, y) => koffi.decode(x, 'int32_t') - koffi.decode(y, 'int32_t'));
        if (a[0] !== 1) throw new Error('qsort');
      }
      break;
    default: break;
  }
}

const mib = () => process.memoryUsage().rss / 1048576;
const warmup = Math.min(total / 10, 1_000_000);
const t0 = Date.now();
let baseline = 0;
let peak = 0;
const chunk = 100_000;
for (let done = 0; done < total; done += chunk) {
  for (let i = done; i < done + chunk && i < total; i++) step(i);
  // Async calls in flight now and then.
  if ((done / chunk) % 10 === 0) await Promise.all(Array.from({ length: 64 }, (_, k) => add.async(k, 1)));
  if (done + chunk >= warmup && !baseline) {
    globalThis.gc?.();
    baseline = mib();
  }
  if (baseline) peak = Math.max(peak, mib());
  if ((done / chunk) % 10 === 0) console.log(`${String(done + chunk).padStart(10)} calls  rss ${mib().toFixed(1)} MiB`);
}
const growth = peak - baseline;
console.log(`${total} calls in ${((Date.now() - t0) / 1000).toFixed(1)} s; RSS after warm-up ${baseline.toFixed(1)} MiB, peak ${peak.toFixed(1)} MiB (growth ${growth.toFixed(1)} MiB)${qsort ? '' : '; callbacks not available'}`);
if (growth > maxGrowth) {
  console.error(`RSS grew by ${growth.toFixed(1)} MiB (limit ${maxGrowth})`);
  process.exit(1);
}
