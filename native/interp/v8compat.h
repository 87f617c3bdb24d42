// The per-call path talks to V8 directly: it is public, documented API, and it avoids the
// Node-API bookkeeping (argument padding, last-error records, exception trapping) that would
// otherwise cost more than the interpreter itself. The rest of the addon uses Node-API.
#pragma once

#include <node_api.h>
#include <v8.h>

#include <cstring>
#include <string>

namespace callplan {

// Node-API represents a napi_value as the slot of a v8::Local (node's js_native_api_v8.h).
inline v8::Local<v8::Value> ToLocal(napi_value v) {
  v8::Local<v8::Value> local;
  static_assert(sizeof(local) == sizeof(v), "napi_value wraps a v8::Local");
  memcpy(static_cast<void *>(&local), &v, sizeof(v));
  return local;
}

inline napi_value ToNapi(v8::Local<v8::Value> local) {
  napi_value v;
  memcpy(static_cast<void *>(&v), &local, sizeof(v));
  return v;
}

// Pointers kept in internal fields, and since V8 14 the type tag each kind is stored with (a
// field read with another kind's tag is refused rather than misread).
enum class FieldKind : uint16_t { kCallPlan = 1, kTypeDesc = 2 };

template <typename T>
inline T *GetFieldPointer(v8::Local<v8::Object> object, int index, FieldKind kind) {
#if V8_MAJOR_VERSION >= 14
  return static_cast<T *>(object->GetAlignedPointerFromInternalField(index, static_cast<v8::EmbedderDataTypeTag>(kind)));
#else
  (void)kind;
  return static_cast<T *>(object->GetAlignedPointerFromInternalField(index));
#endif
}

inline void SetFieldPointer(v8::Local<v8::Object> object, int index, const void *value, FieldKind kind) {
#if V8_MAJOR_VERSION >= 14
  object->SetAlignedPointerInInternalField(index, const_cast<void *>(value), static_cast<v8::EmbedderDataTypeTag>(kind));
#else
  (void)kind;
  object->SetAlignedPointerInInternalField(index, const_cast<void *>(value));
#endif
}

// V8 14 tags External values too; callplan's and other addons' (Node-API's) use the default.
inline void *ExternalValue(v8::Local<v8::External> external) {
#if V8_MAJOR_VERSION >= 14
  return external->Value(v8::kExternalPointerTypeTagDefault);
#else
  return external->Value();
#endif
}

inline v8::Local<v8::External> NewExternal(v8::Isolate *isolate, void *value) {
#if V8_MAJOR_VERSION >= 14
  return v8::External::New(isolate, value, v8::kExternalPointerTypeTagDefault);
#else
  return v8::External::New(isolate, value);
#endif
}

inline v8::Local<v8::String> NewString(v8::Isolate *isolate, const std::string &s) {
  return v8::String::NewFromUtf8(isolate, s.data(), v8::NewStringType::kNormal, (int)s.size()).ToLocalChecked();
}

// Writes at most `capacity` bytes without a terminator; returns the bytes written.
inline size_t WriteUtf8(v8::Isolate *isolate, v8::Local<v8::String> s, char *buf, size_t capacity) {
#if V8_MAJOR_VERSION >= 13
  return s->WriteUtf8V2(isolate, buf, capacity, v8::String::WriteFlags::kReplaceInvalidUtf8);
#else
  return (size_t)s->WriteUtf8(isolate, buf, capacity > INT32_MAX ? INT32_MAX : (int)capacity, nullptr,
                              v8::String::REPLACE_INVALID_UTF8 | v8::String::NO_NULL_TERMINATION);
#endif
}

inline size_t Utf8Length(v8::Isolate *isolate, v8::Local<v8::String> s) {
#if V8_MAJOR_VERSION >= 13
  return s->Utf8LengthV2(isolate);
#else
  return (size_t)s->Utf8Length(isolate);
#endif
}

inline void WriteUtf16(v8::Isolate *isolate, v8::Local<v8::String> s, char16_t *buf, int length) {
#if V8_MAJOR_VERSION >= 13
  s->WriteV2(isolate, 0, (uint32_t)length, reinterpret_cast<uint16_t *>(buf));
#else
  s->Write(isolate, reinterpret_cast<uint16_t *>(buf), 0, length, v8::String::NO_NULL_TERMINATION);
#endif
}

}  // namespace callplan
