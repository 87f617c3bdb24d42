// Conversions between JS values and C values, and the errors they raise.
#pragma once

#include "runtime.h"

namespace callplan {

constexpr uint32_t kPlanMagic = 0x314C5043;  // "CPL1"

enum class Got { Ok, WrongType, TooSmall, NoMemory };

// Numbers convert like C conversions (modular for integers); BigInt is accepted too.
bool GetBigIntI64(napi_env env, napi_value v, int64_t *out);

inline bool GetI32(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) == napi_ok) return true;
  int64_t wide;
  if (!GetBigIntI64(env, v, &wide)) return false;
  *out = (int32_t)wide;
  return true;
}

inline bool GetU32(napi_env env, napi_value v, uint32_t *out) {
  if (napi_get_value_uint32(env, v, out) == napi_ok) return true;
  int64_t wide;
  if (!GetBigIntI64(env, v, &wide)) return false;
  *out = (uint32_t)wide;
  return true;
}

inline bool GetI64(napi_env env, napi_value v, int64_t *out) {
  if (napi_get_value_int64(env, v, out) == napi_ok) return true;
  return GetBigIntI64(env, v, out);
}

uint64_t DoubleToU64(double d);

inline bool GetU64(napi_env env, napi_value v, uint64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) == napi_ok) {
    *out = DoubleToU64(d);
    return true;
  }
  int64_t wide;
  if (!GetBigIntI64(env, v, &wide)) return false;
  *out = (uint64_t)wide;
  return true;
}

inline bool GetF64(napi_env env, napi_value v, double *out) {
  if (napi_get_value_double(env, v, out) == napi_ok) return true;
  int64_t wide;
  if (!GetBigIntI64(env, v, &wide)) return false;
  *out = (double)wide;
  return true;
}

// BigInt, null/undefined, external, or the memory of a Buffer/TypedArray/ArrayBuffer/DataView
// (which must hold at least `min_bytes`).
Got GetPointer(napi_env env, napi_value v, uint32_t min_bytes, void **out);

// Strings are copied NUL-terminated into the scratch arena (or malloc'ed when larger).
Got GetUtf8(napi_env env, Runtime *rt, napi_value v, char **out);
Got GetUtf16(napi_env env, Runtime *rt, napi_value v, char16_t **out);
Got GetUtf32(napi_env env, Runtime *rt, napi_value v, char32_t **out);

napi_value MakeUtf8(napi_env env, const char *s);
napi_value MakeUtf16(napi_env env, const char16_t *s);
napi_value MakeUtf32(napi_env env, Runtime *rt, const char32_t *s);

// Dispose kinds (plan operand): 1 = C free().
void Dispose(Runtime *rt, void *p, uint32_t kind);

// Error paths: each throws a JS exception and returns nullptr.
napi_value ThrowArity(napi_env env, const CallPlan *plan, size_t argc);
napi_value ThrowUnloaded(napi_env env, const CallPlan *plan);
napi_value ThrowArenaExhausted(napi_env env, const CallPlan *plan);
void ThrowArgType(napi_env env, const CallPlan *plan, uint32_t index, uint32_t op, napi_value value);
void ThrowBufferTooSmall(napi_env env, const CallPlan *plan, uint32_t index, uint32_t need, napi_value value);
void ThrowNoMemory(napi_env env, const CallPlan *plan, uint32_t index);
std::string DescribeValue(napi_env env, napi_value value);

}  // namespace callplan
