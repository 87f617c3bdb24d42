// Builds the TypeScript side: regenerates the opcode table from native/interp/ops.def,
// bundles src/ into CommonJS + an ESM wrapper, bundles the internals used by unit tests,
// and emits declarations with tsc. Run after the native addon is built (npm install does both).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOpcodes } from './gen-opcodes.mjs';
import { buildTestLibs } from './build-testlib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
generateOpcodes(root);
mkdirSync('dist', { recursive: true });

const RESERVED = new Set(['in', 'default', 'function', 'class', 'delete', 'new', 'var', 'let', 'const']);
const common = { bundle: true, platform: 'node', target: 'node18', sourcemap: false, logLevel: 'warning' };
await build({ ...common, entryPoints: ['src/index.ts'], format: 'cjs', outfile: 'dist/index.cjs' });
await build({ ...common, entryPoints: ['src/internal.ts'], format: 'cjs', outfile: 'dist/internal.cjs' });

// The ESM entry re-exports the CommonJS bundle so both module systems share one native state.
const probe = await build({ ...common, entryPoints: ['src/index.ts'], format: 'esm', write: false, metafile: true, outdir: 'dist/.probe' });
const names = Object.values(probe.metafile.outputs).flatMap((o) => o.exports ?? []).filter((n) => n !== 'default');
// Reserved words ('in') cannot be bindings: export them under an alias.
const plain = names.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && !RESERVED.has(n));
const aliased = names.filter((n) => !plain.includes(n));
writeFileSync('dist/index.mjs', [
  `import koffi from './index.cjs';`,
  `export default koffi;`,
  `export const { ${plain.join(', ')} } = koffi;`,
  ...aliased.map((n, i) => `const alias${i} = koffi[${JSON.stringify(n)}];\nexport { alias${i} as ${n} };`),
  '',
].join('\n'));

// The C test libraries exist only in a source checkout (they are not published).
if (existsSync(join(root, 'test', 'lib'))) buildTestLibs(root, { quiet: true });

if (!process.argv.includes('--no-types')) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (existsSync(tsc)) {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
    writeFileSync('dist/index.d.ts', "import koffi from './types/index.js';\nexport * from './types/index.js';\nexport default koffi;\n");
  }
}
