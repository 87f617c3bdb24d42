/* AArch64 (AAPCS64, Linux) call stub and callback entry.
 *
 *   void cp_call_arm64_aapcs(void *target, uint8_t *frame, uint8_t *ret);
 *
 * The frame (see native/interp/frame_arm64_aapcs.h) holds x0..x7, d0..d7, x8 (the address of
 * a result returned in memory), the size of the stack-argument block and the stack arguments.
 * The stub copies the stack block below its own frame, loads the registers, calls, and stores
 * x0, x1 and d0..d3 (every register a result can come back in) into `ret`. */
#include "../interp/frame_arm64_aapcs.h"
#include "../interp/callback_arm64_aapcs.h"

    .text

    .globl cp_call_arm64_aapcs
    .hidden cp_call_arm64_aapcs
    .type cp_call_arm64_aapcs, %function
    .p2align 4
cp_call_arm64_aapcs:
    .cfi_startproc
    stp x29, x30, [sp, #-32]!
    .cfi_def_cfa_offset 32
    .cfi_offset x29, -32
    .cfi_offset x30, -24
    mov x29, sp
    .cfi_def_cfa_register x29
    stp x19, x20, [sp, #16]
    .cfi_offset x19, -16
    .cfi_offset x20, -8
    mov x19, x1                     /* frame, callee-saved across the call */
    mov x20, x2                     /* return area */
    mov x17, x0                     /* target */

    /* Reserve the stack-argument block (a multiple of 16 bytes: sp stays aligned). */
    ldr x9, [x19, #CP_A64_STACK_BYTES_OFFSET]
    sub x10, sp, x9
    and sp, x10, #-16
    cbz x9, 2f
    add x10, x19, #CP_A64_STACK_OFFSET
    mov x11, #0
1:  ldr x12, [x10, x11]
    str x12, [sp, x11]
    add x11, x11, #8
    cmp x11, x9
    b.lo 1b
2:
    ldp d0, d1, [x19, #CP_A64_FPR_OFFSET + 0]
    ldp d2, d3, [x19, #CP_A64_FPR_OFFSET + 16]
    ldp d4, d5, [x19, #CP_A64_FPR_OFFSET + 32]
    ldp d6, d7, [x19, #CP_A64_FPR_OFFSET + 48]
    ldr x8, [x19, #CP_A64_X8_OFFSET]
    ldp x6, x7, [x19, #CP_A64_GPR_OFFSET + 48]
    ldp x4, x5, [x19, #CP_A64_GPR_OFFSET + 32]
    ldp x2, x3, [x19, #CP_A64_GPR_OFFSET + 16]
    ldp x0, x1, [x19, #CP_A64_GPR_OFFSET + 0]
    blr x17

    stp x0, x1, [x20, #CP_A64_RET_X0]
    stp d0, d1, [x20, #CP_A64_RET_D0]
    stp d2, d3, [x20, #CP_A64_RET_D0 + 16]

    mov sp, x29
    ldp x19, x20, [sp, #16]
    ldp x29, x30, [sp], #32
    .cfi_restore x19
    .cfi_restore x20
    .cfi_restore x29
    .cfi_restore x30
    .cfi_def_cfa sp, 0
    ret
    .cfi_endproc
    .size cp_call_arm64_aapcs, .-cp_call_arm64_aapcs

/* Common callback entry. Every static trampoline (native/trampolines/arm64_aapcs.S) puts its
 * index in w9 and branches here, with the C caller's arguments still in place. The entry saves
 * x0..x7, d0..d7, x8 and the address of the stack arguments into a frame (see
 * native/interp/callback_arm64_aapcs.h), calls
 *
 *   void cp_callback_dispatch(uint32_t index, uint8_t *frame);
 *
 * which runs the JS function and leaves the return registers in the frame, then loads x0, x1,
 * d0..d3 and returns to the C caller. */
    .globl cp_callback_entry_arm64_aapcs
    .hidden cp_callback_entry_arm64_aapcs
    .type cp_callback_entry_arm64_aapcs, %function
    .p2align 4
cp_callback_entry_arm64_aapcs:
    .cfi_startproc
    stp x29, x30, [sp, #-16]!
    .cfi_def_cfa_offset 16
    .cfi_offset x29, -16
    .cfi_offset x30, -8
    mov x29, sp
    .cfi_def_cfa_register x29
    sub sp, sp, #CP_A64_CB_FRAME_SIZE
    stp x0, x1, [sp, #CP_A64_GPR_OFFSET + 0]
    stp x2, x3, [sp, #CP_A64_GPR_OFFSET + 16]
    stp x4, x5, [sp, #CP_A64_GPR_OFFSET + 32]
    stp x6, x7, [sp, #CP_A64_GPR_OFFSET + 48]
    stp d0, d1, [sp, #CP_A64_FPR_OFFSET + 0]
    stp d2, d3, [sp, #CP_A64_FPR_OFFSET + 16]
    stp d4, d5, [sp, #CP_A64_FPR_OFFSET + 32]
    stp d6, d7, [sp, #CP_A64_FPR_OFFSET + 48]
    str x8, [sp, #CP_A64_X8_OFFSET]
    add x10, x29, #16               /* above the saved x29/x30: the caller's stack arguments */
    str x10, [sp, #CP_A64_CB_STACK_ARGS]
    mov w0, w9
    mov x1, sp
    bl cp_callback_dispatch
    ldp x0, x1, [sp, #CP_A64_CB_RET + CP_A64_RET_X0]
    ldp d0, d1, [sp, #CP_A64_CB_RET + CP_A64_RET_D0]
    ldp d2, d3, [sp, #CP_A64_CB_RET + CP_A64_RET_D0 + 16]
    mov sp, x29
    ldp x29, x30, [sp], #16
    .cfi_restore x29
    .cfi_restore x30
    .cfi_def_cfa sp, 0
    ret
    .cfi_endproc
    .size cp_callback_entry_arm64_aapcs, .-cp_callback_entry_arm64_aapcs

    .section .note.GNU-stack,"",%progbits
