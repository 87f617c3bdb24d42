// callplan in worker_threads: every worker loads the addon (one runtime per environment) and
// calls concurrently with the main thread; workers that exit mid-way and a process that exits
// while async calls are in flight must not crash. Each scenario runs in a child process so a
// crash is reported, not fatal to the suite.
'use strict';
const t = require('tap');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const { testlibPaths: paths, nodePath } = require('./support/env.js');

function run(code, timeout = 60000) {
  const r = spawnSync(nodePath, ['-e', code], { cwd: root, encoding: 'utf8', timeout, env: { ...process.env, PATHS: JSON.stringify(paths) } });
  return { status: r.status, signal: r.signal, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

const WORKLOAD = `
  const koffi = require(${JSON.stringify(root)});
  const paths = JSON.parse(process.env.PATHS);
  function work(id, n) {
    const lib = koffi.load(paths.cptest);
    const libc = koffi.load(null);
    const add = lib.func('int add_int(int a, int b)');
    const len = lib.func('size_t str_len(const char *s)');
    const div_t = koffi.struct({ quot: 'int', rem: 'int' });
    const div = libc.func('div', div_t, ['int', 'int']);
    const snprintf = libc.func('int snprintf(char *buf, size_t n, const char *fmt, ...)');
    const buf = Buffer.alloc(64);
    for (let i = 0; i < n; i++) {
      if (add(i, id) !== i + id) throw new Error('add_int ' + i);
      const s = 'worker ' + id + ' call ' + i + ' é';
      if (len(s) !== Buffer.byteLength(s)) throw new Error('str_len ' + i);
      const d = div(i + 7, 3);
      if (d.quot !== Math.trunc((i + 7) / 3) || d.rem !== (i + 7) % 3) throw new Error('div ' + i);
      const k = snprintf(buf, 64, '%d:%s', 'int', i, 'str', 'w' + id);
      if (buf.toString('utf8', 0, k) !== i + ':w' + id) throw new Error('snprintf ' + i);
    }
    return add.async(id, 1);
  }
`;

t.test('workers each load callplan and call concurrently with the main thread', (t) => {
  const r = run(`${WORKLOAD}
    const { Worker } = require('node:worker_threads');
    const workers = [];
    for (let w = 1; w <= 4; w++) {
      workers.push(new Promise((resolve, reject) => {
        const worker = new Worker(WORKLOAD_SRC + ' work(' + w + ', 20000).then((v) => require("node:worker_threads").parentPort.postMessage(v));', { eval: true, env: process.env });
        worker.on('message', resolve);
        worker.on('error', reject);
      }));
    }
    Promise.all([...workers, work(0, 20000)]).then((results) => console.log(JSON.stringify(results)), (e) => { console.error(e); process.exit(3); });
  `.replace('WORKLOAD_SRC', JSON.stringify(WORKLOAD)));
  t.equal(r.signal, null, `no signal (${r.stderr.slice(0, 400)})`);
  t.equal(r.status, 0);
  t.same(JSON.parse(r.stdout || 'null'), [2, 3, 4, 5, 1]);
  t.end();
});

t.test('workers terminated in the middle of their calls', (t) => {
  const r = run(`${WORKLOAD}
    const { Worker } = require('node:worker_threads');
    let pending = 8;
    for (let w = 0; w < 8; w++) {
      const worker = new Worker(WORKLOAD_SRC + ' for (;;) work(' + w + ', 1000);', { eval: true, env: process.env });
      setTimeout(() => worker.terminate().then(() => { if (--pending === 0) console.log('done'); }), 50 + 20 * w);
    }
  `.replace('WORKLOAD_SRC', JSON.stringify(WORKLOAD)));
  t.equal(r.signal, null, `no signal (${r.stderr.slice(0, 400)})`);
  t.equal(r.status, 0);
  t.equal(r.stdout, 'done');
  t.end();
});

t.test('the process exits while async calls are in flight', (t) => {
  const r = run(`
    const koffi = require(${JSON.stringify(root)});
    const usleep = koffi.load(null).func('int usleep(unsigned int)');
    for (let i = 0; i < 32; i++) usleep.async(20000, () => {});
    setTimeout(() => { console.log('exiting'); process.exit(0); }, 5);
  `);
  t.equal(r.signal, null, `no signal (${r.stderr.slice(0, 400)})`);
  t.equal(r.status, 0);
  t.equal(r.stdout, 'exiting');
  t.end();
});
