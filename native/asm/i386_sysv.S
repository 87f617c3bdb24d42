/* i386 System V call stub and callback entry.
 *
 *   void cp_call_i386_sysv(void *target, uint8_t *frame, uint8_t *ret);   (cdecl)
 *
 * The frame (see native/interp/frame_i386_sysv.h) holds ecx and edx (fastcall, thiscall), the
 * size of the stack-argument block, the flags word saying whether the result comes in st(0)
 * and the stack arguments themselves. The stub copies the stack block below its own frame,
 * loads ecx and edx, calls, stores eax and edx into `ret`, and st(0) only when the callee
 * returns in it (popping an empty x87 stack would corrupt it). %esp is restored from %ebp,
 * so callees that pop their arguments (stdcall, fastcall, thiscall, and the hidden result
 * pointer that cdecl callees pop with `ret $4`) need no bookkeeping. */
#include "../interp/frame_i386_sysv.h"
#include "../interp/callback_i386_sysv.h"

    .text

    .globl cp_call_i386_sysv
    .hidden cp_call_i386_sysv
    .type cp_call_i386_sysv, @function
    .p2align 4
cp_call_i386_sysv:
    .cfi_startproc
    pushl %ebp
    .cfi_def_cfa_offset 8
    .cfi_offset %ebp, -8
    movl %esp, %ebp
    .cfi_def_cfa_register %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    .cfi_offset %ebx, -12
    .cfi_offset %esi, -16
    .cfi_offset %edi, -20
    movl 12(%ebp), %ebx             /* frame, callee-saved across the call */

    /* Reserve the stack-argument block, keeping %esp 16-byte aligned at the call. */
    movl CP_I386_STACK_BYTES_OFFSET(%ebx), %ecx
    subl %ecx, %esp
    andl $-16, %esp
    testl %ecx, %ecx
    jz 2f
    leal CP_I386_STACK_OFFSET(%ebx), %esi
    xorl %eax, %eax
1:  movl (%esi,%eax), %edx
    movl %edx, (%esp,%eax)
    addl $4, %eax
    cmpl %ecx, %eax
    jb 1b
2:
    movl 8(%ebp), %eax              /* target */
    movl CP_I386_ECX_OFFSET(%ebx), %ecx
    movl CP_I386_EDX_OFFSET(%ebx), %edx
    call *%eax

    movl 16(%ebp), %ecx             /* return area */
    movl %eax, CP_I386_RET_EAX(%ecx)
    movl %edx, CP_I386_RET_EDX(%ecx)
    movl CP_I386_FLAGS_OFFSET(%ebx), %eax
    cmpl $CP_I386_X87_FLOAT, %eax
    jne 3f
    fstps CP_I386_RET_ST0(%ecx)
    jmp 4f
3:  cmpl $CP_I386_X87_DOUBLE, %eax
    jne 4f
    fstpl CP_I386_RET_ST0(%ecx)
4:
    leal -12(%ebp), %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    .cfi_def_cfa %esp, 4
    ret
    .cfi_endproc
    .size cp_call_i386_sysv, .-cp_call_i386_sysv

/* Common callback entry. Every static trampoline (native/trampolines/i386_sysv.S) puts its
 * index in %eax and jumps here, with the C caller's arguments still in place. The entry saves
 * ecx, edx and the address of the stack arguments into a frame (see
 * native/interp/callback_i386_sysv.h), calls
 *
 *   void cp_callback_dispatch(uint32_t index, uint8_t *frame);   (cdecl, %esp 16-byte aligned)
 *
 * which runs the JS function, leaves the return registers in the frame and, from the callback
 * plan, the bytes to pop and whether the result goes in st(0). The entry loads eax and edx,
 * pushes st(0) if so, and returns popping that many bytes (stdcall, fastcall, thiscall, and the
 * hidden result pointer). */
    .globl cp_callback_entry_i386_sysv
    .hidden cp_callback_entry_i386_sysv
    .type cp_callback_entry_i386_sysv, @function
    .p2align 4
cp_callback_entry_i386_sysv:
    .cfi_startproc
    pushl %ebp
    .cfi_def_cfa_offset 8
    .cfi_offset %ebp, -8
    movl %esp, %ebp
    .cfi_def_cfa_register %ebp
    pushl %ebx
    .cfi_offset %ebx, -12
    subl $CP_I386_CB_FRAME_SIZE+16, %esp
    andl $-16, %esp
    /* 0(%esp): the dispatcher's two arguments; 16(%esp): the frame. */
    movl %ecx, 16+CP_I386_ECX_OFFSET(%esp)
    movl %edx, 16+CP_I386_EDX_OFFSET(%esp)
    leal 8(%ebp), %ecx              /* above the saved %ebp and the return address */
    movl %ecx, 16+CP_I386_CB_STACK_ARGS(%esp)
    movl $0, 16+CP_I386_CB_ABI(%esp)
    movl %eax, 0(%esp)
    leal 16(%esp), %ecx
    movl %ecx, 4(%esp)
    call 5f                         /* %ebx = the GOT, for the PLT call */
5:  popl %ebx
    addl $_GLOBAL_OFFSET_TABLE_+(.-5b), %ebx
    call cp_callback_dispatch@PLT

    movl 16+CP_I386_CB_ABI(%esp), %ecx
    movl %ecx, %eax
    shrl $16, %eax
    cmpl $CP_I386_X87_FLOAT, %eax
    jne 6f
    flds 16+CP_I386_CB_RET+CP_I386_RET_ST0(%esp)
    jmp 7f
6:  cmpl $CP_I386_X87_DOUBLE, %eax
    jne 7f
    fldl 16+CP_I386_CB_RET+CP_I386_RET_ST0(%esp)
7:  movl 16+CP_I386_CB_RET+CP_I386_RET_EAX(%esp), %eax
    movl 16+CP_I386_CB_RET+CP_I386_RET_EDX(%esp), %edx
    andl $0xffff, %ecx              /* bytes to pop */
    /* Move the return address up over the popped arguments, then return from there. */
    movl 4(%ebp), %ebx
    movl %ebx, 4(%ebp,%ecx)
    movl -4(%ebp), %ebx
    leal 4(%ebp,%ecx), %ecx
    movl (%ebp), %ebp
    movl %ecx, %esp
    .cfi_def_cfa %esp, 4
    .cfi_restore %ebp
    .cfi_restore %ebx
    ret
    .cfi_endproc
    .size cp_callback_entry_i386_sysv, .-cp_callback_entry_i386_sysv

    .section .note.GNU-stack,"",@progbits
