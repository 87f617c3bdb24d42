// The ABI of the running process: the one the native addon was built for.
import * as x64 from './x64_sysv.js';
import * as arm64 from './arm64_aapcs.js';
import * as ia32 from './i386_sysv.js';
import type { Abi } from './lowering.js';

const ABIS: Partial<Record<string, Abi>> = { x64, arm64, ia32 };

function current(): Abi {
  const abi = ABIS[process.arch];
  if (!abi) throw new Error(`callplan does not support the ${process.arch} architecture yet (supported: ${Object.keys(ABIS).join(', ')})`);
  return abi;
}

export const abi: Abi = current();
export { isAggregate } from './x64_sysv.js';
export type { Abi, ArgLowering, ResultLowering, Lowering } from './lowering.js';
export { packSlots } from './lowering.js';
