// What the plan compiler needs from an ABI: every argument and the result reduced to byte
// offsets in the ISA's call frame and return area. Each ISA's module in src/abi/ classifies
// and places; plan.ts and callback.ts turn a Lowering into instructions the same way for all.
import type { TypeObject } from '../types.js';
import type { Convention } from '../parser.js';

export type ArgLowering =
  /** A scalar, or an aggregate stored as it is (stack, or consecutive register slots). */
  | { kind: 'slot'; offset: number }
  /** An aggregate split into register pieces of `piece` bytes; null: padding, no register. */
  | { kind: 'pieces'; piece: 4 | 8; slots: Array<number | null> }
  /** An aggregate passed by reference: the address of a copy goes in the slot at `offset`. */
  | { kind: 'ref'; offset: number };

export type ResultLowering =
  | { kind: 'void' }
  | { kind: 'int' }
  | { kind: 'float' }
  /** An aggregate in registers: the return-area offset of each piece (null: padding, moved to `spare`). */
  | { kind: 'pieces'; piece: 4 | 8; slots: Array<number | null>; spare: number }
  /** An aggregate in memory: the caller's hidden pointer travels in the frame slot at `offset`. */
  | { kind: 'memory'; offset: number };

export interface Lowering {
  args: ArgLowering[];
  result: ResultLowering;
  /** Bytes of stack arguments, the CALL instruction's dst. */
  stackBytes: number;
  /** The CALL instruction's arg and aux operands (ISA-specific stub choices). */
  callArg: number;
  callAux: number;
  /** Word 2 of the callback plan's header, read by the ISA's callback entry (i386: bytes to pop, x87 result); 0 if absent. */
  callbackWord?: number;
}

export interface Abi {
  /** The addon's name for the ISA (layout.isa). */
  ISA: string;
  /** Frame offsets; `stack` is where stack arguments start, scratch space follows them. */
  FRAME: { readonly stack: number };
  /** Return-area offsets of the first integer and floating-point result registers. */
  RET: { int: number; float: number };
  /** `convention` matters on i386 only; the other ISAs have one convention and ignore it. */
  lower(args: readonly TypeObject[], result: TypeObject, variadic: boolean, convention?: Convention): Lowering;
  /** Bytes an 8-byte argument store may write past the stack block (i386: 4-byte slots). */
  frameSlack?: number;
}

/**
 * The operand of RET_AGG, CB_RET_AGG and CB_ARG_AGG: the offset of each piece's register
 * slot, 8 bits each. A padding piece gets `spare`, a slot where its bytes harm nothing.
 */
export function packSlots(slots: ReadonlyArray<number | null>, spare: number): number {
  let packed = 0;
  slots.forEach((s, k) => {
    const offset = s ?? spare;
    if (offset < 0 || offset > 0xff) throw new Error(`internal: register slot offset ${offset} out of range`);
    packed |= offset << (8 * k);
  });
  return packed >>> 0;
}
