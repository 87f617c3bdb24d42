// The interpreter: runs a pre-decoded call plan for every call of a declared function.
// Handlers are written once; with GCC/Clang they are reached by direct threading (each
// instruction carries its handler address), elsewhere through a switch.
#include "runtime.h"
#include "convert.h"
#include "frame_x64_sysv.h"

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

constexpr size_t kInlineArgs = 16;
constexpr double kMaxSafe = 9007199254740992.0;  // 2^53

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

inline napi_value MakeI64(napi_env env, int64_t v) {
  napi_value out;
  if (v >= -(int64_t)kMaxSafe && v <= (int64_t)kMaxSafe)
    napi_create_double(env, (double)v, &out);
  else
    napi_create_bigint_int64(env, v, &out);
  return out;
}

inline napi_value MakeU64(napi_env env, uint64_t v) {
  napi_value out;
  if (v <= (uint64_t)kMaxSafe)
    napi_create_double(env, (double)v, &out);
  else
    napi_create_bigint_uint64(env, v, &out);
  return out;
}

void FreeOverflow(Runtime *rt, size_t mark) {
  for (size_t i = mark; i < rt->overflow.size(); i++) free(rt->overflow[i]);
  rt->overflow.resize(mark);
}

}  // namespace

static napi_value Interpret(napi_env env, CallPlan *plan, napi_value *argv, uint8_t *frame);
static napi_value Run(napi_env env, napi_callback_info info, CallPlan *plan, napi_value *argv, size_t argc);

const void *const *DispatchTable() {
#ifdef CP_THREADED
  return reinterpret_cast<const void *const *>(Interpret(nullptr, nullptr, nullptr, nullptr));
#else
  return nullptr;
#endif
}

// Arguments arrive in an array sized for the declared count, so Node-API does not pad unused
// slots with undefined; functions with more parameters than kInlineArgs take the arena path.
template <size_t kCapacity>
static napi_value InvokeFixed(napi_env env, napi_callback_info info) {
  napi_value argv[kCapacity ? kCapacity : 1];
  size_t argc = kCapacity;
  void *data;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  return Run(env, info, static_cast<CallPlan *>(data), argv, argc);
}

static napi_value Run(napi_env env, napi_callback_info info, CallPlan *plan, napi_value *argv, size_t argc) {
  if (argc != plan->nargs) return ThrowArity(env, plan, argc);
  if (!plan->lib->loaded) return ThrowUnloaded(env, plan);

  Runtime *rt = plan->rt;
  uint8_t *mark = rt->arena.top;
  uint8_t *frame = rt->arena.Alloc(plan->frame_bytes);
  if (!frame) {
    if (!rt->EnsureArena()) return ThrowArenaExhausted(env, plan);
    mark = rt->arena.top;
    frame = rt->arena.Alloc(plan->frame_bytes);
    if (!frame) return ThrowArenaExhausted(env, plan);
  }
  if (argc > kInlineArgs) {
    argv = reinterpret_cast<napi_value *>(rt->arena.Alloc(argc * sizeof(napi_value), 8));
    if (!argv) {
      rt->arena.top = mark;
      return ThrowArenaExhausted(env, plan);
    }
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  }
  size_t overflow_mark = rt->overflow.size();
  napi_value result = Interpret(env, plan, argv, frame);
  rt->arena.top = mark;
  if (rt->overflow.size() != overflow_mark) FreeOverflow(rt, overflow_mark);
  return result;
}

napi_callback InvokerFor(uint32_t nargs) {
  static const napi_callback kInvokers[] = {
      InvokeFixed<0>, InvokeFixed<1>, InvokeFixed<2>,  InvokeFixed<3>,  InvokeFixed<4>,  InvokeFixed<5>,
      InvokeFixed<6>, InvokeFixed<7>, InvokeFixed<8>,  InvokeFixed<9>,  InvokeFixed<10>, InvokeFixed<11>,
      InvokeFixed<12>, InvokeFixed<13>, InvokeFixed<14>, InvokeFixed<15>, InvokeFixed<16>};
  static_assert(sizeof(kInvokers) / sizeof(kInvokers[0]) == kInlineArgs + 1, "one invoker per inline count");
  return kInvokers[nargs < kInlineArgs ? nargs : kInlineArgs];
}

// Returns the JS result, or nullptr with an exception pending.
static napi_value Interpret(napi_env env, CallPlan *plan, napi_value *argv, uint8_t *frame) {
#ifdef CP_THREADED
#define OP(name, doc) &&L_##name,
  static const void *const labels[] = {
#include "ops.def"
  };
#undef OP
  static_assert(sizeof(labels) / sizeof(labels[0]) == OP_COUNT, "one label per opcode");
  if (!env) return reinterpret_cast<napi_value>(const_cast<void **>(labels));
#define HANDLER(name) L_##name:
#define DISPATCH() goto *ip->handler
#else
#define HANDLER(name) case OP_##name:
#define DISPATCH() goto dispatch
#endif
#define NEXT() do { ++ip; DISPATCH(); } while (0)
#define FAIL_ARG() do { ThrowArgType(env, plan, ip->arg, ip->op, argv[ip->arg]); return nullptr; } while (0)

  Runtime *rt = plan->rt;
  const Inst *ip = plan->code.data();
  alignas(16) uint8_t ret[32];
  napi_value result = nullptr;

#ifndef CP_THREADED
dispatch:
  switch (ip->op) {
#else
  DISPATCH();
#endif

  HANDLER(ARG_BOOL) {
    bool v;
    if (napi_get_value_bool(env, argv[ip->arg], &v) != napi_ok) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, v ? 1 : 0);
    NEXT();
  }
  HANDLER(ARG_I8) {
    int32_t v;
    if (!GetI32(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, (int8_t)v);
    NEXT();
  }
  HANDLER(ARG_U8) {
    int32_t v;
    if (!GetI32(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, (uint8_t)v);
    NEXT();
  }
  HANDLER(ARG_I16) {
    int32_t v;
    if (!GetI32(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, (int16_t)v);
    NEXT();
  }
  HANDLER(ARG_U16) {
    int32_t v;
    if (!GetI32(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, (uint16_t)v);
    NEXT();
  }
  HANDLER(ARG_I32) {
    int32_t v;
    if (!GetI32(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, v);
    NEXT();
  }
  HANDLER(ARG_U32) {
    uint32_t v;
    if (!GetU32(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, v);
    NEXT();
  }
  HANDLER(ARG_I64) {
    int64_t v;
    if (!GetI64(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, v);
    NEXT();
  }
  HANDLER(ARG_U64) {
    uint64_t v;
    if (!GetU64(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, v);
    NEXT();
  }
  HANDLER(ARG_I16_SWAP) {
    int32_t v;
    if (!GetI32(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, (int16_t)__builtin_bswap16((uint16_t)v));
    NEXT();
  }
  HANDLER(ARG_U16_SWAP) {
    int32_t v;
    if (!GetI32(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, __builtin_bswap16((uint16_t)v));
    NEXT();
  }
  HANDLER(ARG_I32_SWAP) {
    int32_t v;
    if (!GetI32(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<int64_t>(frame, ip->dst, (int32_t)__builtin_bswap32((uint32_t)v));
    NEXT();
  }
  HANDLER(ARG_U32_SWAP) {
    uint32_t v;
    if (!GetU32(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, __builtin_bswap32(v));
    NEXT();
  }
  HANDLER(ARG_I64_SWAP) {
    int64_t v;
    if (!GetI64(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, __builtin_bswap64((uint64_t)v));
    NEXT();
  }
  HANDLER(ARG_U64_SWAP) {
    uint64_t v;
    if (!GetU64(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, __builtin_bswap64(v));
    NEXT();
  }
  HANDLER(ARG_F32) {
    double v;
    if (!GetF64(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<uint64_t>(frame, ip->dst, 0);
    Store<float>(frame, ip->dst, (float)v);
    NEXT();
  }
  HANDLER(ARG_F64) {
    double v;
    if (!GetF64(env, argv[ip->arg], &v)) FAIL_ARG();
    Store<double>(frame, ip->dst, v);
    NEXT();
  }
  HANDLER(ARG_PTR) {
    void *p;
    switch (GetPointer(env, argv[ip->arg], ip->aux, &p)) {
      case Got::Ok: break;
      case Got::TooSmall: ThrowBufferTooSmall(env, plan, ip->arg, ip->aux, argv[ip->arg]); return nullptr;
      default: FAIL_ARG();
    }
    Store<void *>(frame, ip->dst, p);
    NEXT();
  }
  HANDLER(ARG_STR) {
    char *p;
    switch (GetUtf8(env, rt, argv[ip->arg], &p)) {
      case Got::Ok: break;
      case Got::NoMemory: ThrowNoMemory(env, plan, ip->arg); return nullptr;
      default: FAIL_ARG();
    }
    Store<char *>(frame, ip->dst, p);
    NEXT();
  }
  HANDLER(ARG_STR16) {
    char16_t *p;
    switch (GetUtf16(env, rt, argv[ip->arg], &p)) {
      case Got::Ok: break;
      case Got::NoMemory: ThrowNoMemory(env, plan, ip->arg); return nullptr;
      default: FAIL_ARG();
    }
    Store<char16_t *>(frame, ip->dst, p);
    NEXT();
  }
  HANDLER(ARG_STR32) {
    char32_t *p;
    switch (GetUtf32(env, rt, argv[ip->arg], &p)) {
      case Got::Ok: break;
      case Got::NoMemory: ThrowNoMemory(env, plan, ip->arg); return nullptr;
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
    napi_get_undefined(env, &result);
    NEXT();
  }
  HANDLER(RET_BOOL) {
    napi_get_boolean(env, Load<uint8_t>(ret + CP_X64_RET_RAX) != 0, &result);
    NEXT();
  }
  HANDLER(RET_I8) {
    napi_create_int32(env, Load<int8_t>(ret + CP_X64_RET_RAX), &result);
    NEXT();
  }
  HANDLER(RET_U8) {
    napi_create_uint32(env, Load<uint8_t>(ret + CP_X64_RET_RAX), &result);
    NEXT();
  }
  HANDLER(RET_I16) {
    napi_create_int32(env, Load<int16_t>(ret + CP_X64_RET_RAX), &result);
    NEXT();
  }
  HANDLER(RET_U16) {
    napi_create_uint32(env, Load<uint16_t>(ret + CP_X64_RET_RAX), &result);
    NEXT();
  }
  HANDLER(RET_I32) {
    napi_create_int32(env, Load<int32_t>(ret + CP_X64_RET_RAX), &result);
    NEXT();
  }
  HANDLER(RET_U32) {
    napi_create_uint32(env, Load<uint32_t>(ret + CP_X64_RET_RAX), &result);
    NEXT();
  }
  HANDLER(RET_I64) {
    result = MakeI64(env, Load<int64_t>(ret + CP_X64_RET_RAX));
    NEXT();
  }
  HANDLER(RET_U64) {
    result = MakeU64(env, Load<uint64_t>(ret + CP_X64_RET_RAX));
    NEXT();
  }
  HANDLER(RET_I16_SWAP) {
    napi_create_int32(env, (int16_t)__builtin_bswap16(Load<uint16_t>(ret + CP_X64_RET_RAX)), &result);
    NEXT();
  }
  HANDLER(RET_U16_SWAP) {
    napi_create_uint32(env, __builtin_bswap16(Load<uint16_t>(ret + CP_X64_RET_RAX)), &result);
    NEXT();
  }
  HANDLER(RET_I32_SWAP) {
    napi_create_int32(env, (int32_t)__builtin_bswap32(Load<uint32_t>(ret + CP_X64_RET_RAX)), &result);
    NEXT();
  }
  HANDLER(RET_U32_SWAP) {
    napi_create_uint32(env, __builtin_bswap32(Load<uint32_t>(ret + CP_X64_RET_RAX)), &result);
    NEXT();
  }
  HANDLER(RET_I64_SWAP) {
    result = MakeI64(env, (int64_t)__builtin_bswap64(Load<uint64_t>(ret + CP_X64_RET_RAX)));
    NEXT();
  }
  HANDLER(RET_U64_SWAP) {
    result = MakeU64(env, __builtin_bswap64(Load<uint64_t>(ret + CP_X64_RET_RAX)));
    NEXT();
  }
  HANDLER(RET_F32) {
    napi_create_double(env, Load<float>(ret + CP_X64_RET_XMM0), &result);
    NEXT();
  }
  HANDLER(RET_F64) {
    napi_create_double(env, Load<double>(ret + CP_X64_RET_XMM0), &result);
    NEXT();
  }
  HANDLER(RET_PTR) {
    uint64_t p = Load<uint64_t>(ret + CP_X64_RET_RAX);
    if (p)
      napi_create_bigint_uint64(env, p, &result);
    else
      napi_get_null(env, &result);
    NEXT();
  }
  HANDLER(RET_STR) {
    char *p = Load<char *>(ret + CP_X64_RET_RAX);
    result = MakeUtf8(env, p);
    if (p && ip->aux) Dispose(rt, p, ip->aux);
    NEXT();
  }
  HANDLER(RET_STR16) {
    char16_t *p = Load<char16_t *>(ret + CP_X64_RET_RAX);
    result = MakeUtf16(env, p);
    if (p && ip->aux) Dispose(rt, p, ip->aux);
    NEXT();
  }
  HANDLER(RET_STR32) {
    char32_t *p = Load<char32_t *>(ret + CP_X64_RET_RAX);
    result = MakeUtf32(env, rt, p);
    if (p && ip->aux) Dispose(rt, p, ip->aux);
    NEXT();
  }
  HANDLER(END) {
    return result;
  }

#ifndef CP_THREADED
  }
  return nullptr;
#endif
#undef HANDLER
#undef DISPATCH
#undef NEXT
#undef FAIL_ARG
}

bool DecodePlan(napi_env env, CallPlan *plan, const uint32_t *words, size_t count) {
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
    // A plan that writes outside its frame or reads a missing argument would corrupt memory.
    if (inst.op < OP_CALL && (inst.arg >= plan->nargs || (size_t)inst.dst + 8 > plan->frame_bytes)) return false;
  }
  (void)env;
  return plan->code[n - 1].op == OP_END;
}

}  // namespace callplan
