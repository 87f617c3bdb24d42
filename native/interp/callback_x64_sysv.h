/* Frame of the x86-64 System V callback entry (native/asm/x64_sysv.S), read and written by
 * the dispatcher (callback.cc). The argument registers sit at the same offsets as in the call
 * frame (frame_x64_sysv.h), so callback plans use the same frame offsets as call plans; stack
 * arguments (offsets from CP_X64_STACK_OFFSET on) are read through the saved pointer. */
#ifndef CALLPLAN_CALLBACK_X64_SYSV_H
#define CALLPLAN_CALLBACK_X64_SYSV_H

#include "frame_x64_sysv.h"

#define CP_X64_CB_STACK_ARGS 112  /* address of the caller's first stack argument */
#define CP_X64_CB_RET 128         /* rax, rdx, xmm0, xmm1 to load on return (CP_X64_RET_* order) */
#define CP_X64_CB_FRAME_SIZE 176  /* a multiple of 16: %rsp stays aligned for the dispatcher call */

#define CP_CB_STACK_ARGS CP_X64_CB_STACK_ARGS
#define CP_CB_RET CP_X64_CB_RET
#define CP_CB_FRAME_SIZE CP_X64_CB_FRAME_SIZE

#endif
