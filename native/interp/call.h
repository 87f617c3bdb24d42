// Frame access and the call itself, shared by the synchronous and the asynchronous loops.
#pragma once

#include "frame.h"
#include "runtime.h"

#include <cstring>

extern "C" {
#if defined(__x86_64__)
void cp_call_x64_sysv(void *target, uint8_t *frame, uint8_t *ret);
void cp_call_x64_sysv_gpr(void *target, uint8_t *frame, uint8_t *ret);
#elif defined(__i386__)
void cp_call_i386_sysv(void *target, uint8_t *frame, uint8_t *ret);
#elif defined(__aarch64__)
void cp_call_arm64_aapcs(void *target, uint8_t *frame, uint8_t *ret);
#endif
}

namespace callplan {

template <typename T>
inline void Store(uint8_t *frame, uint32_t dst, T value) {
  memcpy(frame + dst, &value, sizeof(T));
}

template <typename T>
inline void Store(uint8_t *p, T value) {
  memcpy(p, &value, sizeof(T));
}

template <typename T>
inline T Load(const uint8_t *p) {
  T value;
  memcpy(&value, p, sizeof(T));
  return value;
}

// An aggregate in registers travels as up to four pieces of `piece` bytes (x86-64: eightbytes;
// arm64: also the 4- or 8-byte members of a homogeneous float aggregate, one per register).
// `slots` holds the byte offset of each piece's register slot, 8 bits each.
inline void GatherPieces(uint8_t *bytes, const uint8_t *regs, uint32_t slots, uint32_t piece, uint32_t size) {
  for (uint32_t k = 0; k * piece < size; k++) memcpy(bytes + k * piece, regs + ((slots >> (8 * k)) & 0xFF), piece);
}

inline void ScatterPieces(uint8_t *regs, const uint8_t *bytes, uint32_t slots, uint32_t piece, uint32_t size) {
  for (uint32_t k = 0; k * piece < size; k++) memcpy(regs + ((slots >> (8 * k)) & 0xFF), bytes + k * piece, piece);
}

// Whether pieces so described stay inside a register area of `area` bytes.
inline bool PiecesFit(uint32_t slots, uint32_t piece, uint32_t size, uint32_t area) {
  if ((piece != 4 && piece != 8) || size == 0 || size > 4 * piece) return false;
  for (uint32_t k = 0; k * piece < size; k++)
    if (((slots >> (8 * k)) & 0xFF) + piece > area) return false;
  return true;
}

// Runs the CALL instruction: dst = stack bytes; on x86-64 arg = %al, aux = 1 for the stub
// that loads no SSE registers; on i386 aux = how st(0) holds the result (CP_I386_X87_*).
inline void CallTarget(void *target, const Inst *ip, uint8_t *frame, uint8_t *ret) {
#if defined(__i386__)
  Store<uint32_t>(frame, CP_FRAME_STACK_BYTES, ip->dst);
  Store<uint32_t>(frame, CP_I386_FLAGS_OFFSET, ip->aux);
  cp_call_i386_sysv(target, frame, ret);
  return;
#else
  Store<uint64_t>(frame, CP_FRAME_STACK_BYTES, ip->dst);
#endif
#if defined(__x86_64__)
  Store<uint64_t>(frame, CP_X64_AL_OFFSET, ip->arg);
  if (ip->aux)
    cp_call_x64_sysv_gpr(target, frame, ret);
  else
    cp_call_x64_sysv(target, frame, ret);
#elif defined(__aarch64__)
  cp_call_arm64_aapcs(target, frame, ret);
#endif
}

}  // namespace callplan
