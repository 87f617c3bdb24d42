// Conversions between JS values and C values on the call path, and the errors they raise.
#pragma once

#include "runtime.h"
#include "v8compat.h"

#include <cmath>

namespace callplan {

constexpr uint32_t kPlanMagic = 0x314C5043;  // "CPL1"

// OutOfRange: a BigInt address that does not fit a pointer of this ISA (above 2^32-1 on ia32).
enum class Got { Ok, WrongType, TooSmall, NoMemory, OutOfRange };

using Value = v8::Local<v8::Value>;

// ECMAScript ToInt32-style modular conversion, so out-of-range numbers truncate like C.
int64_t DoubleToI64(double d);
uint64_t DoubleToU64(double d);

inline bool BoolOf(Value v, bool *out) {
  if (!v->IsBoolean()) return false;
  *out = v->IsTrue();
  return true;
}

// Integers accept Numbers (Smis first) and BigInts.
inline bool GetI64Slow(Value v, int64_t *out) {
  if (v->IsNumber()) {
    *out = DoubleToI64(v.As<v8::Number>()->Value());
    return true;
  }
  if (v->IsBigInt()) {
    *out = v.As<v8::BigInt>()->Int64Value();
    return true;
  }
  return false;
}

inline bool GetI32(Value v, int32_t *out) {
  if (v->IsInt32()) {
    *out = v.As<v8::Int32>()->Value();
    return true;
  }
  int64_t wide;
  if (!GetI64Slow(v, &wide)) return false;
  *out = (int32_t)wide;
  return true;
}

inline bool GetU32(Value v, uint32_t *out) {
  int32_t narrow;
  if (!GetI32(v, &narrow)) return false;
  *out = (uint32_t)narrow;
  return true;
}

inline bool GetI64(Value v, int64_t *out) {
  if (v->IsInt32()) {
    *out = v.As<v8::Int32>()->Value();
    return true;
  }
  return GetI64Slow(v, out);
}

inline bool GetU64(Value v, uint64_t *out) {
  if (v->IsInt32()) {
    *out = (uint64_t)(int64_t)v.As<v8::Int32>()->Value();
    return true;
  }
  if (v->IsNumber()) {
    *out = DoubleToU64(v.As<v8::Number>()->Value());
    return true;
  }
  if (v->IsBigInt()) {
    bool lossless;
    *out = v.As<v8::BigInt>()->Uint64Value(&lossless);
    return true;
  }
  return false;
}

// The nearest double to a BigInt of any size (Number(v) in JS).
double BigIntToDouble(v8::Local<v8::BigInt> v);

inline bool GetF64(Value v, double *out) {
  if (v->IsNumber()) {
    *out = v.As<v8::Number>()->Value();
    return true;
  }
  if (v->IsBigInt()) {
    *out = BigIntToDouble(v.As<v8::BigInt>());
    return true;
  }
  return false;
}

// UTF-16 <-> UTF-32, shared by every string conversion. Lone surrogates pass through as code
// points; code points beyond U+10FFFF become U+FFFD.
inline char32_t NextCodePoint(const char16_t *units, size_t n, size_t *i) {
  char32_t c = units[*i];
  if (c >= 0xD800 && c < 0xDC00 && *i + 1 < n && units[*i + 1] >= 0xDC00 && units[*i + 1] < 0xE000) {
    c = 0x10000 + ((c - 0xD800) << 10) + (units[*i + 1] - 0xDC00);
    ++*i;
  }
  ++*i;
  return c;
}

// Writes `c` as one or two UTF-16 units; returns how many.
inline size_t PutUtf16(char32_t c, char16_t *out) {
  if (c >= 0x10000 && c <= 0x10FFFF) {
    c -= 0x10000;
    out[0] = (char16_t)(0xD800 + (c >> 10));
    out[1] = (char16_t)(0xDC00 + (c & 0x3FF));
    return 2;
  }
  out[0] = c > 0x10FFFF ? (char16_t)0xFFFD : (char16_t)c;
  return 1;
}

// BigInt, null/undefined, external, or the memory of a Buffer/TypedArray/ArrayBuffer/DataView
// (which must hold at least `min_bytes`).
Got GetPointer(Value v, uint32_t min_bytes, void **out);

// Strings are copied NUL-terminated into the scratch arena (or malloc'ed when larger).
Got GetUtf8(v8::Isolate *isolate, Runtime *rt, Value v, char **out);
Got GetUtf16(v8::Isolate *isolate, Runtime *rt, Value v, char16_t **out);
Got GetUtf32(v8::Isolate *isolate, Runtime *rt, Value v, char32_t **out);

// Return nullptr-free values; an empty Local means an exception is pending.
v8::Local<v8::Value> MakeUtf8(v8::Isolate *isolate, const char *s);
v8::Local<v8::Value> MakeUtf16(v8::Isolate *isolate, const char16_t *s);
v8::Local<v8::Value> MakeUtf32(v8::Isolate *isolate, Runtime *rt, const char32_t *s);

inline v8::Local<v8::Value> MakeI64(v8::Isolate *isolate, int64_t v) {
  constexpr int64_t kMaxSafe = (int64_t)1 << 53;
  if (v >= -kMaxSafe && v <= kMaxSafe) return v8::Number::New(isolate, (double)v);
  return v8::BigInt::New(isolate, v);
}

inline v8::Local<v8::Value> MakeU64(v8::Isolate *isolate, uint64_t v) {
  constexpr uint64_t kMaxSafe = (uint64_t)1 << 53;
  if (v <= kMaxSafe) return v8::Number::New(isolate, (double)v);
  return v8::BigInt::NewFromUnsigned(isolate, v);
}

// Dispose kinds (plan operand): 1 = C free().
void Dispose(Runtime *rt, void *p, uint32_t kind);

// Error paths: each throws a JS exception.
void ThrowArity(v8::Isolate *isolate, const CallPlan *plan, int argc);
void ThrowUnloaded(v8::Isolate *isolate, const CallPlan *plan);
void ThrowArenaExhausted(v8::Isolate *isolate, const CallPlan *plan);
void ThrowArgType(v8::Isolate *isolate, const CallPlan *plan, uint32_t index, uint32_t op, Value value);
void ThrowBufferTooSmall(v8::Isolate *isolate, const CallPlan *plan, uint32_t index, uint32_t need, Value value);
// A BigInt address that a pointer of this ISA cannot hold (above 2^32-1 on ia32): throws a
// RangeError naming the argument and returns true; otherwise returns false. ThrowArgType of the
// ops that take addresses starts with it.
bool ThrowIfAddressOutOfRange(v8::Isolate *isolate, const CallPlan *plan, uint32_t index, Value value);
void ThrowNoMemory(v8::Isolate *isolate, const CallPlan *plan, uint32_t index);
std::string DescribeValue(v8::Isolate *isolate, Value value);

}  // namespace callplan
