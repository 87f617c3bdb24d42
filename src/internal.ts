// Internals exposed for unit tests (dist/internal.cjs); not part of the public API.
export * from './parser.js';
export * as x64 from './abi/x64_sysv.js';
export * as arm64 from './abi/arm64_aapcs.js';
export * as i386 from './abi/i386_sysv.js';
export { compilePlan, PLAN_MAGIC } from './plan.js';
export { Op, OP_NAMES } from './gen/opcodes.js';
export { resolve, resolveType, types } from './types.js';
export { abi } from './abi/index.js';
