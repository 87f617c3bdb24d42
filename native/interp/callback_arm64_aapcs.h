/* Frame of the AArch64 callback entry (native/asm/arm64_aapcs.S), read and written by the
 * dispatcher (callback.cc). x0..x7, d0..d7 and x8 sit at their call-frame offsets
 * (frame_arm64_aapcs.h), so callback plans use call-plan offsets; stack arguments (offsets from
 * CP_A64_STACK_OFFSET on) are read through the saved pointer. */
#ifndef CALLPLAN_CALLBACK_ARM64_AAPCS_H
#define CALLPLAN_CALLBACK_ARM64_AAPCS_H

#include "frame_arm64_aapcs.h"

#define CP_A64_CB_STACK_ARGS 136  /* address of the caller's first stack argument */
#define CP_A64_CB_RET 144         /* x0, x1, d0..d3 to load on return (CP_A64_RET_* order) */
#define CP_A64_CB_FRAME_SIZE 192  /* a multiple of 16 */

#define CP_CB_STACK_ARGS CP_A64_CB_STACK_ARGS
#define CP_CB_RET CP_A64_CB_RET
#define CP_CB_FRAME_SIZE CP_A64_CB_FRAME_SIZE

#endif
