// Frame access and the call itself, shared by the synchronous and the asynchronous loops.
#pragma once

#include "frame_x64_sysv.h"
#include "runtime.h"

#include <cstring>

extern "C" {
void cp_call_x64_sysv(void *target, uint8_t *frame, uint8_t *ret);
void cp_call_x64_sysv_gpr(void *target, uint8_t *frame, uint8_t *ret);
}

namespace callplan {

template <typename T>
inline void Store(uint8_t *frame, uint32_t dst, T value) {
  memcpy(frame + dst, &value, sizeof(T));
}

template <typename T>
inline T Load(const uint8_t *p) {
  T value;
  memcpy(&value, p, sizeof(T));
  return value;
}

// Runs the CALL instruction: dst = stack bytes, arg = %al, aux = 1 for the stub without SSE.
inline void CallTarget(void *target, const Inst *ip, uint8_t *frame, uint8_t *ret) {
  Store<uint64_t>(frame, CP_X64_STACK_BYTES_OFFSET, ip->dst);
  Store<uint64_t>(frame, CP_X64_AL_OFFSET, ip->arg);
  if (ip->aux)
    cp_call_x64_sysv_gpr(target, frame, ret);
  else
    cp_call_x64_sysv(target, frame, ret);
}

}  // namespace callplan
