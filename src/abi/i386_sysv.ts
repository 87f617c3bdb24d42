// i386 System V (Linux): cdecl, stdcall, fastcall and thiscall. Arguments go on the stack in
// 4-byte slots, except that fastcall passes up to two integral arguments of 4 bytes or less in
// ECX and EDX, and thiscall one in ECX (GCC's rules: see place()). Pure functions, unit-tested without native code.
import type { TypeObject } from '../types.js';
import type { Convention } from '../parser.js';
import { isAggregate } from './x64_sysv.js';
import type { ArgLowering, Lowering, ResultLowering } from './lowering.js';

/**
 * Byte offsets of the i386 call frame; mirror native/interp/frame_i386_sysv.h. The register
 * slots are 8 bytes apart as on the other ISAs (argument ops store 8 bytes; callback plans
 * address register slots at multiples of 8); `flags` tells the stub how to take the result.
 */
export const FRAME = { ecx: 0, edx: 8, stackBytes: 16, flags: 20, stack: 32 } as const;
/** Return-area offsets: eax, then edx (the high half of 64-bit results), then st(0) stored as the result's own width. */
export const RET = { int: 0, edx: 4, float: 8 } as const;
/** Values of the call frame's flags word (the CALL instruction's aux): how st(0) holds the result. */
export const X87 = { none: 0, float: 1, double: 2 } as const;
export const ISA = 'i386_sysv';
/** Argument ops store 8 bytes even into a 4-byte stack slot: the frame keeps room past the last one. */
export const frameSlack = 4;

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
  /** Where the hidden result pointer goes (result in memory): ecx for fastcall and thiscall. */
  hiddenPointer: Location | null;
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

  // As GCC does (i386.cc, function_arg_32 and function_arg_advance_32): every argument that
  // is not floating-point takes as many of the remaining registers as it has 4-byte words, but
  // only integral scalars of 4 bytes or less are actually passed in them; a 64-bit integer or
  // an aggregate goes on the stack and uses up the registers it would have taken.
  const registers: Array<'ecx' | 'edx'> = convention === 'fastcall' ? ['ecx', 'edx'] : convention === 'thiscall' ? ['ecx'] : [];
  let regno = 0;
  let hiddenPointer: Location | null = null;
  // The hidden result pointer is the first integral argument: on the stack, or in ecx for
  // fastcall and thiscall (GCC; with thiscall, `this` then goes on the stack). The callee
  // returns it in eax and pops it only when it was on the stack.
  if (res.kind === 'memory') {
    if (registers.length) hiddenPointer = { kind: registers[regno++] };
    else {
      hiddenPointer = { kind: 'stack', offset: 0, size: 4 };
      stack = 4;
    }
  }
  const locations: Location[] = [];
  for (const t of args) {
    const size = sizeOf(t);
    const float = t.primitive === 'Float32' || t.primitive === 'Float64';
    if (!float && regno < registers.length) {
      const words = Math.ceil(size / 4);
      if (!isAggregate(t) && size <= 4) {
        locations.push({ kind: registers[regno++] });
        continue;
      }
      regno = Math.min(registers.length, regno + words);
    }
    locations.push({ kind: 'stack', offset: stack, size });
    stack += alignUp(Math.max(size, 1), 4);
  }
  const calleePops = convention === 'cdecl' ? (res.kind === 'memory' ? 4 : 0) : stack;
  return { args: locations, stackBytes: alignUp(stack, 16), result: res, calleePops, hiddenPointer };
}

/**
 * The Lowering of a signature under a calling convention. The CALL instruction's aux is the
 * X87 kind of the result (the stub pops st(0) only when the callee pushed it, or the x87 stack
 * would be corrupted). The callback word (callback plans' header word 2) tells the callback
 * entry the bytes it pops on return (bits 0-15) and the X87 kind of the result (bits 16-17).
 */
export function lower(args: readonly TypeObject[], result: TypeObject, variadic: boolean, convention: Convention = 'cdecl'): Lowering {
  if (variadic && convention !== 'cdecl')
    throw new Error(`Variadic functions must use the cdecl calling convention on i386, not ${convention}: the callee cannot pop a variable number of arguments`);
  const p = place(args, result, convention);
  const lowered: ArgLowering[] = p.args.map((loc) =>
    ({ kind: 'slot', offset: loc.kind === 'ecx' ? FRAME.ecx : loc.kind === 'edx' ? FRAME.edx : FRAME.stack + loc.offset }));
  let res: ResultLowering;
  let x87: number = X87.none;
  switch (p.result.kind) {
    case 'void': res = { kind: 'void' }; break;
    case 'eax': case 'edx:eax': res = { kind: 'int' }; break;
    case 'st0': res = { kind: 'float' }; x87 = p.result.size === 4 ? X87.float : X87.double; break;
    case 'memory': {
      const h = p.hiddenPointer!;
      res = { kind: 'memory', offset: h.kind === 'ecx' ? FRAME.ecx : h.kind === 'edx' ? FRAME.edx : FRAME.stack + h.offset };
      break;
    }
  }
  if (p.calleePops > 0xffff) throw new Error(`Too many argument bytes (${p.calleePops}) for an i386 ${convention} function`);
  return { args: lowered, result: res, stackBytes: p.stackBytes, callArg: 0, callAux: x87, callbackWord: p.calleePops | (x87 << 16) };
}
