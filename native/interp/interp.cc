// The interpreter: runs a pre-decoded call plan for every call of a declared function.
// Handlers are written once; with GCC/Clang they are reached by direct threading (each
// instruction carries its handler address), elsewhere through a switch.
#include "runtime.h"
#include "convert.h"
#include "frame_x64_sysv.h"
#include "marshal.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern "C" {
void cp_call_x64_sysv(void *target, uint8_t *frame, uint8_t *ret);
void cp_call_x64_sysv_gpr(void *target, uint8_t *frame, uint8_t *ret);
}

#if defined(__GNUC__)
#define CP_THREADED 1
#endif

namespace callplan {

namespace {

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

// Small integers stay Smis (no allocation); the rest follow the 2^53 Number/BigInt rule.
inline void SetI64(v8::ReturnValue<v8::Value> &result, v8::Isolate *isolate, int64_t v) {
  if (v == (int32_t)v)
    result.Set((int32_t)v);
  else
    result.Set(MakeI64(isolate, v));
}

inline void SetU64(v8::ReturnValue<v8::Value> &result, v8::Isolate *isolate, uint64_t v) {
  if (v <= (uint64_t)INT32_MAX)
    result.Set((int32_t)v);
  else
    result.Set(MakeU64(isolate, v));
}

// Marshals an aggregate or a pointee; on failure throws naming the argument and member path.
bool EncodeArg(v8::Isolate *isolate, const CallPlan *plan, uint32_t index, const TypeDesc *type, v8::Local<v8::Value> value,
               uint8_t *dst) {
  Marshal m{isolate, isolate->GetCurrentContext(), plan->rt, Lifetime::Call, {}};
  if (m.Encode(type, value, dst)) return true;
  ThrowEncodeError(isolate, plan->name + "(): argument " + std::to_string(index + 1) + " (" + type->name + ")", m.error);
  return false;
}

v8::Local<v8::Value> DecodeResult(v8::Isolate *isolate, Runtime *rt, const TypeDesc *type, const uint8_t *src) {
  Marshal m{isolate, isolate->GetCurrentContext(), rt, Lifetime::Call, {}};
  return m.Decode(type, src);
}

// Output parameters: objects get their members updated, arrays their elements, so the caller
// sees what C wrote. Buffers and addresses were passed through and need nothing.
bool CopyBack(v8::Isolate *isolate, Runtime *rt, const TypeDesc *ptr, const uint8_t *mem, v8::Local<v8::Value> target) {
  v8::Local<v8::Value> inner;
  const TypeDesc *cast;
  if (UnwrapCast(rt, isolate, target, &inner, &cast)) {
    ptr = cast;
    target = inner;
  }
  const TypeDesc *pointee = ptr->ref;
  if (!mem || !pointee || !target->IsObject() || target->IsArrayBufferView() || target->IsArrayBuffer()) return true;
  Marshal m{isolate, isolate->GetCurrentContext(), rt, Lifetime::Call, {}};
  if (target->IsArray() && pointee->kind != Kind::ARRAY) {
    auto array = target.As<v8::Array>();
    uint32_t n = array->Length();
    for (uint32_t i = 0; i < n; i++) {
      v8::Local<v8::Value> element = m.Decode(pointee, mem + (size_t)i * pointee->size);
      if (element.IsEmpty() || array->Set(m.context, i, element).IsNothing()) return false;
    }
    return true;
  }
  return m.DecodeInto(pointee, mem, target);
}

void FreeOverflow(Runtime *rt, size_t mark) {
  for (size_t i = mark; i < rt->overflow.size(); i++) free(rt->overflow[i]);
  rt->overflow.resize(mark);
}

}  // namespace

#ifdef CP_THREADED
// Handler addresses exist only inside Invoke; it publishes them when called in this mode.
static bool g_publish_labels = false;
static const void *const *g_labels = nullptr;
#endif

const void *const *DispatchTable() {
#ifdef CP_THREADED
  if (!g_labels) {
    alignas(8) static const char unused[64] = {};
    g_publish_labels = true;
    Invoke(*reinterpret_cast<const v8::FunctionCallbackInfo<v8::Value> *>(unused));
    g_publish_labels = false;
  }
  return g_labels;
#else
  return nullptr;
#endif
}

// The callback of every declared function: checks the call, takes a frame from the arena, runs
// the plan, and releases the frame and any oversized scratch values on every exit.
void Invoke(const v8::FunctionCallbackInfo<v8::Value> &info) {
#ifdef CP_THREADED
#define OP(name, doc) &&L_##name,
  static const void *const labels[] = {
#include "ops.def"
  };
#undef OP
  static_assert(sizeof(labels) / sizeof(labels[0]) == OP_COUNT, "one label per opcode");
  if (__builtin_expect(g_publish_labels, 0)) {
    g_labels = labels;
    return;
  }
#define HANDLER(name) L_##name:
#define DISPATCH() goto *ip->handler
#else
#define HANDLER(name) case OP_##name:
#define DISPATCH() goto dispatch
#endif
#define NEXT() do { ++ip; DISPATCH(); } while (0)
#define FAIL_ARG() do { ThrowArgType(isolate, plan, ip->arg, ip->op, info[ip->arg]); goto cleanup; } while (0)

  CallPlan *plan = static_cast<CallPlan *>(info.Data().As<v8::Object>()->GetAlignedPointerFromInternalField(0));
  v8::Isolate *isolate = info.GetIsolate();
  // An unloaded library's plans have nargs set to kUnloadedArity, so one compare covers both.
  if ((uint32_t)info.Length() != plan->nargs) {
    if (plan->nargs == kUnloadedArity)
      ThrowUnloaded(isolate, plan);
    else
      ThrowArity(isolate, plan, info.Length());
    return;
  }
  Runtime *rt = plan->rt;
  uint8_t *mark = rt->arena.top;
  uint8_t *frame = rt->arena.Alloc(plan->frame_bytes);
  if (__builtin_expect(!frame, 0)) {
    if (!rt->EnsureArena()) return ThrowArenaExhausted(isolate, plan);
    mark = rt->arena.top;
    frame = rt->arena.Alloc(plan->frame_bytes);
    if (!frame) return ThrowArenaExhausted(isolate, plan);
  }
  size_t overflow_mark = rt->overflow.size();
  const Inst *ip = plan->code.data();
  alignas(16) uint8_t ret[32];
  v8::ReturnValue<v8::Value> result = info.GetReturnValue();

#ifndef CP_THREADED
dispatch:
  switch (ip->op) {
#else
  DISPATCH();
#endif

  HANDLER(ARG_BOOL) {
    bool v;
    if (!BoolOf(info[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, v ? 1 : 0);
    NEXT();
  }
  HANDLER(ARG_I8) {
    int32_t v;
    if (!GetI32(info[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, (int8_t)v);
    NEXT();
  }
  HANDLER(ARG_U8) {
    int32_t v;
    if (!GetI32(info[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, (uint8_t)v);
    NEXT();
  }
  HANDLER(ARG_I16) {
    int32_t v;
    if (!GetI32(info[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, (int16_t)v);
    NEXT();
  }
  HANDLER(ARG_U16) {
    int32_t v;
    if (!GetI32(info[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, (uint16_t)v);
    NEXT();
  }
  HANDLER(ARG_I32) {
    int32_t v;
    if (!GetI32(info[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, v);
    NEXT();
  }
  HANDLER(ARG_U32) {
    uint32_t v;
    if (!GetU32(info[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, v);
    NEXT();
  }
  HANDLER(ARG_I64) {
    int64_t v;
    if (!GetI64(info[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, v);
    NEXT();
  }
  HANDLER(ARG_U64) {
    uint64_t v;
    if (!GetU64(info[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, v);
    NEXT();
  }
  HANDLER(ARG_I16_SWAP) {
    int32_t v;
    if (!GetI32(info[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, (int16_t)__builtin_bswap16((uint16_t)v));
    NEXT();
  }
  HANDLER(ARG_U16_SWAP) {
    int32_t v;
    if (!GetI32(info[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, __builtin_bswap16((uint16_t)v));
    NEXT();
  }
  HANDLER(ARG_I32_SWAP) {
    int32_t v;
    if (!GetI32(info[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, (int32_t)__builtin_bswap32((uint32_t)v));
    NEXT();
  }
  HANDLER(ARG_U32_SWAP) {
    uint32_t v;
    if (!GetU32(info[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, __builtin_bswap32(v));
    NEXT();
  }
  HANDLER(ARG_I64_SWAP) {
    int64_t v;
    if (!GetI64(info[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, __builtin_bswap64((uint64_t)v));
    NEXT();
  }
  HANDLER(ARG_U64_SWAP) {
    uint64_t v;
    if (!GetU64(info[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, __builtin_bswap64(v));
    NEXT();
  }
  HANDLER(ARG_F32) {
    double v;
    if (!GetF64(info[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, 0);
    Store<float>(frame, ip->dst, (float)v);
    NEXT();
  }
  HANDLER(ARG_F64) {
    double v;
    if (!GetF64(info[ip->arg], &v)) FAIL_ARG();
    Store<double>(frame, ip->dst, v);
    NEXT();
  }
  HANDLER(ARG_PTR) {
    void *p;
    const TypeDesc *pointee = ip->type->ref;
    uint32_t need = pointee ? pointee->size : 0;
    switch (GetPointer(info[ip->arg], need, &p)) {
      case Got::Ok:
        Store<void *>(frame, ip->dst, p);
        break;
      case Got::TooSmall: ThrowBufferTooSmall(isolate, plan, ip->arg, need, info[ip->arg]); goto cleanup;
      default: {
        v8::Local<v8::Value> inner;
        const TypeDesc *cast;
        if (UnwrapCast(rt, isolate, info[ip->arg], &inner, &cast)) {
          if (!EncodeArg(isolate, plan, ip->arg, cast, inner, frame + ip->dst)) goto cleanup;
          break;
        }
        if (!pointee || !info[ip->arg]->IsObject()) FAIL_ARG();
        if (!EncodeArg(isolate, plan, ip->arg, ip->type, info[ip->arg], frame + ip->dst)) goto cleanup;
      }
    }
    NEXT();
  }
  HANDLER(ARG_AGG) {
    if (!EncodeArg(isolate, plan, ip->arg, ip->type, info[ip->arg], frame + ip->dst)) goto cleanup;
    NEXT();
  }
  HANDLER(ARG_SRET) {
    uint8_t *mem = rt->arena.Alloc(ip->type->size, ip->type->align < 16 ? 16 : ip->type->align);
    if (!mem) {
      ThrowArenaExhausted(isolate, plan);
      goto cleanup;
    }
    Store<uint8_t *>(frame, ip->dst, mem);
    NEXT();
  }
  HANDLER(MOVE8) {
    memcpy(frame + ip->dst, frame + ip->arg, 8);
    NEXT();
  }
  HANDLER(ARG_STR) {
    char *p;
    switch (GetUtf8(isolate, rt, info[ip->arg], &p)) {
      case Got::Ok: break;
      case Got::NoMemory: ThrowNoMemory(isolate, plan, ip->arg); goto cleanup;
      default: FAIL_ARG();
    }
    Store<char *>(frame, ip->dst, p);
    NEXT();
  }
  HANDLER(ARG_STR16) {
    char16_t *p;
    switch (GetUtf16(isolate, rt, info[ip->arg], &p)) {
      case Got::Ok: break;
      case Got::NoMemory: ThrowNoMemory(isolate, plan, ip->arg); goto cleanup;
      default: FAIL_ARG();
    }
    Store<char16_t *>(frame, ip->dst, p);
    NEXT();
  }
  HANDLER(ARG_STR32) {
    char32_t *p;
    switch (GetUtf32(isolate, rt, info[ip->arg], &p)) {
      case Got::Ok: break;
      case Got::NoMemory: ThrowNoMemory(isolate, plan, ip->arg); goto cleanup;
      default: FAIL_ARG();
    }
    Store<char32_t *>(frame, ip->dst, p);
    NEXT();
  }
  HANDLER(CALL) {
    Store<uint64_t>(frame, CP_X64_STACK_BYTES_OFFSET, ip->dst);
    Store<uint64_t>(frame, CP_X64_AL_OFFSET, ip->arg);
    if (ip->aux)
      cp_call_x64_sysv_gpr(plan->target, frame, ret);
    else
      cp_call_x64_sysv(plan->target, frame, ret);
    rt->last_errno = errno;
    NEXT();
  }
  HANDLER(RET_VOID) {
    result.SetUndefined();
    NEXT();
  }
  HANDLER(RET_BOOL) {
    result.Set(Load<uint8_t>(ret + CP_X64_RET_RAX) != 0);
    NEXT();
  }
  HANDLER(RET_I8) {
    result.Set((int32_t)(Load<int8_t>(ret + CP_X64_RET_RAX)));
    NEXT();
  }
  HANDLER(RET_U8) {
    result.Set((uint32_t)(Load<uint8_t>(ret + CP_X64_RET_RAX)));
    NEXT();
  }
  HANDLER(RET_I16) {
    result.Set((int32_t)(Load<int16_t>(ret + CP_X64_RET_RAX)));
    NEXT();
  }
  HANDLER(RET_U16) {
    result.Set((uint32_t)(Load<uint16_t>(ret + CP_X64_RET_RAX)));
    NEXT();
  }
  HANDLER(RET_I32) {
    result.Set((int32_t)(Load<int32_t>(ret + CP_X64_RET_RAX)));
    NEXT();
  }
  HANDLER(RET_U32) {
    result.Set((uint32_t)(Load<uint32_t>(ret + CP_X64_RET_RAX)));
    NEXT();
  }
  HANDLER(RET_I64) {
    SetI64(result, isolate, Load<int64_t>(ret + CP_X64_RET_RAX));
    NEXT();
  }
  HANDLER(RET_U64) {
    SetU64(result, isolate, Load<uint64_t>(ret + CP_X64_RET_RAX));
    NEXT();
  }
  HANDLER(RET_I16_SWAP) {
    result.Set((int32_t)((int16_t)__builtin_bswap16(Load<uint16_t>(ret + CP_X64_RET_RAX))));
    NEXT();
  }
  HANDLER(RET_U16_SWAP) {
    result.Set((uint32_t)(__builtin_bswap16(Load<uint16_t>(ret + CP_X64_RET_RAX))));
    NEXT();
  }
  HANDLER(RET_I32_SWAP) {
    result.Set((int32_t)((int32_t)__builtin_bswap32(Load<uint32_t>(ret + CP_X64_RET_RAX))));
    NEXT();
  }
  HANDLER(RET_U32_SWAP) {
    result.Set((uint32_t)(__builtin_bswap32(Load<uint32_t>(ret + CP_X64_RET_RAX))));
    NEXT();
  }
  HANDLER(RET_I64_SWAP) {
    SetI64(result, isolate, (int64_t)__builtin_bswap64(Load<uint64_t>(ret + CP_X64_RET_RAX)));
    NEXT();
  }
  HANDLER(RET_U64_SWAP) {
    SetU64(result, isolate, __builtin_bswap64(Load<uint64_t>(ret + CP_X64_RET_RAX)));
    NEXT();
  }
  HANDLER(RET_F32) {
    result.Set((double)(Load<float>(ret + CP_X64_RET_XMM0)));
    NEXT();
  }
  HANDLER(RET_F64) {
    result.Set((double)(Load<double>(ret + CP_X64_RET_XMM0)));
    NEXT();
  }
  HANDLER(RET_PTR) {
    uint64_t p = Load<uint64_t>(ret + CP_X64_RET_RAX);
    if (p)
      result.Set(v8::BigInt::NewFromUnsigned(isolate, p));
    else
      result.SetNull();
    NEXT();
  }
  HANDLER(RET_STR) {
    char *p = Load<char *>(ret + CP_X64_RET_RAX);
    v8::Local<v8::Value> str = MakeUtf8(isolate, p);
    if (str.IsEmpty()) goto cleanup;
    result.Set(str);
    if (p && ip->aux) Dispose(rt, p, ip->aux);
    NEXT();
  }
  HANDLER(RET_STR16) {
    char16_t *p = Load<char16_t *>(ret + CP_X64_RET_RAX);
    v8::Local<v8::Value> str = MakeUtf16(isolate, p);
    if (str.IsEmpty()) goto cleanup;
    result.Set(str);
    if (p && ip->aux) Dispose(rt, p, ip->aux);
    NEXT();
  }
  HANDLER(RET_STR32) {
    char32_t *p = Load<char32_t *>(ret + CP_X64_RET_RAX);
    v8::Local<v8::Value> str = MakeUtf32(isolate, rt, p);
    if (str.IsEmpty()) goto cleanup;
    result.Set(str);
    if (p && ip->aux) Dispose(rt, p, ip->aux);
    NEXT();
  }
  HANDLER(RET_AGG) {
    // Reassemble the aggregate from its eightbytes as the callee left them in registers.
    alignas(16) uint8_t bytes[16];
    memcpy(bytes, ret + 8 * (ip->dst & 0xF), 8);
    memcpy(bytes + 8, ret + 8 * ((ip->dst >> 4) & 0xF), 8);
    v8::Local<v8::Value> value = DecodeResult(isolate, rt, ip->type, bytes);
    if (value.IsEmpty()) goto cleanup;
    result.Set(value);
    NEXT();
  }
  HANDLER(RET_AGG_MEM) {
    v8::Local<v8::Value> value = DecodeResult(isolate, rt, ip->type, Load<uint8_t *>(ret + CP_X64_RET_RAX));
    if (value.IsEmpty()) goto cleanup;
    result.Set(value);
    NEXT();
  }
  HANDLER(POST_OUT) {
    if (!CopyBack(isolate, rt, ip->type, Load<uint8_t *>(frame + ip->dst), info[ip->arg])) goto cleanup;
    NEXT();
  }
  HANDLER(END) {
    goto cleanup;
  }

#ifndef CP_THREADED
  }
#endif
cleanup:
  rt->arena.top = mark;
  if (rt->overflow.size() != overflow_mark) FreeOverflow(rt, overflow_mark);
#undef HANDLER
#undef DISPATCH
#undef NEXT
#undef FAIL_ARG
}

static bool TakesType(uint32_t op) {
  return op == OP_ARG_PTR || op == OP_ARG_AGG || op == OP_ARG_SRET || op == OP_RET_AGG || op == OP_RET_AGG_MEM ||
         op == OP_POST_OUT;
}

// Plans come from the TypeScript compiler, but a malformed one must fail here rather than
// write outside its frame or read a missing argument.
bool DecodePlan(CallPlan *plan, const uint32_t *words, size_t count) {
  const void *const *table = DispatchTable();
  if (count < 4 || words[0] != kPlanMagic) return false;
  plan->nargs = words[1];
  plan->frame_bytes = words[2];
  uint32_t n = words[3];
  if (count != 4 + (size_t)n * 4 || n == 0 || plan->frame_bytes < CP_X64_STACK_OFFSET) return false;
  plan->code.resize(n);
  for (uint32_t i = 0; i < n; i++) {
    const uint32_t *w = words + 4 + i * 4;
    Inst &inst = plan->code[i];
    if (w[0] >= OP_COUNT) return false;
    inst.op = w[0];
    inst.dst = w[1];
    inst.arg = w[2];
    inst.aux = w[3];
    inst.handler = table ? table[w[0]] : nullptr;
    inst.type = nullptr;
    if (TakesType(inst.op)) {
      inst.type = GetTypeDesc(plan->rt, inst.aux);
      if (!inst.type) return false;
    }
    size_t write = 8;
    if (inst.op == OP_ARG_AGG) write = inst.type->size;
    bool is_arg = inst.op <= OP_ARG_SRET;
    if (is_arg && inst.op != OP_ARG_SRET && inst.arg >= plan->nargs) return false;
    if ((is_arg || inst.op == OP_MOVE8 || inst.op == OP_POST_OUT) && (size_t)inst.dst + write > plan->frame_bytes) return false;
    if (inst.op == OP_MOVE8 && (size_t)inst.arg + 8 > plan->frame_bytes) return false;
    if (inst.op == OP_POST_OUT && inst.arg >= plan->nargs) return false;
  }
  return plan->code[n - 1].op == OP_END;
}

}  // namespace callplan
