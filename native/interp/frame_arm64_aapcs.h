/* Frame layout for the AArch64 (AAPCS64, Linux) call stub, shared by the interpreter (C++),
 * the stub (native/asm/arm64_aapcs.S) and mirrored by src/abi/arm64_aapcs.ts (a test compares
 * them). Register slots come first, so the plan compiler's offsets below CP_FRAME_STACK_BYTES
 * name registers. */
#ifndef CALLPLAN_FRAME_ARM64_AAPCS_H
#define CALLPLAN_FRAME_ARM64_AAPCS_H

#define CP_A64_GPR_OFFSET 0           /* x0..x7: 8 x 8 bytes */
#define CP_A64_FPR_OFFSET 64          /* v0..v7, low 8 bytes each (d registers) */
#define CP_A64_X8_OFFSET 128          /* x8: address of a result returned in memory */
#define CP_A64_STACK_BYTES_OFFSET 136 /* bytes of stack arguments, a multiple of 16 */
#define CP_A64_STACK_OFFSET 144       /* first stack argument, 16-byte aligned in the frame */

/* Return area filled by the stub after the call: x0, x1, then d0..d3 (an HFA takes up to
 * four vector registers). */
#define CP_A64_RET_X0 0
#define CP_A64_RET_X1 8
#define CP_A64_RET_D0 16

#define CP_FRAME_STACK_BYTES CP_A64_STACK_BYTES_OFFSET
#define CP_FRAME_STACK CP_A64_STACK_OFFSET
#define CP_RET_INT CP_A64_RET_X0
#define CP_RET_FLOAT CP_A64_RET_D0

#endif
