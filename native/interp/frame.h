/* The call frame and return area of the ISA being built. Each ISA's header defines its own
 * offsets and these common names:
 *   CP_FRAME_STACK_BYTES  frame offset of the stack-argument byte count; register slots lie below
 *   CP_FRAME_STACK        frame offset of the first stack argument
 *   CP_RET_INT            return-area offset of the first integer result register
 *   CP_RET_FLOAT          return-area offset of the first floating-point result register
 * and the callback entry's frame (callback_<isa>.h):
 *   CP_CB_STACK_ARGS      where the entry saved the address of the caller's stack arguments
 *   CP_CB_RET             the return area inside the callback frame
 *   CP_CB_FRAME_SIZE      the whole frame */
#ifndef CALLPLAN_FRAME_H
#define CALLPLAN_FRAME_H

#if defined(__x86_64__)
#include "frame_x64_sysv.h"
#include "callback_x64_sysv.h"
#define CP_ISA "x64_sysv"
#elif defined(__i386__)
#include "frame_i386_sysv.h"
#include "callback_i386_sysv.h"
#define CP_ISA "i386_sysv"
#elif defined(__aarch64__)
#include "frame_arm64_aapcs.h"
#include "callback_arm64_aapcs.h"
#define CP_ISA "arm64_aapcs"
#else
#error "callplan: unsupported ISA"
#endif

/* Return areas hold up to six 8-byte registers (arm64: x0, x1, d0..d3). */
#define CP_RET_SIZE 48

#endif
