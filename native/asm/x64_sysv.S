/* x86-64 System V call stubs.
 *
 *   void cp_call_x64_sysv(void *target, uint8_t *frame, uint8_t *ret);
 *   void cp_call_x64_sysv_gpr(void *target, uint8_t *frame, uint8_t *ret);
 *
 * The frame (see native/interp/frame_x64_sysv.h) holds the six integer argument registers,
 * the eight SSE argument registers, the size of the stack-argument block, the value for %al
 * and the stack arguments themselves. The stub copies the stack block below its own frame,
 * loads the registers, calls, and stores rax/rdx/xmm0/xmm1 into `ret`. The _gpr variant is
 * used by plans that pass nothing in SSE registers and are not variadic. */
#include "../interp/frame_x64_sysv.h"

    .text

.macro CALL_STUB name, load_sse
    .globl \name
    .hidden \name
    .type \name, @function
    .p2align 4
\name:
    .cfi_startproc
    pushq %rbp
    .cfi_def_cfa_offset 16
    .cfi_offset %rbp, -16
    movq %rsp, %rbp
    .cfi_def_cfa_register %rbp
    pushq %rbx
    pushq %r12
    .cfi_offset %rbx, -24
    .cfi_offset %r12, -32
    movq %rsi, %rbx                 /* frame, callee-saved across the call */
    movq %rdx, %r12                 /* return area */
    movq %rdi, %r11                 /* target */

    /* Reserve the stack-argument block, keeping %rsp 16-byte aligned at the call. */
    movq CP_X64_STACK_BYTES_OFFSET(%rbx), %rcx
    subq %rcx, %rsp
    andq $-16, %rsp
    testq %rcx, %rcx
    jz 2f
    leaq CP_X64_STACK_OFFSET(%rbx), %rsi
    xorl %eax, %eax
1:  movq (%rsi,%rax), %rdx
    movq %rdx, (%rsp,%rax)
    addq $8, %rax
    cmpq %rcx, %rax
    jb 1b
2:
.if \load_sse
    movq CP_X64_SSE_OFFSET+0(%rbx), %xmm0
    movq CP_X64_SSE_OFFSET+8(%rbx), %xmm1
    movq CP_X64_SSE_OFFSET+16(%rbx), %xmm2
    movq CP_X64_SSE_OFFSET+24(%rbx), %xmm3
    movq CP_X64_SSE_OFFSET+32(%rbx), %xmm4
    movq CP_X64_SSE_OFFSET+40(%rbx), %xmm5
    movq CP_X64_SSE_OFFSET+48(%rbx), %xmm6
    movq CP_X64_SSE_OFFSET+56(%rbx), %xmm7
    movq CP_X64_AL_OFFSET(%rbx), %rax
.endif
    movq CP_X64_GPR_OFFSET+0(%rbx), %rdi
    movq CP_X64_GPR_OFFSET+8(%rbx), %rsi
    movq CP_X64_GPR_OFFSET+16(%rbx), %rdx
    movq CP_X64_GPR_OFFSET+24(%rbx), %rcx
    movq CP_X64_GPR_OFFSET+32(%rbx), %r8
    movq CP_X64_GPR_OFFSET+40(%rbx), %r9
    callq *%r11

    movq %rax, CP_X64_RET_RAX(%r12)
    movq %rdx, CP_X64_RET_RDX(%r12)
    movq %xmm0, CP_X64_RET_XMM0(%r12)
    movq %xmm1, CP_X64_RET_XMM1(%r12)

    leaq -16(%rbp), %rsp
    popq %r12
    popq %rbx
    popq %rbp
    .cfi_def_cfa %rsp, 8
    ret
    .cfi_endproc
    .size \name, .-\name
.endm

    CALL_STUB cp_call_x64_sysv, 1
    CALL_STUB cp_call_x64_sysv_gpr, 0

/* Common callback entry. Every static trampoline (native/trampolines/x64_sysv.S) puts its
 * index in %r11d and jumps here, with the C caller's arguments still in place. The entry saves
 * the argument registers and the address of the stack arguments into a frame (see
 * native/interp/callback_x64_sysv.h), calls
 *
 *   void cp_callback_dispatch(uint32_t index, uint8_t *frame);
 *
 * which runs the JS function and leaves the return registers in the frame, then loads them
 * and returns to the C caller. */
#include "../interp/callback_x64_sysv.h"

    .globl cp_callback_entry_x64_sysv
    .hidden cp_callback_entry_x64_sysv
    .type cp_callback_entry_x64_sysv, @function
    .p2align 4
cp_callback_entry_x64_sysv:
    .cfi_startproc
    pushq %rbp
    .cfi_def_cfa_offset 16
    .cfi_offset %rbp, -16
    movq %rsp, %rbp
    .cfi_def_cfa_register %rbp
    subq $CP_X64_CB_FRAME_SIZE, %rsp
    movq %rdi, CP_X64_GPR_OFFSET+0(%rsp)
    movq %rsi, CP_X64_GPR_OFFSET+8(%rsp)
    movq %rdx, CP_X64_GPR_OFFSET+16(%rsp)
    movq %rcx, CP_X64_GPR_OFFSET+24(%rsp)
    movq %r8, CP_X64_GPR_OFFSET+32(%rsp)
    movq %r9, CP_X64_GPR_OFFSET+40(%rsp)
    movq %xmm0, CP_X64_SSE_OFFSET+0(%rsp)
    movq %xmm1, CP_X64_SSE_OFFSET+8(%rsp)
    movq %xmm2, CP_X64_SSE_OFFSET+16(%rsp)
    movq %xmm3, CP_X64_SSE_OFFSET+24(%rsp)
    movq %xmm4, CP_X64_SSE_OFFSET+32(%rsp)
    movq %xmm5, CP_X64_SSE_OFFSET+40(%rsp)
    movq %xmm6, CP_X64_SSE_OFFSET+48(%rsp)
    movq %xmm7, CP_X64_SSE_OFFSET+56(%rsp)
    leaq 16(%rbp), %rax             /* above the saved %rbp and the return address */
    movq %rax, CP_X64_CB_STACK_ARGS(%rsp)
    movl %r11d, %edi
    movq %rsp, %rsi
    callq cp_callback_dispatch@PLT
    movq CP_X64_CB_RET+CP_X64_RET_RAX(%rsp), %rax
    movq CP_X64_CB_RET+CP_X64_RET_RDX(%rsp), %rdx
    movq CP_X64_CB_RET+CP_X64_RET_XMM0(%rsp), %xmm0
    movq CP_X64_CB_RET+CP_X64_RET_XMM1(%rsp), %xmm1
    leave
    .cfi_def_cfa %rsp, 8
    ret
    .cfi_endproc
    .size cp_callback_entry_x64_sysv, .-cp_callback_entry_x64_sysv

    .section .note.GNU-stack,"",@progbits
