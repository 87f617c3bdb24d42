#include "marshal.h"
#include "convert.h"

#include <cstdlib>
#include <cstring>

namespace callplan {

namespace {

template <typename T>
inline void Put(uint8_t *dst, T v) {
  memcpy(dst, &v, sizeof(T));
}

template <typename T>
inline T Get(const uint8_t *src) {
  T v;
  memcpy(&v, src, sizeof(T));
  return v;
}

}  // namespace

TypeDesc *GetTypeDesc(Runtime *rt, uint32_t id) {
  return id < rt->types.size() ? rt->types[id] : nullptr;
}

void FreeTypes(Runtime *rt) {
  for (TypeDesc *t : rt->types) delete t;
  rt->types.clear();
  for (void *p : rt->persistent) free(p);
  rt->persistent.clear();
  for (auto &entry : rt->encoded_strings) free(entry.second);
  rt->encoded_strings.clear();
}

// Memory for `count` pointees, preceded by the count: copy-back after the call reads it, so it
// never reads more than was marshalled even if the JS array grew meanwhile.
uint8_t *Marshal::AllocatePointee(const TypeDesc *ref, uint64_t count, v8::Local<v8::Value> value) {
  uint64_t bytes = (uint64_t)ref->size * (count ? count : 1);
  if (bytes > rt->config.max_type_size) {
    error.range = true;
    error.expected = "at most " + std::to_string(rt->config.max_type_size) + " bytes of pointees (max_type_size)";
    error.received = std::to_string(count) + " elements of " + std::to_string(ref->size) + " bytes";
    return nullptr;
  }
  size_t align = ref->align < 16 ? 16 : ref->align;
  uint8_t *mem = Allocate((size_t)bytes + align, align);
  if (!mem) {
    Fail("memory for the pointee", value);
    return nullptr;
  }
  memset(mem, 0, (size_t)bytes + align);
  Put<uint64_t>(mem + align - 8, count);
  return mem + align;
}

uint64_t PointeeCount(const TypeDesc *ref, const uint8_t *mem) {
  (void)ref;
  return Get<uint64_t>(mem - 8);
}

uint8_t *Marshal::Allocate(size_t size, size_t align) {
  if (lifetime == Lifetime::Call) {
    uint8_t *p = rt->arena.Alloc(size ? size : 1, align < 8 ? 8 : align);
    if (p) return p;
    p = static_cast<uint8_t *>(calloc(1, size ? size : 1));
    if (p) rt->overflow.push_back(p);
    return p;
  }
  uint8_t *p = static_cast<uint8_t *>(calloc(1, size ? size : 1));
  if (p) rt->persistent.push_back(p);
  return p;
}

// A BigInt address wider than a pointer of this ISA (above 2^32-1 on ia32): a RangeError.
static bool AddressOutOfRange(v8::Local<v8::Value> value) {
  void *p;
  return value->IsBigInt() && GetPointer(value, 0, &p) == Got::OutOfRange;
}
static const char *const kAddressRange = sizeof(void *) == 4 ? "an address below 2^32" : "an address below 2^64";

bool Marshal::Fail(const char *expected, v8::Local<v8::Value> value) {
  error.expected = expected;
  error.received = DescribeValue(isolate, value);
  return false;
}

// Strings encoded into caller memory belong to the library, one per destination.
static void *AllocateString(Marshal *m, uint8_t *dst, size_t bytes, size_t align) {
  if (m->lifetime == Lifetime::Call) return m->Allocate(bytes, align);
  void *p = calloc(1, bytes);
  if (!p) return nullptr;
  auto it = m->rt->encoded_strings.find(dst);
  if (it != m->rt->encoded_strings.end()) {
    free(it->second);
    it->second = p;
  } else {
    m->rt->encoded_strings.emplace(dst, p);
  }
  return p;
}

static bool EncodeString(Marshal *m, Kind kind, v8::Local<v8::Value> value, uint8_t *dst) {
  if (!value->IsString()) {
    void *p;
    if (GetPointer(value, 0, &p) != Got::Ok) return false;
    Put<void *>(dst, p);
    return true;
  }
  auto s = value.As<v8::String>();
  v8::Isolate *isolate = m->isolate;
  if (kind == Kind::STR) {
    size_t len = Utf8Length(isolate, s);
    char *buf = static_cast<char *>(AllocateString(m, dst, len + 1, 1));
    if (!buf) return false;
    buf[WriteUtf8(isolate, s, buf, len)] = 0;
    Put<char *>(dst, buf);
  } else if (kind == Kind::STR16) {
    int n = s->Length();
    char16_t *buf = static_cast<char16_t *>(AllocateString(m, dst, ((size_t)n + 1) * 2, 2));
    if (!buf) return false;
    WriteUtf16(isolate, s, buf, n);
    buf[n] = 0;
    Put<char16_t *>(dst, buf);
  } else {
    int n = s->Length();
    std::vector<char16_t> units((size_t)n + 1);
    WriteUtf16(isolate, s, units.data(), n);
    char32_t *buf = static_cast<char32_t *>(AllocateString(m, dst, ((size_t)n + 1) * 4, 4));
    if (!buf) return false;
    size_t o = 0;
    for (size_t i = 0; i < (size_t)n;) buf[o++] = NextCodePoint(units.data(), (size_t)n, &i);
    buf[o] = 0;
    Put<char32_t *>(dst, buf);
  }
  return true;
}

bool Marshal::Encode(const TypeDesc *type, v8::Local<v8::Value> value, uint8_t *dst) {
  switch (type->kind) {
    case Kind::BOOL: {
      bool v;
      if (!BoolOf(value, &v)) return Fail("a boolean", value);
      Put<uint8_t>(dst, v ? 1 : 0);
      return true;
    }
#define INT_CASE(K, T, GETTER, W, SWAP)                         \
  case Kind::K: {                                               \
    W v;                                                        \
    if (!GETTER(value, &v)) return Fail("a number or BigInt", value); \
    T narrow = (T)v;                                            \
    Put<T>(dst, SWAP(narrow));                                  \
    return true;                                                \
  }
#define NOSWAP(x) (x)
#define SWAP16(x) (__builtin_bswap16((uint16_t)(x)))
#define SWAP32(x) (__builtin_bswap32((uint32_t)(x)))
#define SWAP64(x) (__builtin_bswap64((uint64_t)(x)))
    INT_CASE(I8, int8_t, GetI32, int32_t, NOSWAP)
    INT_CASE(U8, uint8_t, GetI32, int32_t, NOSWAP)
    INT_CASE(I16, int16_t, GetI32, int32_t, NOSWAP)
    INT_CASE(U16, uint16_t, GetI32, int32_t, NOSWAP)
    INT_CASE(I32, int32_t, GetI32, int32_t, NOSWAP)
    INT_CASE(U32, uint32_t, GetU32, uint32_t, NOSWAP)
    INT_CASE(I64, int64_t, GetI64, int64_t, NOSWAP)
    INT_CASE(U64, uint64_t, GetU64, uint64_t, NOSWAP)
    INT_CASE(I16_SWAP, uint16_t, GetI32, int32_t, SWAP16)
    INT_CASE(U16_SWAP, uint16_t, GetI32, int32_t, SWAP16)
    INT_CASE(I32_SWAP, uint32_t, GetI32, int32_t, SWAP32)
    INT_CASE(U32_SWAP, uint32_t, GetU32, uint32_t, SWAP32)
    INT_CASE(I64_SWAP, uint64_t, GetI64, int64_t, SWAP64)
    INT_CASE(U64_SWAP, uint64_t, GetU64, uint64_t, SWAP64)
#undef INT_CASE
    case Kind::F32: {
      double v;
      if (!GetF64(value, &v)) return Fail("a number", value);
      Put<float>(dst, (float)v);
      return true;
    }
    case Kind::F64: {
      double v;
      if (!GetF64(value, &v)) return Fail("a number", value);
      Put<double>(dst, v);
      return true;
    }
    case Kind::STR:
    case Kind::STR16:
    case Kind::STR32:
      if (!EncodeString(this, type->kind, value, dst)) {
        if (AddressOutOfRange(value)) return error.range = true, Fail(kAddressRange, value);
        return Fail("a string, null or a pointer", value);
      }
      return true;
    case Kind::PROTO: {
      // A function pointer is an address or NULL: JS memory is no code for C to call.
      if (!value->IsBigInt() && !value->IsNullOrUndefined()) return Fail("a BigInt function pointer or null", value);
      void *p;
      if (GetPointer(value, 0, &p) == Got::OutOfRange) return error.range = true, Fail(kAddressRange, value);
      Put<void *>(dst, p);
      return true;
    }
    case Kind::PTR: {
      void *p;
      const TypeDesc *ref = type->ref;
      Got got = GetPointer(value, ref ? ref->size : 0, &p);
      if (got == Got::Ok) {
        Put<void *>(dst, p);
        return true;
      }
      if (got == Got::OutOfRange) return error.range = true, Fail(kAddressRange, value);
      if (got == Got::TooSmall) {
        error.range = true;
        error.expected = "a buffer of at least " + std::to_string(ref->size) + " bytes (" + ref->name + ")";
        error.received = DescribeValue(isolate, value) + " of " + std::to_string(value.As<v8::ArrayBufferView>()->ByteLength()) + " bytes";
        return false;
      }
      // An object or array for a typed pointer becomes a temporary pointee.
      if (ref && ref->size && value->IsObject() && !value->IsFunction() && !value->IsArrayBufferView() &&
          !value->IsArrayBuffer() && !value->IsSharedArrayBuffer()) {
        uint32_t count = 1;
        if (value->IsArray() && ref->kind != Kind::ARRAY) count = value.As<v8::Array>()->Length();
        uint8_t *mem = AllocatePointee(ref, count, value);
        if (!mem) return false;
        if (value->IsArray() && ref->kind != Kind::ARRAY) {
          auto array = value.As<v8::Array>();
          for (uint32_t i = 0; i < count; i++) {
            v8::Local<v8::Value> element;
            if (!array->Get(context, i).ToLocal(&element)) return error.pending_js = true, false;
            if (!Encode(ref, element, mem + (size_t)i * ref->size)) {
              error.path = "[" + std::to_string(i) + "]" + error.path;
              return false;
            }
          }
        } else if (!Encode(ref, value, mem)) {
          return false;
        }
        Put<void *>(dst, mem);
        return true;
      }
      return Fail("a BigInt address, null, a buffer, or an object/array for the pointee", value);
    }
    case Kind::RECORD: {
      if (!value->IsObject() || value->IsArray()) return Fail("an object", value);
      auto object = value.As<v8::Object>();
      memset(dst, 0, type->size);
      // Counted members go last, once the members holding their lengths are written.
      for (int pass = 0; pass < 2; pass++) {
        for (const MemberDesc &member : type->members) {
          if ((member.count_member >= 0) != (pass == 1)) continue;
          v8::Local<v8::Value> field;
          if (!object->Get(context, member.key.Get(isolate)).ToLocal(&field)) {
            error.pending_js = true;
            return false;
          }
          if (field->IsUndefined()) continue;
          bool ok = pass == 0 ? Encode(member.type, field, dst + member.offset) : EncodeCounted(type, member, field, dst);
          if (!ok) {
            error.path = "." + member.name + error.path;
            return false;
          }
        }
      }
      return true;
    }
    case Kind::UNION: {
      memset(dst, 0, type->size);
      const char *expected = "a koffi.Union or an object with exactly one member of the union";
      if (!value->IsObject() || value->IsArray() || value->IsFunction() || value->IsArrayBufferView() ||
          value->IsArrayBuffer() || value->IsDate())
        return Fail(expected, value);
      auto object = value.As<v8::Object>();
      // koffi.Union objects expose only their active member; plain objects name exactly one.
      v8::Local<v8::Symbol> raw = v8::Symbol::For(isolate, NewString(isolate, "callplan.union.raw"));
      v8::Maybe<bool> is_union = object->Has(context, raw);
      if (is_union.IsNothing()) return error.pending_js = true, false;
      const MemberDesc *chosen = nullptr;
      v8::Local<v8::Value> field;
      if (is_union.FromJust()) {
        for (const MemberDesc &member : type->members) {
          if (!object->Get(context, member.key.Get(isolate)).ToLocal(&field)) return error.pending_js = true, false;
          if (!field->IsUndefined()) {
            chosen = &member;
            break;
          }
        }
        if (!chosen) return Fail("a koffi.Union with an active member", value);
      } else {
        v8::Local<v8::Array> keys;
        if (!object->GetOwnPropertyNames(context).ToLocal(&keys)) return error.pending_js = true, false;
        if (keys->Length() != 1) return Fail(expected, value);
        v8::Local<v8::Value> key;
        if (!keys->Get(context, 0).ToLocal(&key)) return error.pending_js = true, false;
        v8::String::Utf8Value name(isolate, key);
        for (const MemberDesc &member : type->members)
          if (*name && member.name == *name) chosen = &member;
        if (!chosen) {
          error.expected = "one of the members of " + type->name;
          error.received = std::string("member '") + (*name ? *name : "?") + "'";
          return false;
        }
        if (!object->Get(context, key).ToLocal(&field)) return error.pending_js = true, false;
      }
      if (!Encode(chosen->type, field, dst)) {
        error.path = "." + chosen->name + error.path;
        return false;
      }
      return true;
    }
    case Kind::ARRAY:
      return EncodeArray(type, value, dst);
    default:
      return Fail("a value of a complete type", value);
  }
}

bool Marshal::EncodeArray(const TypeDesc *type, v8::Local<v8::Value> value, uint8_t *dst) {
  const TypeDesc *elem = type->ref;
  uint32_t length = type->length;
  memset(dst, 0, type->size);
  if (value->IsNullOrUndefined()) return true;
  if (value->IsString() && (elem->kind == Kind::I8 || elem->kind == Kind::U8 || elem->kind == Kind::I16 ||
                            elem->kind == Kind::U16 || elem->kind == Kind::I32 || elem->kind == Kind::U32)) {
    // Character arrays take strings, NUL-terminated and truncated to fit.
    auto s = value.As<v8::String>();
    if (!length) return true;
    if (elem->size == 1) {
      size_t n = WriteUtf8(isolate, s, reinterpret_cast<char *>(dst), length - 1);
      dst[n] = 0;
    } else {
      int n = s->Length();
      std::vector<char16_t> units((size_t)n);
      WriteUtf16(isolate, s, units.data(), n);
      uint32_t o = 0;
      for (size_t i = 0; i < (size_t)n && o + 1 < length;) {
        if (elem->size == 2)
          Put<uint16_t>(dst + 2 * o++, units[i++]);
        else
          Put<uint32_t>(dst + 4 * o++, NextCodePoint(units.data(), (size_t)n, &i));
      }
    }
    return true;
  }
  if (value->IsArrayBufferView()) {
    auto view = value.As<v8::ArrayBufferView>();
    size_t bytes = view->ByteLength();
    if (bytes != type->size) {
      error.range = true;
      error.expected = std::to_string(type->size) + " bytes";
      error.received = std::to_string(bytes) + " bytes";
      return false;
    }
    view->CopyContents(dst, bytes);
    return true;
  }
  if (value->IsArray()) {
    auto array = value.As<v8::Array>();
    uint32_t n = array->Length();
    if (n > length) {
      error.range = true;
      error.expected = "at most " + std::to_string(length) + " elements";
      error.received = std::to_string(n);
      return false;
    }
    for (uint32_t i = 0; i < n; i++) {
      v8::Local<v8::Value> element;
      if (!array->Get(context, i).ToLocal(&element)) return error.pending_js = true, false;
      if (!Encode(elem, element, dst + (size_t)i * elem->size)) {
        error.path = "[" + std::to_string(i) + "]" + error.path;
        return false;
      }
    }
    return true;
  }
  return Fail("an array, a typed array or a string", value);
}

static v8::Local<v8::Value> DecodeString(v8::Isolate *isolate, Runtime *rt, Kind kind, const void *p) {
  if (kind == Kind::STR) return MakeUtf8(isolate, static_cast<const char *>(p));
  if (kind == Kind::STR16) return MakeUtf16(isolate, static_cast<const char16_t *>(p));
  return MakeUtf32(isolate, rt, static_cast<const char32_t *>(p));
}

v8::Local<v8::Value> DecodeScalar(v8::Isolate *isolate, Kind kind, const uint8_t *src) {
  switch (kind) {
    case Kind::BOOL: return v8::Boolean::New(isolate, Get<uint8_t>(src) != 0);
    case Kind::I8: return v8::Integer::New(isolate, Get<int8_t>(src));
    case Kind::U8: return v8::Integer::New(isolate, Get<uint8_t>(src));
    case Kind::I16: return v8::Integer::New(isolate, Get<int16_t>(src));
    case Kind::U16: return v8::Integer::New(isolate, Get<uint16_t>(src));
    case Kind::I32: return v8::Integer::New(isolate, Get<int32_t>(src));
    case Kind::U32: return v8::Integer::NewFromUnsigned(isolate, Get<uint32_t>(src));
    case Kind::I64: return MakeI64(isolate, Get<int64_t>(src));
    case Kind::U64: return MakeU64(isolate, Get<uint64_t>(src));
    case Kind::I16_SWAP: return v8::Integer::New(isolate, (int16_t)__builtin_bswap16(Get<uint16_t>(src)));
    case Kind::U16_SWAP: return v8::Integer::New(isolate, __builtin_bswap16(Get<uint16_t>(src)));
    case Kind::I32_SWAP: return v8::Integer::New(isolate, (int32_t)__builtin_bswap32(Get<uint32_t>(src)));
    case Kind::U32_SWAP: return v8::Integer::NewFromUnsigned(isolate, __builtin_bswap32(Get<uint32_t>(src)));
    case Kind::I64_SWAP: return MakeI64(isolate, (int64_t)__builtin_bswap64(Get<uint64_t>(src)));
    case Kind::U64_SWAP: return MakeU64(isolate, __builtin_bswap64(Get<uint64_t>(src)));
    case Kind::F32: return v8::Number::New(isolate, Get<float>(src));
    case Kind::F64: return v8::Number::New(isolate, Get<double>(src));
    default: return {};
  }
}

v8::Local<v8::Value> Marshal::Decode(const TypeDesc *type, const uint8_t *src) {
  if (type->kind >= Kind::BOOL && type->kind <= Kind::F64) return DecodeScalar(isolate, type->kind, src);
  switch (type->kind) {
    case Kind::STR:
    case Kind::STR16:
    case Kind::STR32:
      return DecodeString(isolate, rt, type->kind, Get<void *>(src));
    case Kind::PTR:
    case Kind::PROTO: {
      uint64_t p = Get<uintptr_t>(src);
      if (!p) return v8::Null(isolate);
      return v8::BigInt::NewFromUnsigned(isolate, p);
    }
    case Kind::RECORD: {
      v8::Local<v8::Object> object = v8::Object::New(isolate);
      for (const MemberDesc &member : type->members) {
        v8::Local<v8::Value> field = DecodeMember(type, member, src);
        if (field.IsEmpty()) return {};
        if (object->CreateDataProperty(context, member.key.Get(isolate), field).IsNothing()) return {};
      }
      return object;
    }
    case Kind::UNION: {
      // Without an active member, every member is decoded from the same bytes.
      v8::Local<v8::Object> object = v8::Object::New(isolate);
      for (const MemberDesc &member : type->members) {
        v8::Local<v8::Value> field = Decode(member.type, src);
        if (field.IsEmpty()) return {};
        if (object->CreateDataProperty(context, member.key.Get(isolate), field).IsNothing()) return {};
      }
      return object;
    }
    case Kind::ARRAY:
      return DecodeArray(type, src);
    default:
      return v8::Undefined(isolate);
  }
}

v8::Local<v8::Value> Marshal::DecodeArray(const TypeDesc *type, const uint8_t *src) {
  const TypeDesc *elem = type->ref;
  uint32_t length = type->length;
  switch (type->hint) {
    case ArrayHint::String: {
      if (elem->size == 1) {
        uint32_t n = 0;
        while (n < length && src[n]) n++;
        v8::Local<v8::String> s;
        if (!v8::String::NewFromUtf8(isolate, reinterpret_cast<const char *>(src), v8::NewStringType::kNormal, (int)n).ToLocal(&s))
          return {};
        return s;
      }
      std::vector<char16_t> units;
      for (uint32_t i = 0; i < length; i++) {
        uint32_t c = elem->size == 2 ? Get<uint16_t>(src + 2 * i) : Get<uint32_t>(src + 4 * i);
        if (!c) break;
        char16_t pair[2];
        units.insert(units.end(), pair, pair + (elem->size == 2 ? (pair[0] = (char16_t)c, 1) : PutUtf16(c, pair)));
      }
      v8::Local<v8::String> s;
      if (!v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t *>(units.data()), v8::NewStringType::kNormal,
                                      (int)units.size())
               .ToLocal(&s))
        return {};
      return s;
    }
    case ArrayHint::Typed:
    case ArrayHint::Buffer: {
      size_t bytes = (size_t)elem->size * length;
      if (type->hint == ArrayHint::Buffer) {
        napi_value buffer;
        if (napi_create_buffer_copy(rt->env, bytes, src, nullptr, &buffer) != napi_ok) {
          isolate->ThrowException(v8::Exception::RangeError(NewString(isolate, "Cannot allocate a Buffer of " + std::to_string(bytes) + " bytes")));
          return {};
        }
        return ToLocal(buffer);
      }
      v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, bytes);
      if (bytes) memcpy(buffer->Data(), src, bytes);
      switch (elem->kind) {
        case Kind::I8: return v8::Int8Array::New(buffer, 0, length);
        case Kind::U8: return v8::Uint8Array::New(buffer, 0, length);
        case Kind::I16: return v8::Int16Array::New(buffer, 0, length);
        case Kind::U16: return v8::Uint16Array::New(buffer, 0, length);
        case Kind::I32: return v8::Int32Array::New(buffer, 0, length);
        case Kind::U32: return v8::Uint32Array::New(buffer, 0, length);
        case Kind::I64: return v8::BigInt64Array::New(buffer, 0, length);
        case Kind::U64: return v8::BigUint64Array::New(buffer, 0, length);
        case Kind::F32: return v8::Float32Array::New(buffer, 0, length);
        case Kind::F64: return v8::Float64Array::New(buffer, 0, length);
        default: break;
      }
      [[fallthrough]];
    }
    case ArrayHint::Array: {
      v8::Local<v8::Array> array = v8::Array::New(isolate, (int)length);
      for (uint32_t i = 0; i < length; i++) {
        v8::Local<v8::Value> element = Decode(elem, src + (size_t)i * elem->size);
        if (element.IsEmpty() || array->Set(context, i, element).IsNothing()) return {};
      }
      return array;
    }
  }
  return {};
}

bool Marshal::DecodeInto(const TypeDesc *type, const uint8_t *src, v8::Local<v8::Value> target) {
  if (!target->IsObject()) return true;
  auto object = target.As<v8::Object>();
  if (type->kind == Kind::UNION) {
    // koffi.Union objects keep the raw bytes and decode the member that is read.
    v8::Local<v8::Symbol> raw = v8::Symbol::For(isolate, NewString(isolate, "callplan.union.raw"));
    v8::Maybe<bool> has = object->Has(context, raw);
    if (has.IsNothing()) return false;
    if (has.FromJust()) {
      v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, type->size);
      if (type->size) memcpy(buffer->Data(), src, type->size);
      return object->Set(context, raw, v8::Uint8Array::New(buffer, 0, type->size)).IsJust();
    }
  }
  if (type->kind == Kind::RECORD || type->kind == Kind::UNION) {
    for (const MemberDesc &member : type->members) {
      v8::Local<v8::Value> field = type->kind == Kind::RECORD ? DecodeMember(type, member, src) : Decode(member.type, src);
      if (field.IsEmpty() || object->Set(context, member.key.Get(isolate), field).IsNothing()) return false;
    }
    return true;
  }
  return true;
}

// The length a counted member declares, read from the already encoded counter member.
static bool ReadCount(const TypeDesc *record, const MemberDesc &member, const uint8_t *base, uint64_t *out) {
  const MemberDesc &counter = record->members[member.count_member];
  const uint8_t *p = base + counter.offset;
  switch (counter.type->kind) {
    case Kind::I8: *out = (uint64_t)(int64_t)Get<int8_t>(p); break;
    case Kind::U8: *out = Get<uint8_t>(p); break;
    case Kind::I16: *out = (uint64_t)(int64_t)Get<int16_t>(p); break;
    case Kind::U16: *out = Get<uint16_t>(p); break;
    case Kind::I32: *out = (uint64_t)(int64_t)Get<int32_t>(p); break;
    case Kind::U32: *out = Get<uint32_t>(p); break;
    case Kind::I64:
    case Kind::U64: *out = Get<uint64_t>(p); break;
    default: return false;
  }
  return (int64_t)*out >= 0;
}

bool Marshal::EncodeCounted(const TypeDesc *record, const MemberDesc &member, v8::Local<v8::Value> value, uint8_t *base) {
  const MemberDesc &counter = record->members[member.count_member];
  const TypeDesc *type = member.type;
  const TypeDesc *elem = type->ref;
  uint64_t count = 0;
  if (!ReadCount(record, member, base, &count)) {
    error.range = true;
    error.expected = "a non-negative length in ." + counter.name;
    error.received = "an invalid one";
    return false;
  }
  if (type->kind == Kind::PTR && (value->IsNullOrUndefined() || value->IsBigInt())) return Encode(type, value, base + member.offset);
  uint64_t n;
  if (value->IsArray()) {
    n = value.As<v8::Array>()->Length();
  } else if (value->IsTypedArray()) {
    n = value.As<v8::TypedArray>()->Length();
  } else {
    return Fail("an array or a typed array", value);
  }
  if (n != count) {
    error.range = true;
    error.expected = std::to_string(count) + " elements as ." + counter.name + " says";
    error.received = std::to_string(n) + " elements in ." + member.name;
    return false;
  }
  uint8_t *dst;
  if (type->kind == Kind::ARRAY) {
    if (n > type->length) {
      error.range = true;
      error.expected = "at most " + std::to_string(type->length) + " elements";
      error.received = std::to_string(n);
      return false;
    }
    dst = base + member.offset;
  } else {
    dst = Allocate((size_t)(elem->size * n), elem->align);
    if (!dst) return Fail("memory for the array", value);
    Put<uint8_t *>(base + member.offset, dst);
  }
  auto object = value.As<v8::Object>();
  for (uint32_t i = 0; i < n; i++) {
    v8::Local<v8::Value> element;
    if (!object->Get(context, i).ToLocal(&element)) return error.pending_js = true, false;
    if (!Encode(elem, element, dst + (size_t)i * elem->size)) {
      error.path = "[" + std::to_string(i) + "]" + error.path;
      return false;
    }
  }
  return true;
}

v8::Local<v8::Value> Marshal::DecodeElements(const TypeDesc *elem, const uint8_t *src, uint64_t count, ArrayHint hint) {
  TypeDesc view;
  view.kind = Kind::ARRAY;
  view.ref = const_cast<TypeDesc *>(elem);
  view.length = (uint32_t)count;
  view.size = (uint32_t)(elem->size * count);
  view.hint = hint;
  return DecodeArray(&view, src);
}

v8::Local<v8::Value> Marshal::DecodeMember(const TypeDesc *record, const MemberDesc &member, const uint8_t *base) {
  if (member.count_member < 0) return Decode(member.type, base + member.offset);
  uint64_t count = 0;
  if (!ReadCount(record, member, base, &count)) count = 0;
  const TypeDesc *type = member.type;
  if (type->kind == Kind::ARRAY) return DecodeElements(type->ref, base + member.offset, count < type->length ? count : type->length, type->hint);
  const uint8_t *p = Get<const uint8_t *>(base + member.offset);
  if (!p) return v8::Null(isolate);
  return DecodeElements(type->ref, p, count, ArrayHint::Array);
}

void ThrowEncodeError(v8::Isolate *isolate, const std::string &where, const EncodeError &error) {
  if (error.pending_js) return;
  std::string msg = where + (error.path.empty() ? "" : " at " + error.path) + ": expected " + error.expected +
                    ", received " + error.received;
  v8::Local<v8::String> text = NewString(isolate, msg);
  isolate->ThrowException(error.range ? v8::Exception::RangeError(text) : v8::Exception::TypeError(text));
}

}  // namespace callplan
