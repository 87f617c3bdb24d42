/* Frame of the i386 System V callback entry (native/asm/i386_sysv.S), read and written by the
 * dispatcher (callback.cc). ecx and edx sit at the same offsets as in the call frame
 * (frame_i386_sysv.h); stack arguments (offsets from CP_I386_STACK_OFFSET on) are read through
 * the saved pointer. */
#ifndef CALLPLAN_CALLBACK_I386_SYSV_H
#define CALLPLAN_CALLBACK_I386_SYSV_H

#include "frame_i386_sysv.h"

#define CP_I386_CB_STACK_ARGS 24 /* address of the caller's first stack argument */
#define CP_I386_CB_ABI 28        /* from the callback plan: bytes to pop on return (bits 0-15), CP_I386_X87_* (bits 16-17) */
#define CP_I386_CB_RET 32        /* eax, edx, st(0) to load on return (CP_I386_RET_* order) */
#define CP_I386_CB_FRAME_SIZE 80 /* a multiple of 16 */

#define CP_CB_STACK_ARGS CP_I386_CB_STACK_ARGS
#define CP_CB_RET CP_I386_CB_RET
#define CP_CB_FRAME_SIZE CP_I386_CB_FRAME_SIZE

#endif
