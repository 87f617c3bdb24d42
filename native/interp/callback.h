// Callbacks: JS functions called from C through static trampolines.
//
// Every trampoline (native/trampolines/) loads its index and enters the common entry in
// native/asm/<isa>.S, which saves the argument registers and calls cp_callback_dispatch().
// A trampoline slot binds a JS function to a callback plan (the CB_* ops): registered slots
// live until unregister(), transient ones until the native call they were passed to returns.
// Calls from other threads are queued to the JS thread of the slot's environment.
#pragma once

#include "runtime.h"
#include "v8compat.h"

namespace callplan {

struct CallPlan;

// Bits of Runtime::attention.
constexpr uint32_t kAttentionError = 1;   // a callback threw: rethrown when the native call returns
constexpr uint32_t kAttentionQueued = 2;  // callbacks from other threads wait for the JS thread

// Binds `fn` to a free trampoline for the duration of the current call (released by
// ReleaseTransients); returns its address, or throws and returns null when none is free.
void *AcquireTransient(Runtime *rt, const CallPlan *plan, uint32_t arg, uint32_t proto, v8::Local<v8::Value> fn);
void ReleaseTransients(Runtime *rt, size_t mark);
// The same for a call that owns its slots itself (async calls: released when they complete).
// Returns the slot index, or -1 with an exception thrown; `address` receives the trampoline.
int64_t AcquireCallbackSlot(Runtime *rt, const CallPlan *plan, uint32_t arg, uint32_t proto, v8::Local<v8::Value> fn,
                            void **address);
void ReleaseCallbackSlots(Runtime *rt, const uint32_t *indices, size_t count);
// An exception thrown by the slot's function when it runs from the event loop (called by
// another thread while JS idles, e.g. during an async call) is stored in `sink` (the first one)
// instead of becoming a process warning. The sink must outlive the slot.
void SetCallbackErrorSink(Runtime *rt, uint32_t index, v8::Global<v8::Value> *sink);
// After a native call raised `attention`: runs queued callbacks, then rethrows a pending
// exception. Returns false when an exception is now pending.
bool HandleAttention(Runtime *rt, v8::Isolate *isolate);
// Whether `id` names an installed callback prototype (plan validation).
bool IsCallbackProto(Runtime *rt, uint32_t id);
void ThrowCallbackArgType(v8::Isolate *isolate, const CallPlan *plan, uint32_t index, v8::Local<v8::Value> value);

// Module setup: defineCallback, register, unregister, nodeEnv and the poll API on `exports`.
void InitCallbacks(napi_env env, napi_value exports, Runtime *rt);

}  // namespace callplan
