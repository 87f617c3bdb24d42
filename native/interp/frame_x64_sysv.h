/* Frame layout for the x86-64 System V call stub, shared by the interpreter (C++), the stub
 * (native/asm/x64_sysv.S) and mirrored by src/abi/x64_sysv.ts (a test compares them).
 * The plan compiler turns every argument placement into a byte offset in this frame. */
#ifndef CALLPLAN_FRAME_X64_SYSV_H
#define CALLPLAN_FRAME_X64_SYSV_H

#define CP_X64_GPR_OFFSET 0          /* rdi rsi rdx rcx r8 r9: 6 x 8 bytes */
#define CP_X64_SSE_OFFSET 48         /* xmm0..xmm7, low 8 bytes each */
#define CP_X64_STACK_BYTES_OFFSET 112 /* bytes of stack arguments, a multiple of 8 */
#define CP_X64_AL_OFFSET 120         /* %al for variadic callees: SSE registers used */
#define CP_X64_STACK_OFFSET 128      /* first stack argument, 16-byte aligned in the frame */

/* Return area filled by the stub after the call. */
#define CP_X64_RET_RAX 0
#define CP_X64_RET_RDX 8
#define CP_X64_RET_XMM0 16
#define CP_X64_RET_XMM1 24

/* The names the interpreter uses on every ISA (frame.h). */
#define CP_FRAME_STACK_BYTES CP_X64_STACK_BYTES_OFFSET
#define CP_FRAME_STACK CP_X64_STACK_OFFSET
#define CP_RET_INT CP_X64_RET_RAX
#define CP_RET_FLOAT CP_X64_RET_XMM0

#endif
