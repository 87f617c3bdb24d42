#include "convert.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace callplan {

int64_t DoubleToI64(double d) {
  if (!std::isfinite(d)) return 0;
  d = std::trunc(d);
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) return (int64_t)d;
  // Beyond int64: keep the low 64 bits, as a modular conversion does.
  double m = std::fmod(d, 18446744073709551616.0);
  if (m < 0) m += 18446744073709551616.0;
  return (int64_t)(uint64_t)m;
}

double BigIntToDouble(v8::Local<v8::BigInt> v) {
  bool lossless;
  int64_t small = v->Int64Value(&lossless);
  if (lossless) return (double)small;
  int words = v->WordCount();
  if (words > 17) words = 17;  // beyond 2^1088 the result is infinite anyway
  int sign = 0;
  uint64_t digits[17];
  v->ToWordsArray(&sign, &words, digits);
  // Accumulated word by word from the top; a rare tie may round one ulp off Number(v).
  double d = 0;
  for (int i = words - 1; i >= 0; i--) d = d * 18446744073709551616.0 + (double)digits[i];
  return sign ? -d : d;
}

uint64_t DoubleToU64(double d) {
  if (!std::isfinite(d)) return 0;
  d = std::trunc(d);
  if (d >= 0 && d < 18446744073709551616.0) return (uint64_t)d;
  return (uint64_t)DoubleToI64(d);
}

Got GetPointer(Value v, uint32_t min_bytes, void **out) {
  if (v->IsBigInt()) {
    // A negative or wider-than-64-bit BigInt is no address.
    bool lossless;
    uint64_t address = v.As<v8::BigInt>()->Uint64Value(&lossless);
    *out = reinterpret_cast<void *>((uintptr_t)address);
    if (!lossless) return Got::WrongType;
    // On a 32-bit ISA an address above UINTPTR_MAX is refused, never truncated.
#if UINTPTR_MAX < UINT64_MAX
    if (address > (uint64_t)UINTPTR_MAX) return Got::OutOfRange;
#endif
    return Got::Ok;
  }
  if (v->IsArrayBufferView()) {
    auto view = v.As<v8::ArrayBufferView>();
    size_t bytes = view->ByteLength();
    if (bytes < min_bytes) return Got::TooSmall;
    *out = bytes ? static_cast<uint8_t *>(view->Buffer()->Data()) + view->ByteOffset() : nullptr;
    return Got::Ok;
  }
  if (v->IsNullOrUndefined()) {
    *out = nullptr;
    return Got::Ok;
  }
  if (v->IsArrayBuffer()) {
    auto buffer = v.As<v8::ArrayBuffer>();
    if (buffer->ByteLength() < min_bytes) return Got::TooSmall;
    *out = buffer->Data();
    return Got::Ok;
  }
  if (v->IsSharedArrayBuffer()) {
    auto buffer = v.As<v8::SharedArrayBuffer>();
    if (buffer->ByteLength() < min_bytes) return Got::TooSmall;
    *out = buffer->Data();
    return Got::Ok;
  }
  if (v->IsExternal()) {
    *out = ExternalValue(v.As<v8::External>());
    return Got::Ok;
  }
  return Got::WrongType;
}

// Writes into the free part of the arena in one pass when it fits; only strings that may not
// fit are measured first, and the largest go to malloc.
Got GetUtf8(v8::Isolate *isolate, Runtime *rt, Value v, char **out) {
  if (!v->IsString()) return GetPointer(v, 0, reinterpret_cast<void **>(out));
  auto s = v.As<v8::String>();
  Arena &arena = rt->arena;
  size_t room = (size_t)(arena.end - arena.top);
  // A UTF-16 code unit takes at most 3 bytes of UTF-8.
  size_t bound = (size_t)s->Length() * 3 + 1;
  char *buf;
  if (bound <= room) {
    buf = reinterpret_cast<char *>(arena.top);
  } else {
    size_t len = Utf8Length(isolate, s);
    buf = reinterpret_cast<char *>(arena.Alloc(len + 1, 8));
    if (!buf) {
      buf = static_cast<char *>(malloc(len + 1));
      if (!buf) return Got::NoMemory;
      rt->overflow.push_back(buf);
    }
    size_t n = WriteUtf8(isolate, s, buf, len);
    buf[n] = 0;
    *out = buf;
    return Got::Ok;
  }
  size_t n = WriteUtf8(isolate, s, buf, bound - 1);
  buf[n] = 0;
  arena.top += (n + 8) & ~(size_t)7;
  *out = buf;
  return Got::Ok;
}

Got GetUtf16(v8::Isolate *isolate, Runtime *rt, Value v, char16_t **out) {
  if (!v->IsString()) return GetPointer(v, 0, reinterpret_cast<void **>(out));
  auto s = v.As<v8::String>();
  int n = s->Length();
  size_t bytes = ((size_t)n + 1) * sizeof(char16_t);
  char16_t *buf = reinterpret_cast<char16_t *>(rt->arena.Alloc(bytes, 8));
  if (!buf) {
    buf = static_cast<char16_t *>(malloc(bytes));
    if (!buf) return Got::NoMemory;
    rt->overflow.push_back(buf);
  }
  WriteUtf16(isolate, s, buf, n);
  buf[n] = 0;
  *out = buf;
  return Got::Ok;
}

Got GetUtf32(v8::Isolate *isolate, Runtime *rt, Value v, char32_t **out) {
  if (!v->IsString()) return GetPointer(v, 0, reinterpret_cast<void **>(out));
  auto s = v.As<v8::String>();
  int n = s->Length();
  std::vector<char16_t> heap_units;
  char16_t *units = reinterpret_cast<char16_t *>(rt->arena.Alloc(((size_t)n + 1) * sizeof(char16_t), 8));
  if (!units) {
    heap_units.resize((size_t)n + 1);
    units = heap_units.data();
  }
  WriteUtf16(isolate, s, units, n);
  // One code point per unit at most; surrogate pairs shrink. Units are read before the code
  // points that overwrite them when both live in the arena, so convert into a fresh block.
  size_t bytes = ((size_t)n + 1) * sizeof(char32_t);
  char32_t *buf = reinterpret_cast<char32_t *>(rt->arena.Alloc(bytes, 8));
  if (!buf) {
    buf = static_cast<char32_t *>(malloc(bytes));
    if (!buf) return Got::NoMemory;
    rt->overflow.push_back(buf);
  }
  size_t o = 0;
  for (size_t i = 0; i < (size_t)n;) buf[o++] = NextCodePoint(units, (size_t)n, &i);
  buf[o] = 0;
  *out = buf;
  return Got::Ok;
}

v8::Local<v8::Value> MakeUtf8(v8::Isolate *isolate, const char *s) {
  if (!s) return v8::Null(isolate);
  v8::Local<v8::String> out;
  if (!v8::String::NewFromUtf8(isolate, s).ToLocal(&out)) {
    isolate->ThrowException(v8::Exception::RangeError(NewString(isolate, "The returned string is too long for JavaScript")));
    return {};
  }
  return out;
}

v8::Local<v8::Value> MakeUtf16(v8::Isolate *isolate, const char16_t *s) {
  if (!s) return v8::Null(isolate);
  v8::Local<v8::String> out;
  if (!v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t *>(s)).ToLocal(&out)) {
    isolate->ThrowException(v8::Exception::RangeError(NewString(isolate, "The returned string is too long for JavaScript")));
    return {};
  }
  return out;
}

v8::Local<v8::Value> MakeUtf32(v8::Isolate *isolate, Runtime *rt, const char32_t *s) {
  if (!s) return v8::Null(isolate);
  size_t n = 0;
  while (s[n]) n++;
  uint8_t *mark = rt->arena.top;
  size_t bytes = (2 * n + 1) * sizeof(char16_t);
  char16_t *buf = reinterpret_cast<char16_t *>(rt->arena.Alloc(bytes, 8));
  bool heap = !buf;
  if (heap) buf = static_cast<char16_t *>(malloc(bytes));
  if (!buf) {
    isolate->ThrowException(v8::Exception::Error(NewString(isolate, "Out of memory converting a UTF-32 string")));
    return {};
  }
  size_t o = 0;
  for (size_t i = 0; i < n; i++) o += PutUtf16(s[i], buf + o);
  v8::Local<v8::String> out;
  bool ok = v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t *>(buf), v8::NewStringType::kNormal, (int)o)
                .ToLocal(&out);
  if (heap)
    free(buf);
  else
    rt->arena.top = mark;
  if (!ok) {
    isolate->ThrowException(v8::Exception::RangeError(NewString(isolate, "The returned string is too long for JavaScript")));
    return {};
  }
  return out;
}

void Dispose(Runtime *rt, void *p, uint32_t kind) {
  if (kind == 1) free(p);
  rt->disposed++;
}

std::string DescribeValue(v8::Isolate *isolate, Value value) {
  if (value->IsUndefined()) return "undefined";
  if (value->IsNull()) return "null";
  if (value->IsBoolean()) return "boolean";
  if (value->IsNumber()) return "number";
  if (value->IsString()) return "string";
  if (value->IsSymbol()) return "symbol";
  if (value->IsBigInt()) return "bigint";
  if (value->IsFunction()) return "function";
  if (value->IsExternal()) return "external";
  if (value->IsArray()) return "array";
  if (value->IsObject()) {
    v8::String::Utf8Value name(isolate, value.As<v8::Object>()->GetConstructorName());
    std::string ctor = *name ? *name : "Object";
    return ctor == "Object" ? std::string("object") : ctor;
  }
  return "unknown";
}

static const char *Expected(uint32_t op) {
  switch (op) {
    case OP_ARG_BOOL: return "a boolean";
    case OP_ARG_F32:
    case OP_ARG_F64: return "a number";
    case OP_ARG_PTR: return "a BigInt address from 0 to 2^64-1, null, Buffer, TypedArray, ArrayBuffer or DataView";
    case OP_ARG_STR:
    case OP_ARG_STR16:
    case OP_ARG_STR32: return "a string, null, a BigInt address or a buffer";
    default: return "a number or BigInt";
  }
}

static const std::string &ArgType(const CallPlan *plan, uint32_t index) {
  static const std::string unknown = "?";
  return index < plan->arg_types.size() ? plan->arg_types[index] : unknown;
}

void ThrowArity(v8::Isolate *isolate, const CallPlan *plan, int argc) {
  std::string msg = plan->name + "(): expected " + std::to_string(plan->nargs) + " argument" +
                    (plan->nargs == 1 ? "" : "s") + ", received " + std::to_string(argc);
  isolate->ThrowException(v8::Exception::TypeError(NewString(isolate, msg)));
}

void ThrowUnloaded(v8::Isolate *isolate, const CallPlan *plan) {
  isolate->ThrowException(v8::Exception::Error(NewString(isolate, plan->name + "(): its library was unloaded")));
}

void ThrowArenaExhausted(v8::Isolate *isolate, const CallPlan *plan) {
  isolate->ThrowException(v8::Exception::Error(
      NewString(isolate, plan->name + "(): the call memory of callplan is exhausted (raise sync_stack_size or sync_heap_size)")));
}

bool ThrowIfAddressOutOfRange(v8::Isolate *isolate, const CallPlan *plan, uint32_t index, Value value) {
  void *p;
  if (!value->IsBigInt() || GetPointer(value, 0, &p) != Got::OutOfRange) return false;
  std::string msg = plan->name + "(): argument " + std::to_string(index + 1) + " expects " + ArgType(plan, index) +
                    ", received " + DescribeValue(isolate, value) + ", an address that does not fit a " +
                    std::to_string(sizeof(void *) * 8) + "-bit pointer";
  isolate->ThrowException(v8::Exception::RangeError(NewString(isolate, msg)));
  return true;
}

void ThrowArgType(v8::Isolate *isolate, const CallPlan *plan, uint32_t index, uint32_t op, Value value) {
  bool takes_address = op == OP_ARG_PTR || op == OP_ARG_OUT || op == OP_ARG_STR || op == OP_ARG_STR16 || op == OP_ARG_STR32;
  if (takes_address && ThrowIfAddressOutOfRange(isolate, plan, index, value)) return;
  std::string msg = plan->name + "(): argument " + std::to_string(index + 1) + " expects " + ArgType(plan, index) + " (" +
                    Expected(op) + "), received " + DescribeValue(isolate, value);
  isolate->ThrowException(v8::Exception::TypeError(NewString(isolate, msg)));
}

void ThrowBufferTooSmall(v8::Isolate *isolate, const CallPlan *plan, uint32_t index, uint32_t need, Value value) {
  std::string msg = plan->name + "(): argument " + std::to_string(index + 1) + " expects " + ArgType(plan, index) +
                    ": the " + DescribeValue(isolate, value) + " holds fewer than the " + std::to_string(need) +
                    " bytes it points to";
  isolate->ThrowException(v8::Exception::RangeError(NewString(isolate, msg)));
}

void ThrowNoMemory(v8::Isolate *isolate, const CallPlan *plan, uint32_t index) {
  isolate->ThrowException(v8::Exception::Error(
      NewString(isolate, plan->name + "(): out of memory converting argument " + std::to_string(index + 1))));
}

}  // namespace callplan
