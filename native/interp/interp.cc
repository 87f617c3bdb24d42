// The interpreter: runs a pre-decoded call plan for every call of a declared function.
// Handlers are written once; with GCC/Clang they are reached by direct threading (each
// instruction carries its handler address), elsewhere through a switch.
#include "runtime.h"
#include "convert.h"
#include "call.h"
#include "marshal.h"
#include "callback.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>


#if defined(__GNUC__)
#define CP_THREADED 1
#endif

namespace callplan {

namespace {


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

void FreeOverflow(Runtime *rt, size_t mark) {
  for (size_t i = mark; i < rt->overflow.size(); i++) free(rt->overflow[i]);
  rt->overflow.resize(mark);
}

}  // namespace

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
    // Only what was marshalled: a getter may have grown the array since.
    uint64_t marshalled = PointeeCount(pointee, mem);
    uint32_t n = array->Length();
    if (n > marshalled) n = (uint32_t)marshalled;
    for (uint32_t i = 0; i < n; i++) {
      v8::Local<v8::Value> element = m.Decode(pointee, mem + (size_t)i * pointee->size);
      if (element.IsEmpty() || array->Set(m.context, i, element).IsNothing()) return false;
    }
    return true;
  }
  return m.DecodeInto(pointee, mem, target);
}

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
#define FAIL() goto cleanup
#define FAIL_ARG() do { ThrowArgType(isolate, plan, ip->arg, ip->op, info[ip->arg]); goto cleanup; } while (0)
#define ARGV(i) info[i]
#define SET_I32(x) result.Set((int32_t)(x))
#define SET_U32(x) result.Set((uint32_t)(x))
#define SET_F64(x) result.Set((double)(x))
#define SET_BOOL(x) result.Set((bool)(x))
#define SET_I64(x) SetI64(result, isolate, (x))
#define SET_U64(x) SetU64(result, isolate, (x))
#define SET_VALUE(x) result.Set(x)
#define SET_NULL() result.SetNull()
#define SET_UNDEFINED() result.SetUndefined()

  CallPlan *plan = GetFieldPointer<CallPlan>(info.Data().As<v8::Object>(), kHolderPlan, FieldKind::kCallPlan);
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
  size_t transient_mark = rt->transients.size();
  const Inst *ip = plan->code.data();
  alignas(16) uint8_t ret[CP_RET_SIZE];
  v8::ReturnValue<v8::Value> result = info.GetReturnValue();

#ifndef CP_THREADED
dispatch:
  switch (ip->op) {
#else
  DISPATCH();
#endif

#include "handlers.inc"
  HANDLER(CALL) {
    rt->in_native.store(1, std::memory_order_relaxed);
    *rt->errno_location = rt->last_errno;
    CallTarget(plan->target, ip, frame, ret);
    rt->in_native.store(0, std::memory_order_relaxed);
    rt->last_errno = *rt->errno_location;
    // A callback threw, or callbacks from other threads wait: rare, one branch otherwise.
    if (__builtin_expect(rt->attention.load(std::memory_order_relaxed) != 0, 0) && !HandleAttention(rt, isolate))
      goto cleanup;
    NEXT();
  }
  HANDLER(ARG_CALLBACK) {
    v8::Local<v8::Value> v = info[ip->arg];
    void *p;
    if (v->IsFunction()) {
      p = AcquireTransient(rt, plan, ip->arg, ip->aux, v);
      if (!p) goto cleanup;
    } else if (v->IsBigInt() || v->IsNullOrUndefined()) {
      if (GetPointer(v, 0, &p) != Got::Ok) {
        ThrowCallbackArgType(isolate, plan, ip->arg, v);
        goto cleanup;
      }
    } else {
      // Buffers are refused too: JS memory is no code for C to call.
      ThrowCallbackArgType(isolate, plan, ip->arg, v);
      goto cleanup;
    }
    Store<void *>(frame, ip->dst, p);
    NEXT();
  }
  // Callback plan ops never appear in call plans (DecodePlan refuses them).
  HANDLER(CB_LOAD)
  HANDLER(CB_ARG)
  HANDLER(CB_ARG_AGG)
  HANDLER(CB_ARG_REF)
  HANDLER(CB_RET)
  HANDLER(CB_RET_AGG)
  HANDLER(CB_RET_AGG_MEM) {
    goto cleanup;
  }
  HANDLER(END) {
    goto cleanup;
  }

#ifndef CP_THREADED
  }
#endif
cleanup:
  rt->arena.top = mark;
  if (rt->transients.size() != transient_mark) ReleaseTransients(rt, transient_mark);
  if (rt->overflow.size() != overflow_mark) FreeOverflow(rt, overflow_mark);
#undef DISPATCH
#include "handlers_end.inc"
}

static bool TakesType(uint32_t op) {
  return op == OP_ARG_PTR || op == OP_ARG_OUT || op == OP_ARG_AGG || op == OP_ARG_SRET || op == OP_RET_AGG || op == OP_RET_AGG_MEM ||
         op == OP_POST_OUT;
}

// Plans come from the TypeScript compiler, but a malformed one must fail here rather than
// write outside its frame or read a missing argument.
bool DecodePlan(Runtime *rt, PlanCode *plan, const uint32_t *words, size_t count) {
  const void *const *table = DispatchTable();
  if (count < 4 || words[0] != kPlanMagic) return false;
  plan->nargs = words[1];
  plan->frame_bytes = words[2];
  uint32_t n = words[3];
  if (count != 4 + (size_t)n * 4 || n == 0 || plan->frame_bytes < CP_FRAME_STACK) return false;
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
      inst.type = GetTypeDesc(rt, inst.aux);
      if (!inst.type) return false;
    }
    size_t write = 8;
    if (inst.op == OP_ARG_AGG) write = inst.type->size;
    bool is_arg = inst.op <= OP_ARG_SRET;
    if (is_arg && inst.op != OP_ARG_SRET && inst.arg >= plan->nargs) return false;
    if (inst.op == OP_MOVE) {
      if (inst.aux != 4 && inst.aux != 8) return false;
      write = inst.aux;
    }
    if ((is_arg || inst.op == OP_MOVE || inst.op == OP_ADDR || inst.op == OP_POST_OUT || inst.op == OP_RET_AGG_MEM) &&
        (size_t)inst.dst + write > plan->frame_bytes)
      return false;
    if ((inst.op == OP_MOVE || inst.op == OP_ADDR) && (size_t)inst.arg + write > plan->frame_bytes) return false;
    if (inst.op == OP_RET_AGG && !PiecesFit(inst.dst, inst.arg, inst.type->size, CP_RET_SIZE)) return false;
    if (inst.op == OP_POST_OUT && inst.arg >= plan->nargs) return false;
    // Async calls keep the JS arguments alive until they complete when C may see their memory
    // (buffers passed as pointers or strings) or must write back into them.
    if (inst.op == OP_POST_OUT || inst.op == OP_ARG_PTR || inst.op == OP_ARG_OUT || (inst.op >= OP_ARG_STR && inst.op <= OP_ARG_STR32))
      plan->has_output = true;
    if (inst.op == OP_ARG_CALLBACK && inst.arg + 1 == plan->nargs) plan->last_arg_callback = true;
    if (inst.op == OP_ARG_CALLBACK &&
        (inst.arg >= plan->nargs || (size_t)inst.dst + 8 > plan->frame_bytes || !IsCallbackProto(rt, inst.aux)))
      return false;
    if (inst.op >= OP_CB_LOAD && inst.op <= OP_CB_RET_AGG_MEM) return false;
  }
  return plan->code[n - 1].op == OP_END;
}

}  // namespace callplan
