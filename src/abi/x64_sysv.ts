// x86-64 System V: where each argument goes and how the result comes back.
// Pure functions over TypeObjects, unit-tested without native code.
import type { TypeObject } from '../types.js';
import type { ArgLowering, Lowering, ResultLowering } from './lowering.js';

/** Byte offsets of the call frame; mirror native/interp/frame_x64_sysv.h (a test compares them). */
export const FRAME = { gpr: 0, sse: 48, stackBytes: 112, al: 120, stack: 128 } as const;
export const GPR_COUNT = 6;
export const SSE_COUNT = 8;

export type ArgClass = 'INTEGER' | 'SSE';
/** NONE: an eightbyte of padding only (possible with explicit alignment); it takes no register. */
export type EightbyteClass = ArgClass | 'NONE';

export type RegLocation = { kind: 'gpr'; index: number } | { kind: 'sse'; index: number };

export type Location =
  | RegLocation
  | { kind: 'stack'; offset: number }
  /** An aggregate split into eightbytes, each in its own register (null: padding, no register). */
  | { kind: 'regs'; eightbytes: Array<RegLocation | null> };

export type ResultLocation =
  | { kind: 'void' }
  | { kind: 'rax' }
  | { kind: 'xmm0' }
  /** Aggregate in registers: the source of each eightbyte (null: padding). */
  | { kind: 'regs'; sources: Array<'rax' | 'rdx' | 'xmm0' | 'xmm1' | null> }
  /** Aggregate in memory: the caller passes its address in rdi, the callee returns it in rax. */
  | { kind: 'memory' };

export interface Placement {
  args: Location[];
  /** Bytes of stack arguments, a multiple of 8. */
  stackBytes: number;
  /** SSE registers used, the value of %al for variadic callees. */
  sseUsed: number;
  result: ResultLocation;
}

export function isAggregate(t: TypeObject): boolean {
  return t.primitive === 'Record' || t.primitive === 'Union' || t.primitive === 'Array';
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

interface Field { offset: number; size: number; alignment: number; cls: ArgClass }

// Every scalar of an aggregate at its byte offset; union members overlap at the same offset.
function flatten(t: TypeObject, base: number, out: Field[]): void {
  if (t.primitive === 'Record' || t.primitive === 'Union') {
    for (const m of Object.values(t.members ?? {}) as Array<{ type: TypeObject; offset: number }>)
      flatten(m.type, base + m.offset, out);
  } else if (t.primitive === 'Array') {
    const ref = t.ref!;
    for (let i = 0; i < (t.length ?? 0); i++) flatten(ref, base + i * ref.size, out);
  } else {
    out.push({ offset: base, size: t.size, alignment: t.alignment, cls: classifyScalar(t) });
  }
}

/**
 * The eightbyte classes of an aggregate, or null when it goes in memory: larger than 16 bytes,
 * or with a member that is not at its natural alignment (packed structs), which makes the
 * whole aggregate MEMORY even when it is small.
 */
export function classifyAggregate(t: TypeObject): EightbyteClass[] | null {
  if (t.size > 16 || t.size === 0) return null;
  const fields: Field[] = [];
  flatten(t, 0, fields);
  const classes: Array<ArgClass | null> = new Array(Math.ceil(t.size / 8)).fill(null);
  for (const f of fields) {
    if (f.offset % f.alignment !== 0) return null;
    const first = Math.floor(f.offset / 8);
    const last = Math.floor((f.offset + f.size - 1) / 8);
    for (let i = first; i <= last; i++) classes[i] = classes[i] === 'INTEGER' || f.cls === 'INTEGER' ? 'INTEGER' : 'SSE';
  }
  return classes.map((c) => c ?? 'NONE');
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

export function place(args: readonly TypeObject[], result: TypeObject): Placement {
  let gpr = 0;
  let sse = 0;
  let stack = 0;
  let resultLoc: ResultLocation;
  if (result.primitive === 'Void') {
    resultLoc = { kind: 'void' };
  } else if (isAggregate(result)) {
    const classes = classifyAggregate(result);
    if (classes === null) {
      resultLoc = { kind: 'memory' };
      gpr = 1; // the hidden pointer takes rdi
    } else {
      const ints: Array<'rax' | 'rdx'> = ['rax', 'rdx'];
      const sses: Array<'xmm0' | 'xmm1'> = ['xmm0', 'xmm1'];
      resultLoc = { kind: 'regs', sources: classes.map((c) => (c === 'NONE' ? null : c === 'INTEGER' ? ints.shift()! : sses.shift()!)) };
    }
  } else {
    resultLoc = classifyScalar(result) === 'SSE' ? { kind: 'xmm0' } : { kind: 'rax' };
  }

  const locations: Location[] = [];
  for (const t of args) {
    if (isAggregate(t)) {
      const classes = classifyAggregate(t);
      if (classes !== null) {
        const needInt = classes.filter((c) => c === 'INTEGER').length;
        const needSse = classes.filter((c) => c === 'SSE').length;
        // Only if every eightbyte fits; otherwise the whole aggregate goes to the stack.
        if (gpr + needInt <= GPR_COUNT && sse + needSse <= SSE_COUNT) {
          locations.push({
            kind: 'regs',
            eightbytes: classes.map((c): RegLocation | null =>
              c === 'NONE' ? null : c === 'INTEGER' ? { kind: 'gpr', index: gpr++ } : { kind: 'sse', index: sse++ }),
          });
          continue;
        }
      }
      stack = alignUp(stack, Math.max(8, t.alignment));
      locations.push({ kind: 'stack', offset: stack });
      stack += alignUp(t.size, 8);
      continue;
    }
    const cls = classifyScalar(t);
    if (cls === 'INTEGER' && gpr < GPR_COUNT) {
      locations.push({ kind: 'gpr', index: gpr++ });
    } else if (cls === 'SSE' && sse < SSE_COUNT) {
      locations.push({ kind: 'sse', index: sse++ });
    } else {
      locations.push({ kind: 'stack', offset: stack });
      stack += 8;
    }
  }
  return { args: locations, stackBytes: alignUp(stack, 8), sseUsed: sse, result: resultLoc };
}

export function frameOffset(loc: RegLocation | { kind: 'stack'; offset: number }): number {
  switch (loc.kind) {
    case 'gpr': return FRAME.gpr + 8 * loc.index;
    case 'sse': return FRAME.sse + 8 * loc.index;
    case 'stack': return FRAME.stack + loc.offset;
  }
}

/** Return-area offsets, as the x86-64 stub stores the registers (frame_x64_sysv.h). */
export const RET = { int: 0, float: 16 } as const;
const RET_OFFSETS = { rax: 0, rdx: 8, xmm0: 16, xmm1: 24 } as const;
type Source = keyof typeof RET_OFFSETS;

/** A return register no eightbyte uses: a padding eightbyte is moved there, clobbering nothing. */
function spareResult(sources: ReadonlyArray<Source | null>): number {
  return RET_OFFSETS[(['rdx', 'xmm1', 'rax', 'xmm0'] as Source[]).find((r) => !sources.includes(r))!];
}

export const ISA = 'x64_sysv';

export function lower(args: readonly TypeObject[], result: TypeObject, variadic: boolean): Lowering {
  const p = place(args, result);
  const lowered: ArgLowering[] = p.args.map((loc) =>
    loc.kind === 'regs'
      ? { kind: 'pieces', piece: 8, slots: loc.eightbytes.map((r) => (r ? frameOffset(r) : null)) }
      : { kind: 'slot', offset: frameOffset(loc) });
  let res: ResultLowering;
  const r = p.result;
  switch (r.kind) {
    case 'void': res = { kind: 'void' }; break;
    case 'rax': res = { kind: 'int' }; break;
    case 'xmm0': res = { kind: 'float' }; break;
    case 'memory': res = { kind: 'memory', offset: frameOffset({ kind: 'gpr', index: 0 }) }; break;
    case 'regs': res = { kind: 'pieces', piece: 8, slots: r.sources.map((s) => (s ? RET_OFFSETS[s] : null)), spare: spareResult(r.sources) }; break;
  }
  // Plans that pass nothing in SSE registers and are not variadic use the stub that skips them.
  const gprOnly = p.sseUsed === 0 && !variadic;
  return { args: lowered, result: res, stackBytes: p.stackBytes, callArg: p.sseUsed, callAux: gprOnly ? 1 : 0 };
}
