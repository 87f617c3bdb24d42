// Type descriptors and the conversion of whole values (scalars, strings, pointers, structs,
// unions, arrays) between JS and C memory. Used by plans for aggregates and typed pointers, by
// callbacks, and by the memory helpers (decode/encode).
#pragma once

#include "runtime.h"
#include "v8compat.h"

#include <memory>
#include <string>
#include <vector>

namespace callplan {

enum class Kind : uint8_t {
#define KIND(name, size) name,
#include "kinds.def"
#undef KIND
  COUNT
};

enum class ArrayHint : uint8_t { Typed, Array, String, Buffer };

struct TypeDesc;

struct MemberDesc {
  v8::Global<v8::String> key;
  std::string name;
  uint32_t offset = 0;
  TypeDesc *type = nullptr;
  // For a flexible array or a pointer to an array: the sibling member holding its length.
  int32_t count_member = -1;
};

struct TypeDesc {
  Kind kind = Kind::VOID;
  uint32_t size = 0;
  uint32_t align = 1;
  std::string name;
  TypeDesc *ref = nullptr;          // pointee (PTR) or element (ARRAY); null for void *
  uint32_t length = 0;              // ARRAY elements
  ArrayHint hint = ArrayHint::Typed;
  std::vector<MemberDesc> members;  // RECORD, UNION
  uint32_t dispose = 0;             // dispose kind for STR results (1 = free)
};

// Where encoding places memory that outlives the value itself (strings and pointees).
enum class Lifetime { Call, Persistent };

// Carries an encoding error up to the caller, which names the argument and member path.
struct EncodeError {
  bool pending_js = false;  // a getter or proxy threw: the JS exception propagates as is
  std::string path;         // ".inner.x", "[3]"
  std::string expected;
  std::string received;
  bool range = false;       // RangeError (sizes) rather than TypeError
};

struct Marshal {
  v8::Isolate *isolate;
  v8::Local<v8::Context> context;
  Runtime *rt;
  Lifetime lifetime;
  EncodeError error;

  // Writes `value` as `type` at `dst` (type->size bytes). Missing members are zeroed.
  bool Encode(const TypeDesc *type, v8::Local<v8::Value> value, uint8_t *dst);
  // Reads `type` at `src`.
  v8::Local<v8::Value> Decode(const TypeDesc *type, const uint8_t *src);
  // Updates the members of an existing object in place (output parameters).
  bool DecodeInto(const TypeDesc *type, const uint8_t *src, v8::Local<v8::Value> target);

  uint8_t *Allocate(size_t size, size_t align);
  // Zeroed memory for `count` pointees, headed by the count (see PointeeCount).
  uint8_t *AllocatePointee(const TypeDesc *ref, uint64_t count, v8::Local<v8::Value> value);

 private:
  bool Fail(const char *expected, v8::Local<v8::Value> value);
  bool EncodeArray(const TypeDesc *type, v8::Local<v8::Value> value, uint8_t *dst);
  bool EncodeCounted(const TypeDesc *record, const MemberDesc &member, v8::Local<v8::Value> value, uint8_t *base);
  v8::Local<v8::Value> DecodeMember(const TypeDesc *record, const MemberDesc &member, const uint8_t *base);
  v8::Local<v8::Value> DecodeElements(const TypeDesc *elem, const uint8_t *src, uint64_t count, ArrayHint hint);
  v8::Local<v8::Value> DecodeArray(const TypeDesc *type, const uint8_t *src);
};

// Numbers and booleans (Kind::BOOL to Kind::F64) need no context or allocation state.
v8::Local<v8::Value> DecodeScalar(v8::Isolate *isolate, Kind kind, const uint8_t *src);

// Throws the pending encode error as `fn(): argument N<path>: expected ..., received ...`.
void ThrowEncodeError(v8::Isolate *isolate, const std::string &where, const EncodeError &error);

TypeDesc *GetTypeDesc(Runtime *rt, uint32_t id);

// How many pointees were marshalled into memory from AllocatePointee.
uint64_t PointeeCount(const TypeDesc *ref, const uint8_t *mem);

// koffi.as(value, 'T *'): the wrapped value and its pointer type.
bool UnwrapCast(Runtime *rt, v8::Isolate *isolate, v8::Local<v8::Value> value, v8::Local<v8::Value> *inner,
                const TypeDesc **type);
// Plan helpers shared by the interpreter loops: marshal one argument (throwing with its path),
// decode a result, and copy output parameters back into their JS objects.
bool EncodeArg(v8::Isolate *isolate, const CallPlan *plan, uint32_t index, const TypeDesc *type, v8::Local<v8::Value> value,
               uint8_t *dst);
v8::Local<v8::Value> DecodeResult(v8::Isolate *isolate, Runtime *rt, const TypeDesc *type, const uint8_t *src);
bool CopyBack(v8::Isolate *isolate, Runtime *rt, const TypeDesc *ptr, const uint8_t *mem, v8::Local<v8::Value> target);

void InitMemory(v8::Isolate *isolate, v8::Local<v8::Object> exports, Runtime *rt);

}  // namespace callplan
