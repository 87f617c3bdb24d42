#include "convert.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace callplan {

bool GetBigIntI64(napi_env env, napi_value v, int64_t *out) {
  bool lossless;
  return napi_get_value_bigint_int64(env, v, out, &lossless) == napi_ok;
}

uint64_t DoubleToU64(double d) {
  if (!(d == d)) return 0;
  if (d >= 18446744073709551616.0) return UINT64_MAX;
  if (d >= 9223372036854775808.0) return (uint64_t)d;
  if (d <= -9223372036854775808.0) return (uint64_t)INT64_MIN;
  return (uint64_t)(int64_t)d;
}

static size_t TypedArrayBytes(napi_typedarray_type type, size_t length) {
  static const uint8_t kElementSize[] = {1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8};
  return length * ((size_t)type < sizeof(kElementSize) ? kElementSize[type] : 1);
}

// Tried in order of how often each kind is passed: BigInt addresses, then Buffers and typed
// arrays, then the rest after one napi_typeof.
Got GetPointer(napi_env env, napi_value v, uint32_t min_bytes, void **out) {
  uint64_t addr;
  bool lossless;
  if (napi_get_value_bigint_uint64(env, v, &addr, &lossless) == napi_ok) {
    *out = reinterpret_cast<void *>(addr);
    return Got::Ok;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) == napi_ok) {
    if (TypedArrayBytes(type, length) < min_bytes) return Got::TooSmall;
    *out = data;
    return Got::Ok;
  }
  napi_valuetype t;
  napi_typeof(env, v, &t);
  switch (t) {
    case napi_null:
    case napi_undefined:
      *out = nullptr;
      return Got::Ok;
    case napi_external:
      napi_get_value_external(env, v, out);
      return Got::Ok;
    case napi_object: {
      bool is;
      size_t bytes = 0;
      if (napi_is_dataview(env, v, &is) == napi_ok && is) {
        napi_value buffer;
        size_t offset;
        napi_get_dataview_info(env, v, &bytes, &data, &buffer, &offset);
      } else if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
        napi_get_arraybuffer_info(env, v, &data, &bytes);
      } else {
        return Got::WrongType;
      }
      if (bytes < min_bytes) return Got::TooSmall;
      *out = data;
      return Got::Ok;
    }
    default:
      return Got::WrongType;
  }
}

// Copies with one Node-API call into the free part of the arena; only a string that fills it
// takes the measured, malloc'ed path.
template <typename Unit, napi_status (*Read)(napi_env, napi_value, Unit *, size_t, size_t *)>
static Got GetString(napi_env env, Runtime *rt, napi_value v, Unit **out) {
  Arena &arena = rt->arena;
  size_t room = (size_t)(arena.end - arena.top) / sizeof(Unit);
  if (room > 64) {
    Unit *buf = reinterpret_cast<Unit *>(arena.top);
    size_t len;
    if (Read(env, v, buf, room, &len) != napi_ok) return GetPointer(env, v, 0, reinterpret_cast<void **>(out));
    if (len + 1 < room) {
      arena.top += ((len + 1) * sizeof(Unit) + 7) & ~(size_t)7;
      *out = buf;
      return Got::Ok;
    }
  }
  size_t len;
  if (Read(env, v, nullptr, 0, &len) != napi_ok) return GetPointer(env, v, 0, reinterpret_cast<void **>(out));
  Unit *buf = static_cast<Unit *>(malloc((len + 1) * sizeof(Unit)));
  if (!buf) return Got::NoMemory;
  rt->overflow.push_back(buf);
  Read(env, v, buf, len + 1, &len);
  *out = buf;
  return Got::Ok;
}

Got GetUtf8(napi_env env, Runtime *rt, napi_value v, char **out) {
  return GetString<char, napi_get_value_string_utf8>(env, rt, v, out);
}

Got GetUtf16(napi_env env, Runtime *rt, napi_value v, char16_t **out) {
  return GetString<char16_t, napi_get_value_string_utf16>(env, rt, v, out);
}

Got GetUtf32(napi_env env, Runtime *rt, napi_value v, char32_t **out) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_string) return GetPointer(env, v, 0, reinterpret_cast<void **>(out));
  char16_t *units;
  Got got = GetUtf16(env, rt, v, &units);
  if (got != Got::Ok || !units) {
    *out = nullptr;
    return got;
  }
  size_t n = 0;
  while (units[n]) n++;
  // One code point per unit at most; surrogate pairs shrink.
  size_t bytes = (n + 1) * sizeof(char32_t);
  char32_t *buf = reinterpret_cast<char32_t *>(rt->arena.Alloc(bytes, 8));
  if (!buf) {
    buf = static_cast<char32_t *>(malloc(bytes));
    if (!buf) return Got::NoMemory;
    rt->overflow.push_back(buf);
  }
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char32_t c = units[i];
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && units[i + 1] >= 0xDC00 && units[i + 1] < 0xE000) {
      c = 0x10000 + ((c - 0xD800) << 10) + (units[i + 1] - 0xDC00);
      i++;
    }
    buf[o++] = c;
  }
  buf[o] = 0;
  *out = buf;
  return Got::Ok;
}

napi_value MakeUtf8(napi_env env, const char *s) {
  napi_value out;
  if (s)
    napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &out);
  else
    napi_get_null(env, &out);
  return out;
}

napi_value MakeUtf16(napi_env env, const char16_t *s) {
  napi_value out;
  if (s)
    napi_create_string_utf16(env, s, NAPI_AUTO_LENGTH, &out);
  else
    napi_get_null(env, &out);
  return out;
}

napi_value MakeUtf32(napi_env env, Runtime *rt, const char32_t *s) {
  napi_value out;
  if (!s) {
    napi_get_null(env, &out);
    return out;
  }
  size_t n = 0;
  while (s[n]) n++;
  uint8_t *mark = rt->arena.top;
  size_t bytes = (2 * n + 1) * sizeof(char16_t);
  char16_t *buf = reinterpret_cast<char16_t *>(rt->arena.Alloc(bytes, 8));
  bool heap = !buf;
  if (heap) buf = static_cast<char16_t *>(malloc(bytes));
  if (!buf) {
    napi_throw_error(env, nullptr, "Out of memory converting a UTF-32 string");
    return nullptr;
  }
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char32_t c = s[i];
    if (c >= 0x10000 && c <= 0x10FFFF) {
      c -= 0x10000;
      buf[o++] = (char16_t)(0xD800 + (c >> 10));
      buf[o++] = (char16_t)(0xDC00 + (c & 0x3FF));
    } else {
      buf[o++] = c > 0x10FFFF ? (char16_t)0xFFFD : (char16_t)c;
    }
  }
  napi_create_string_utf16(env, buf, o, &out);
  if (heap)
    free(buf);
  else
    rt->arena.top = mark;
  return out;
}

void Dispose(Runtime *rt, void *p, uint32_t kind) {
  if (kind == 1) free(p);
  rt->disposed++;
}

std::string DescribeValue(napi_env env, napi_value value) {
  napi_valuetype t;
  if (napi_typeof(env, value, &t) != napi_ok) return "unknown";
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return "number";
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_function: return "function";
    case napi_external: return "external";
    case napi_bigint: return "bigint";
    case napi_object: {
      bool is = false;
      if (napi_is_array(env, value, &is) == napi_ok && is) return "array";
      if (napi_is_buffer(env, value, &is) == napi_ok && is) return "Buffer";
      if (napi_is_typedarray(env, value, &is) == napi_ok && is) return "TypedArray";
      if (napi_is_arraybuffer(env, value, &is) == napi_ok && is) return "ArrayBuffer";
      if (napi_is_dataview(env, value, &is) == napi_ok && is) return "DataView";
      return "object";
    }
  }
  return "unknown";
}

static const char *Expected(uint32_t op) {
  switch (op) {
    case OP_ARG_BOOL: return "a boolean";
    case OP_ARG_F32:
    case OP_ARG_F64: return "a number";
    case OP_ARG_PTR: return "a BigInt address, null, Buffer, TypedArray, ArrayBuffer or DataView";
    case OP_ARG_STR:
    case OP_ARG_STR16:
    case OP_ARG_STR32: return "a string, null, a BigInt address or a buffer";
    default: return "a number or BigInt";
  }
}

static void ThrowWith(napi_env env, bool type_error, const std::string &message, bool range = false) {
  if (range)
    napi_throw_range_error(env, nullptr, message.c_str());
  else if (type_error)
    napi_throw_type_error(env, nullptr, message.c_str());
  else
    napi_throw_error(env, nullptr, message.c_str());
}

napi_value ThrowArity(napi_env env, const CallPlan *plan, size_t argc) {
  ThrowWith(env, true, plan->name + "(): expected " + std::to_string(plan->nargs) + " argument" +
                           (plan->nargs == 1 ? "" : "s") + ", received " + std::to_string(argc));
  return nullptr;
}

napi_value ThrowUnloaded(napi_env env, const CallPlan *plan) {
  ThrowWith(env, false, plan->name + "(): its library was unloaded");
  return nullptr;
}

napi_value ThrowArenaExhausted(napi_env env, const CallPlan *plan) {
  ThrowWith(env, false, plan->name + "(): the call stack of callplan is exhausted (raise sync_stack_size)");
  return nullptr;
}

void ThrowArgType(napi_env env, const CallPlan *plan, uint32_t index, uint32_t op, napi_value value) {
  const std::string &ctype = index < plan->arg_types.size() ? plan->arg_types[index] : std::string("?");
  ThrowWith(env, true, plan->name + "(): argument " + std::to_string(index + 1) + " expects " + ctype + " (" +
                           Expected(op) + "), received " + DescribeValue(env, value));
}

void ThrowBufferTooSmall(napi_env env, const CallPlan *plan, uint32_t index, uint32_t need, napi_value value) {
  const std::string &ctype = index < plan->arg_types.size() ? plan->arg_types[index] : std::string("?");
  ThrowWith(env, false, plan->name + "(): argument " + std::to_string(index + 1) + " expects " + ctype + ": the " +
                            DescribeValue(env, value) + " holds fewer than the " + std::to_string(need) +
                            " bytes it points to",
            true);
}

void ThrowNoMemory(napi_env env, const CallPlan *plan, uint32_t index) {
  ThrowWith(env, false, plan->name + "(): out of memory converting argument " + std::to_string(index + 1));
}

}  // namespace callplan
