// The memory helpers of the public API: alloc/free, decode/encode at an address or in a buffer,
// views over native memory, and koffi.as() casts. They are V8 callbacks like the call path,
// so exceptions thrown by getters during encoding propagate untouched.
#include "convert.h"
#include "marshal.h"

#include <cstdlib>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace callplan {

namespace {

using Info = v8::FunctionCallbackInfo<v8::Value>;

// A koffi.as() value: the wrapped value and the type it is to be passed as.
enum CastField : int { kCastValue, kCastType, kCastFields };

// The largest Uint8Array V8 accepts (V8 12 moved the bound from TypedArray to each subclass).
#if V8_MAJOR_VERSION >= 12
constexpr uint64_t kMaxViewBytes = v8::Uint8Array::kMaxLength;
#else
constexpr uint64_t kMaxViewBytes = v8::TypedArray::kMaxLength;
#endif

Runtime *RuntimeOf(const Info &info) {
  return static_cast<Runtime *>(ExternalValue(info.Data().As<v8::External>()));
}

void Throw(v8::Isolate *isolate, const std::string &msg, bool range = false, bool type = false) {
  v8::Local<v8::String> text = NewString(isolate, msg);
  isolate->ThrowException(range  ? v8::Exception::RangeError(text)
                          : type ? v8::Exception::TypeError(text)
                                 : v8::Exception::Error(text));
}

// Resolves (pointer | buffer, offset) to an address with `need` readable bytes. Buffers are
// bounds-checked; raw addresses cannot be, except that NULL is refused.
// An exact integer from a Number (a safe integer) or a BigInt (64-bit); nothing is wrapped.
bool ExactInteger(v8::Local<v8::Value> v, int64_t *out) {
  if (v->IsNumber()) {
    double d = v.As<v8::Number>()->Value();
    if (!(d == std::trunc(d)) || d > 9007199254740991.0 || d < -9007199254740991.0) return false;
    *out = (int64_t)d;
    return true;
  }
  if (v->IsBigInt()) {
    bool lossless;
    *out = v.As<v8::BigInt>()->Int64Value(&lossless);
    return lossless;
  }
  return false;
}

uint8_t *Locate(const Info &info, const char *fn, v8::Local<v8::Value> target, v8::Local<v8::Value> offset_value,
                size_t need, size_t *available = nullptr) {
  v8::Isolate *isolate = info.GetIsolate();
  int64_t offset = 0;
  if (!offset_value->IsUndefined() && !ExactInteger(offset_value, &offset)) {
    Throw(isolate, std::string(fn) + "(): offset must be an integer Number or BigInt, received " +
                       DescribeValue(isolate, offset_value) + (offset_value->IsNumber() ? " " + std::to_string(offset_value.As<v8::Number>()->Value()) : ""),
          true);
    return nullptr;
  }
  if (target->IsArrayBufferView() || target->IsArrayBuffer()) {
    size_t bytes;
    uint8_t *data;
    if (target->IsArrayBufferView()) {
      auto view = target.As<v8::ArrayBufferView>();
      bytes = view->ByteLength();
      data = bytes ? static_cast<uint8_t *>(view->Buffer()->Data()) + view->ByteOffset() : nullptr;
    } else {
      auto buffer = target.As<v8::ArrayBuffer>();
      bytes = buffer->ByteLength();
      data = static_cast<uint8_t *>(buffer->Data());
    }
    if (offset < 0 || (uint64_t)offset > bytes || need > bytes - (size_t)offset) {
      Throw(isolate, std::string(fn) + "(): " + std::to_string(need) + " bytes at offset " + std::to_string(offset) +
                         " do not fit in a buffer of " + std::to_string(bytes) + " bytes", true);
      return nullptr;
    }
    if (available) *available = bytes - (size_t)offset;
    return data + offset;
  }
  if (target->IsBigInt()) {
    bool lossless;
    uint64_t addr = target.As<v8::BigInt>()->Uint64Value(&lossless);
    if (!lossless || addr > (uint64_t)UINTPTR_MAX) {
      Throw(isolate, std::string(fn) + "(): a pointer is a BigInt from 0 to 2^" + std::to_string(sizeof(void *) * 8) + "-1", true);
      return nullptr;
    }
    if (!addr) {
      Throw(isolate, std::string(fn) + "(): cannot access memory at a NULL pointer");
      return nullptr;
    }
    if (available) *available = SIZE_MAX;
    return reinterpret_cast<uint8_t *>(addr + (uint64_t)offset);
  }
  Throw(isolate, std::string(fn) + "(): expected a BigInt pointer or a buffer, received " + DescribeValue(isolate, target), false, true);
  return nullptr;
}

const TypeDesc *TypeArg(const Info &info, int index) {
  uint32_t id = info[index]->IsUint32() ? info[index].As<v8::Uint32>()->Value() : UINT32_MAX;
  const TypeDesc *t = GetTypeDesc(RuntimeOf(info), id);
  if (!t) Throw(info.GetIsolate(), "Internal error: unknown type descriptor");
  return t;
}

// alloc(size) -> BigInt: zeroed, stable memory that C may keep.
void Alloc(const Info &info) {
  v8::Isolate *isolate = info.GetIsolate();
  double size = info[0]->IsNumber() ? info[0].As<v8::Number>()->Value() : -1;
  // At most 1 TiB (64-bit), or half the address space (32-bit).
  constexpr double kMaxAlloc = sizeof(size_t) >= 8 ? (double)(1ULL << 40) : (double)(SIZE_MAX >> 1);
  if (!(size >= 0) || size > kMaxAlloc) {
    Throw(isolate, "alloc(): invalid size " + DescribeValue(isolate, info[0]), true);
    return;
  }
  void *p = calloc(1, size ? (size_t)size : 1);
  if (!p) {
    Throw(isolate, "alloc(): out of memory");
    return;
  }
  info.GetReturnValue().Set(v8::BigInt::NewFromUnsigned(isolate, (uint64_t)(uintptr_t)p));
}

void Free(const Info &info) {
  v8::Isolate *isolate = info.GetIsolate();
  void *p;
  if (!info[0]->IsBigInt() && !info[0]->IsNullOrUndefined()) {
    Throw(isolate, "free(): expected a BigInt pointer from alloc(), received " + DescribeValue(isolate, info[0]), false, true);
    return;
  }
  if (GetPointer(info[0], 0, &p) != Got::Ok) {
    Throw(isolate, "free(): a pointer is a BigInt from 0 to 2^" + std::to_string(sizeof(void *) * 8) + "-1, received " + DescribeValue(isolate, info[0]), true);
    return;
  }
  free(p);
}

// decode(target, offset, type)
void Decode(const Info &info) {
  const TypeDesc *type = TypeArg(info, 2);
  if (!type) return;
  uint8_t *src = Locate(info, "decode", info[0], info[1], type->size);
  if (!src) return;
  v8::Isolate *isolate = info.GetIsolate();
  if (type->kind >= Kind::BOOL && type->kind <= Kind::F64) {
    info.GetReturnValue().Set(DecodeScalar(isolate, type->kind, src));
    return;
  }
  Marshal m{isolate, isolate->GetCurrentContext(), RuntimeOf(info), Lifetime::Call, {}};
  v8::Local<v8::Value> value = m.Decode(type, src);
  if (!value.IsEmpty()) info.GetReturnValue().Set(value);
}

// decodeString(target, offset, unitSize, length): length < 0 reads up to the NUL.
void DecodeString(const Info &info) {
  v8::Isolate *isolate = info.GetIsolate();
  uint32_t unit = info[2].As<v8::Uint32>()->Value();
  int64_t length = -1;
  if (!info[3]->IsUndefined() && (!ExactInteger(info[3], &length) || length < -1 || length > (int64_t)v8::String::kMaxLength)) {
    Throw(isolate, "decode(): a string length is an integer from -1 (up to the NUL) to " + std::to_string(v8::String::kMaxLength) +
                       ", received " + DescribeValue(isolate, info[3]), true);
    return;
  }
  size_t need = length < 0 ? 0 : (size_t)length * unit;
  size_t available = 0;
  const uint8_t *src = Locate(info, "decode", info[0], info[1], need, &available);
  if (!src) return;
  if (length < 0) {
    // Up to the NUL, but never past the end of a buffer.
    size_t limit = available / unit;
    size_t n = 0;
    if (unit == 1) {
      while (n < limit && src[n]) n++;
    } else if (unit == 2) {
      while (n < limit && reinterpret_cast<const uint16_t *>(src)[n]) n++;
    } else {
      while (n < limit && reinterpret_cast<const uint32_t *>(src)[n]) n++;
    }
    length = (int64_t)n;
  }
  if (length > (int64_t)v8::String::kMaxLength) {
    Throw(isolate, "decode(): string too long", true);
    return;
  }
  v8::Local<v8::String> s;
  bool ok;
  if (unit == 1) {
    ok = v8::String::NewFromUtf8(isolate, reinterpret_cast<const char *>(src), v8::NewStringType::kNormal, (int)length).ToLocal(&s);
  } else if (unit == 2) {
    ok = v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t *>(src), v8::NewStringType::kNormal, (int)length)
             .ToLocal(&s);
  } else {
    std::vector<char16_t> units((size_t)length * 2);
    size_t o = 0;
    for (int64_t i = 0; i < length; i++) o += PutUtf16(reinterpret_cast<const uint32_t *>(src)[i], units.data() + o);
    ok = v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t *>(units.data()), v8::NewStringType::kNormal, (int)o)
             .ToLocal(&s);
  }
  if (ok) info.GetReturnValue().Set(s);
}

// encode(target, offset, type, value): strings and pointees are owned by the library.
void Encode(const Info &info) {
  const TypeDesc *type = TypeArg(info, 2);
  if (!type) return;
  uint8_t *dst = Locate(info, "encode", info[0], info[1], type->size);
  if (!dst) return;
  v8::Isolate *isolate = info.GetIsolate();
  Marshal m{isolate, isolate->GetCurrentContext(), RuntimeOf(info), Lifetime::Persistent, {}};
  if (!m.Encode(type, info[3], dst)) ThrowEncodeError(isolate, "encode(): value (" + type->name + ")", m.error);
}

// view(ptr, length) -> ArrayBuffer over native memory, without a copy.
void View(const Info &info) {
  v8::Isolate *isolate = info.GetIsolate();
  int64_t length = -1;
  if (!ExactInteger(info[1], &length) || length < 0 || (uint64_t)length > kMaxViewBytes) {
    Throw(isolate, "view(): length must be an integer from 0 to " + std::to_string(kMaxViewBytes) +
                       ", received " + DescribeValue(isolate, info[1]), true);
    return;
  }
  uint8_t *data = Locate(info, "view", info[0], v8::Undefined(isolate), (size_t)length);
  if (!data) return;
  std::unique_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStore(data, (size_t)length, [](void *, size_t, void *) {}, nullptr);
  v8::Local<v8::ArrayBuffer> view = v8::ArrayBuffer::New(isolate, std::move(store));
  // A view over JS memory keeps that memory's owner alive.
  if (info[0]->IsObject()) {
    v8::Local<v8::Private> key = v8::Private::ForApi(isolate, NewString(isolate, "callplan.view.source"));
    if (view->SetPrivate(isolate->GetCurrentContext(), key, info[0]).IsNothing()) return;
  }
  info.GetReturnValue().Set(view);
}

// cast(value, pointerType) -> an object the marshaller reads as `value` of that pointer type.
void Cast(const Info &info) {
  v8::Isolate *isolate = info.GetIsolate();
  Runtime *rt = RuntimeOf(info);
  const TypeDesc *type = TypeArg(info, 1);
  if (!type) return;
  v8::Local<v8::Object> cast;
  if (!rt->cast_template.Get(isolate)->GetFunction(isolate->GetCurrentContext()).ToLocalChecked()
           ->NewInstance(isolate->GetCurrentContext())
           .ToLocal(&cast))
    return;
  cast->SetInternalField(kCastValue, info[0]);
  SetFieldPointer(cast, kCastType, type, FieldKind::kTypeDesc);
  info.GetReturnValue().Set(cast);
}

}  // namespace

bool UnwrapCast(Runtime *rt, v8::Isolate *isolate, v8::Local<v8::Value> value, v8::Local<v8::Value> *inner,
                const TypeDesc **type) {
  if (!value->IsObject() || rt->cast_template.IsEmpty() || !rt->cast_template.Get(isolate)->HasInstance(value)) return false;
  auto object = value.As<v8::Object>();
  *inner = object->GetInternalField(kCastValue).As<v8::Value>();
  *type = GetFieldPointer<const TypeDesc>(object, kCastType, FieldKind::kTypeDesc);
  return true;
}

void InitMemory(v8::Isolate *isolate, v8::Local<v8::Object> exports, Runtime *rt) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::FunctionTemplate> cast = v8::FunctionTemplate::New(isolate);
  cast->SetClassName(NewString(isolate, "PointerCast"));
  cast->InstanceTemplate()->SetInternalFieldCount(kCastFields);
  rt->cast_template.Reset(isolate, cast);
  v8::Local<v8::External> data = NewExternal(isolate, rt);
  const struct {
    const char *name;
    v8::FunctionCallback fn;
  } functions[] = {{"alloc", Alloc},   {"free", Free}, {"decode", Decode}, {"decodeString", DecodeString},
                   {"encode", Encode}, {"view", View}, {"cast", Cast}};
  v8::Local<v8::Object> memory = v8::Object::New(isolate);
  for (const auto &f : functions) {
    v8::Local<v8::Function> fn = v8::Function::New(context, f.fn, data).ToLocalChecked();
    memory->Set(context, NewString(isolate, f.name), fn).Check();
  }
  exports->Set(context, NewString(isolate, "memory"), memory).Check();
}

}  // namespace callplan
