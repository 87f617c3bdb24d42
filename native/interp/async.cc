// Asynchronous calls: arguments are marshalled on the JS thread into a per-call arena, the
// call itself runs on a libuv worker, and results, output parameters and disposal run back on
// the JS thread. The plan is the synchronous one: this loop stops at CALL, and resumes after it.
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

struct AsyncCall {
  CallPlan *plan = nullptr;
  napi_async_work work = nullptr;
  uint8_t *block = nullptr;  // this call's arena memory, from the runtime's pool
  Arena arena;
  std::vector<void *> overflow;
  uint8_t *frame = nullptr;
  const Inst *call = nullptr;  // the CALL instruction; the second phase resumes after it
  alignas(16) uint8_t ret[32];
  int err_no = 0;
  bool failed = false;
  std::vector<v8::Global<v8::Value>> args;  // kept for output parameters
  v8::Global<v8::Function> callback;
  napi_deferred deferred = nullptr;
  v8::Global<v8::Value> error;
};

// Runs the plan from `ip` with the call's arena in place of the synchronous one, until CALL
// (first phase) or END (second phase). Returns false with a JS exception pending.
bool RunPhase(v8::Isolate *isolate, AsyncCall *call, const Inst *ip, const v8::FunctionCallbackInfo<v8::Value> *info,
              v8::Local<v8::Value> *out) {
  CallPlan *plan = call->plan;
  Runtime *rt = plan->rt;
  uint8_t *frame = call->frame;
  uint8_t *ret = call->ret;
#define HANDLER(name) case OP_##name:
#define NEXT() do { ++ip; goto dispatch; } while (0)
#define FAIL() return false
#define FAIL_ARG() do { ThrowArgType(isolate, plan, ip->arg, ip->op, ARGV(ip->arg)); return false; } while (0)
#define ARGV(i) (info ? (*info)[(int)(i)] : call->args[i].Get(isolate))
#define SET_I32(x) (*out = v8::Integer::New(isolate, (int32_t)(x)))
#define SET_U32(x) (*out = v8::Integer::NewFromUnsigned(isolate, (uint32_t)(x)))
#define SET_F64(x) (*out = v8::Number::New(isolate, (double)(x)))
#define SET_BOOL(x) (*out = v8::Boolean::New(isolate, (bool)(x)))
#define SET_I64(x) (*out = MakeI64(isolate, (x)))
#define SET_U64(x) (*out = MakeU64(isolate, (x)))
#define SET_VALUE(x) (*out = (x))
#define SET_NULL() (*out = v8::Null(isolate))
#define SET_UNDEFINED() (*out = v8::Undefined(isolate))
dispatch:
  switch (ip->op) {
#include "handlers.inc"
    HANDLER(CALL) {
      call->call = ip;
      return true;
    }
    HANDLER(END) {
      return true;
    }
    default:
      return false;
  }
#undef HANDLER
#undef NEXT
#undef FAIL
#undef FAIL_ARG
#undef ARGV
#undef SET_I32
#undef SET_U32
#undef SET_F64
#undef SET_BOOL
#undef SET_I64
#undef SET_U64
#undef SET_VALUE
#undef SET_NULL
#undef SET_UNDEFINED
}

// Swaps the call's arena and overflow list into the runtime for the duration of a phase, so
// the shared handlers allocate from the call's memory.
struct ArenaSwap {
  Runtime *rt;
  AsyncCall *call;
  ArenaSwap(Runtime *r, AsyncCall *c) : rt(r), call(c) {
    std::swap(rt->arena, call->arena);
    std::swap(rt->overflow, call->overflow);
  }
  ~ArenaSwap() {
    std::swap(rt->arena, call->arena);
    std::swap(rt->overflow, call->overflow);
  }
};

void ReleaseCall(Runtime *rt, AsyncCall *call) {
  for (void *p : call->overflow) free(p);
  if (call->block) {
    if (rt->async_pool.size() < rt->config.resident_async_pools && call->arena.end - call->block == (ptrdiff_t)rt->AsyncBlockSize())
      rt->async_pool.push_back(call->block);
    else
      free(call->block);
  }
  if (call->work) napi_delete_async_work(rt->env, call->work);
  rt->async_in_flight--;
  delete call;
}

void Execute(napi_env, void *data) {
  auto *call = static_cast<AsyncCall *>(data);
  if (call->failed) return;
  const Inst *ip = call->call;
  Store<uint64_t>(call->frame, CP_X64_STACK_BYTES_OFFSET, ip->dst);
  Store<uint64_t>(call->frame, CP_X64_AL_OFFSET, ip->arg);
  if (ip->aux)
    cp_call_x64_sysv_gpr(call->plan->target, call->frame, call->ret);
  else
    cp_call_x64_sysv(call->plan->target, call->frame, call->ret);
  call->err_no = errno;
}

void Complete(napi_env env, napi_status, void *data) {
  auto *call = static_cast<AsyncCall *>(data);
  Runtime *rt = call->plan->rt;
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = rt->context.Get(isolate);
  v8::Context::Scope context_scope(context);

  v8::Local<v8::Value> result = v8::Undefined(isolate);
  v8::Local<v8::Value> error = v8::Null(isolate);
  if (call->failed) {
    error = call->error.Get(isolate);
  } else {
    rt->last_errno = call->err_no;
    v8::TryCatch try_catch(isolate);
    bool ok;
    {
      ArenaSwap swap(rt, call);
      ok = RunPhase(isolate, call, call->call + 1, nullptr, &result);
    }
    if (!ok) {
      error = try_catch.HasCaught() ? try_catch.Exception() : v8::Exception::Error(NewString(isolate, "async call failed")).As<v8::Value>();
      result = v8::Undefined(isolate);
    }
  }

  if (call->deferred) {
    if (call->failed || !error->IsNull())
      napi_reject_deferred(env, call->deferred, ToNapi(error));
    else
      napi_resolve_deferred(env, call->deferred, ToNapi(result));
  } else {
    napi_value argv[2] = {ToNapi(error), ToNapi(result)};
    napi_value fn = ToNapi(call->callback.Get(isolate));
    napi_value recv;
    napi_get_undefined(env, &recv);
    // An exception from the completion callback surfaces as uncaught, like any callback's.
    napi_call_function(env, recv, fn, 2, argv, nullptr);
  }
  ReleaseCall(rt, call);
}

}  // namespace

size_t Runtime::AsyncBlockSize() const { return (size_t)(config.async_stack_size + config.async_heap_size); }

// fn.async(...args, callback) or fn.async(...args) -> Promise.
void InvokeAsync(const v8::FunctionCallbackInfo<v8::Value> &info) {
  v8::Isolate *isolate = info.GetIsolate();
  CallPlan *plan = static_cast<CallPlan *>(info.Data().As<v8::Object>()->GetAlignedPointerFromInternalField(0));
  Runtime *rt = plan->rt;
  uint32_t argc = (uint32_t)info.Length();
  bool with_callback = argc == plan->nargs + 1 && info[(int)plan->nargs]->IsFunction();
  if (plan->nargs == kUnloadedArity) return ThrowUnloaded(isolate, plan);
  if (!with_callback && argc != plan->nargs) {
    std::string msg = plan->name + ".async(): expected " + std::to_string(plan->nargs) + " argument" +
                      (plan->nargs == 1 ? "" : "s") + " and an optional callback, received " + std::to_string(argc);
    isolate->ThrowException(v8::Exception::TypeError(NewString(isolate, msg)));
    return;
  }
  rt->memory_used = true;
  rt->async_memory_used = true;

  auto *call = new AsyncCall();
  call->plan = plan;
  rt->async_in_flight++;
  if (with_callback) {
    call->callback.Reset(isolate, info[(int)plan->nargs].As<v8::Function>());
  } else {
    napi_value promise;
    napi_create_promise(rt->env, &call->deferred, &promise);
    info.GetReturnValue().Set(ToLocal(promise));
  }

  v8::TryCatch try_catch(isolate);
  if (rt->async_in_flight > rt->config.max_async_calls) {
    call->failed = true;
    call->error.Reset(isolate, v8::Exception::Error(NewString(
        isolate, plan->name + ".async(): too many asynchronous calls in flight (max_async_calls is " +
                     std::to_string(rt->config.max_async_calls) + ")")));
  } else {
    size_t size = rt->AsyncBlockSize();
    if (!rt->async_pool.empty()) {
      call->block = rt->async_pool.back();
      rt->async_pool.pop_back();
    } else {
      call->block = static_cast<uint8_t *>(aligned_alloc(64, (size + 63) & ~(size_t)63));
    }
    if (call->block) {
      call->arena.base = call->arena.top = call->block;
      call->arena.end = call->block + size;
      call->frame = call->arena.Alloc(plan->frame_bytes);
    }
    if (!call->frame) {
      call->failed = true;
      call->error.Reset(isolate, v8::Exception::Error(NewString(
          isolate, plan->name + ".async(): the call memory is exhausted (raise async_stack_size)")));
    } else {
      if (plan->has_output) {
        call->args.resize(plan->nargs);
        for (uint32_t i = 0; i < plan->nargs; i++) call->args[i].Reset(isolate, info[(int)i]);
      }
      bool ok;
      {
        ArenaSwap swap(rt, call);
        ok = RunPhase(isolate, call, plan->code.data(), &info, nullptr);
      }
      if (!ok || !call->call) {
        call->failed = true;
        call->error.Reset(isolate, try_catch.HasCaught() ? try_catch.Exception()
                                                         : v8::Exception::Error(NewString(isolate, "async call failed")).As<v8::Value>());
      }
    }
  }
  try_catch.Reset();

  napi_value name;
  napi_create_string_utf8(rt->env, plan->name.c_str(), plan->name.size(), &name);
  napi_create_async_work(rt->env, nullptr, name, Execute, Complete, call, &call->work);
  napi_queue_async_work(rt->env, call->work);
}

void FreeAsyncPool(Runtime *rt) {
  for (uint8_t *block : rt->async_pool) free(block);
  rt->async_pool.clear();
}

}  // namespace callplan
