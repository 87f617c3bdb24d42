/* Frame layout for the i386 System V call stub (native/asm/i386_sysv.S), shared by the
 * interpreter (C++) and mirrored by src/abi/i386_sysv.ts (FRAME, RET, X87).
 * Every argument goes on the stack in 4-byte slots, except fastcall/thiscall register
 * arguments (ecx, edx). The register slots are 8 bytes apart, as argument ops store 8 bytes. */
#ifndef CALLPLAN_FRAME_I386_SYSV_H
#define CALLPLAN_FRAME_I386_SYSV_H

#define CP_I386_ECX_OFFSET 0
#define CP_I386_EDX_OFFSET 8
#define CP_I386_STACK_BYTES_OFFSET 16 /* bytes of stack arguments, a multiple of 16 */
#define CP_I386_FLAGS_OFFSET 20       /* the result in st(0): CP_I386_X87_* */
#define CP_I386_STACK_OFFSET 32       /* first stack argument, 16-byte aligned in the frame */

/* How st(0) holds the result: the stub pops it only when the callee pushed it. */
#define CP_I386_X87_NONE 0
#define CP_I386_X87_FLOAT 1  /* stored with fstps: a float at CP_I386_RET_ST0 */
#define CP_I386_X87_DOUBLE 2 /* stored with fstpl: a double */

/* Return area filled by the stub after the call. */
#define CP_I386_RET_EAX 0
#define CP_I386_RET_EDX 4 /* high half of 64-bit results */
#define CP_I386_RET_ST0 8

#define CP_FRAME_STACK_BYTES CP_I386_STACK_BYTES_OFFSET
#define CP_FRAME_STACK CP_I386_STACK_OFFSET
#define CP_RET_INT CP_I386_RET_EAX
#define CP_RET_FLOAT CP_I386_RET_ST0

#endif
