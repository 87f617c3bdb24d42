// i386 System V (Linux): cdecl, stdcall, fastcall and thiscall. Arguments go on the stack in
// 4-byte slots, except that fastcall passes the first two integral arguments of 4 bytes or less
// (left to right, skipping others) in ECX and EDX, and thiscall the first in ECX. Pure functions, unit-tested without native code.
import type { TypeObject } from '../types.js';
import type { Convention } from '../parser.js';
import { isAggregate } from './x64_sysv.js';

/** Byte offsets of the i386 call frame; the i386 stub reads the same layout. */
export const FRAME = { ecx: 0, edx: 4, stackBytes: 8, stack: 16 } as const;

export type Location =
  | { kind: 'ecx' }
  | { kind: 'edx' }
  | { kind: 'stack'; offset: number; size: number };

export type ResultLocation =
  | { kind: 'void' }
  | { kind: 'eax' }
  /** 64-bit integers in edx:eax. */
  | { kind: 'edx:eax' }
  /** float and double come back in st(0). */
  | { kind: 'st0'; size: 4 | 8 }
  /** GCC on Linux returns every struct and union through a hidden pointer (the first stack slot). */
  | { kind: 'memory' };

export interface Placement {
  args: Location[];
  stackBytes: number;
  result: ResultLocation;
  /** Bytes the callee pops on return (stdcall, fastcall, thiscall; and the hidden pointer for cdecl). */
  calleePops: number;
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

// Pointers are 4 bytes on i386 whatever the host that runs the classifier (unit tests run it
// on x86-64); every other size comes from the type registry of the target.
function sizeOf(t: TypeObject): number {
  switch (t.primitive) {
    case 'Pointer': case 'String': case 'String16': case 'String32': case 'Prototype': case 'Callback':
      return 4;
    default:
      return t.size;
  }
}

export function place(args: readonly TypeObject[], result: TypeObject, convention: Convention = 'cdecl'): Placement {
  let stack = 0;
  let res: ResultLocation;
  if (result.primitive === 'Void') res = { kind: 'void' };
  else if (isAggregate(result)) res = { kind: 'memory' };
  else if (result.primitive === 'Float32' || result.primitive === 'Float64') res = { kind: 'st0', size: result.size as 4 | 8 };
  else if (sizeOf(result) === 8) res = { kind: 'edx:eax' };
  else res = { kind: 'eax' };
  if (res.kind === 'memory') stack = 4; // the hidden result pointer comes first

  const registers: Array<'ecx' | 'edx'> = convention === 'fastcall' ? ['ecx', 'edx'] : convention === 'thiscall' ? ['ecx'] : [];
  const locations: Location[] = [];
  for (const t of args) {
    const size = sizeOf(t);
    const integral = !isAggregate(t) && t.primitive !== 'Float32' && t.primitive !== 'Float64' && size <= 4;
    if (integral && registers.length) {
      locations.push({ kind: registers.shift()! });
      continue;
    }
    locations.push({ kind: 'stack', offset: stack, size });
    stack += alignUp(Math.max(size, 1), 4);
  }
  const calleePops = convention === 'cdecl' ? (res.kind === 'memory' ? 4 : 0) : stack;
  return { args: locations, stackBytes: alignUp(stack, 16), result: res, calleePops };
}
