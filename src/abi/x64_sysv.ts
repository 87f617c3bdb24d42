// x86-64 System V: where each argument goes and how the result comes back.
// Pure functions over TypeObjects, unit-tested without native code.
import type { TypeObject } from '../types.js';

/** Byte offsets of the call frame; mirror native/interp/frame_x64_sysv.h (a test compares them). */
export const FRAME = { gpr: 0, sse: 48, stackBytes: 112, al: 120, stack: 128 } as const;
export const GPR_COUNT = 6;
export const SSE_COUNT = 8;

export type ArgClass = 'INTEGER' | 'SSE';

export type Location =
  | { kind: 'gpr'; index: number }
  | { kind: 'sse'; index: number }
  | { kind: 'stack'; offset: number };

export interface Placement {
  args: Location[];
  /** Bytes of stack arguments, a multiple of 8. */
  stackBytes: number;
  /** SSE registers used, the value of %al for variadic callees. */
  sseUsed: number;
  result: 'void' | 'rax' | 'xmm0';
}

export function classifyScalar(t: TypeObject): ArgClass {
  switch (t.primitive) {
    case 'Float32':
    case 'Float64':
      return 'SSE';
    case 'Void':
    case 'Record':
    case 'Union':
    case 'Array':
      throw new TypeError(`Type '${t.name}' cannot be passed as a scalar`);
    default:
      return 'INTEGER';
  }
}

export function place(args: readonly TypeObject[], result: TypeObject): Placement {
  let gpr = 0;
  let sse = 0;
  let stack = 0;
  const locations: Location[] = [];
  for (const t of args) {
    const cls = classifyScalar(t);
    if (cls === 'INTEGER' && gpr < GPR_COUNT) {
      locations.push({ kind: 'gpr', index: gpr++ });
    } else if (cls === 'SSE' && sse < SSE_COUNT) {
      locations.push({ kind: 'sse', index: sse++ });
    } else {
      // Every scalar takes one eightbyte of stack, in argument order.
      locations.push({ kind: 'stack', offset: stack });
      stack += 8;
    }
  }
  const resultLoc = result.primitive === 'Void' ? 'void' : classifyScalar(result) === 'SSE' ? 'xmm0' : 'rax';
  return { args: locations, stackBytes: stack, sseUsed: sse, result: resultLoc };
}

export function frameOffset(loc: Location): number {
  switch (loc.kind) {
    case 'gpr': return FRAME.gpr + 8 * loc.index;
    case 'sse': return FRAME.sse + 8 * loc.index;
    case 'stack': return FRAME.stack + loc.offset;
  }
}
