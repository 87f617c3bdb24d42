// Asynchronous calls: arguments are marshalled on the JS thread into a per-call arena, the
// call itself runs on one of callplan's worker threads, and results, output parameters and
// disposal run back on the JS thread. The plan is the synchronous one: this loop stops at
// CALL, and resumes after it. Completions are handed back in batches through one uv_async_t,
// so many calls in flight cost one loop wake-up, not one each.
#include "runtime.h"
#include "convert.h"
#include "call.h"
#include "marshal.h"
#include "callback.h"

#include <uv.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>


namespace callplan {

namespace {


struct AsyncCall {
  CallPlan *plan = nullptr;
  // The object owning the plan: the declared function may be collected while its call runs.
  v8::Global<v8::Value> plan_holder;
  uint8_t *block = nullptr;  // this call's arena memory, from the runtime's pool
  Arena arena;
  std::vector<void *> overflow;
  uint8_t *frame = nullptr;
  const Inst *call = nullptr;  // the CALL instruction; the second phase resumes after it
  alignas(16) uint8_t ret[CP_RET_SIZE];
  int err_no = 0;
  bool failed = false;
  std::vector<v8::Global<v8::Value>> args;  // kept for output parameters
  // The memory of buffers passed to C: it stays alive even if JS detaches or transfers them
  // while the call runs on a worker.
  std::vector<std::shared_ptr<v8::BackingStore>> stores;
  v8::Global<v8::Function> callback;
  napi_deferred deferred = nullptr;
  v8::Global<v8::Value> error;
  std::vector<uint32_t> callback_slots;  // transient callbacks, valid until the call completes
  v8::Global<v8::Value> callback_error;  // the first exception thrown by one of them
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
    HANDLER(ARG_CALLBACK) {
      v8::Local<v8::Value> v = ARGV(ip->arg);
      void *p;
      if (v->IsFunction()) {
        int64_t slot = AcquireCallbackSlot(rt, plan, ip->arg, ip->aux, v, &p);
        if (slot < 0) return false;
        call->callback_slots.push_back((uint32_t)slot);
        // Called from a worker while JS idles: its exception goes to this call's callback.
        SetCallbackErrorSink(rt, (uint32_t)slot, &call->callback_error);
      } else if (v->IsBigInt() || v->IsNullOrUndefined()) {
        if (GetPointer(v, 0, &p) != Got::Ok) {
          ThrowCallbackArgType(isolate, plan, ip->arg, v);
          return false;
        }
      } else {
        ThrowCallbackArgType(isolate, plan, ip->arg, v);
        return false;
      }
      Store<void *>(frame, ip->dst, p);
      NEXT();
    }
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
#include "handlers_end.inc"
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
  if (!call->callback_slots.empty()) ReleaseCallbackSlots(rt, call->callback_slots.data(), call->callback_slots.size());
  for (void *p : call->overflow) free(p);
  if (call->block) {
    if (rt->async_pool.size() < rt->config.resident_async_pools && call->arena.end - call->block == (ptrdiff_t)rt->AsyncBlockSize())
      rt->async_pool.push_back(call->block);
    else
      free(call->block);
  }
  rt->async_in_flight--;
  delete call;
}

void Execute(AsyncCall *call) {
  if (call->failed) return;
  CallTarget(call->plan->target, call->call, call->frame, call->ret);
  call->err_no = errno;
}

// Finishes one call on the JS thread: the second phase of its plan, then its callback or
// Promise. Runs inside the batch's handle and callback scopes.
void Complete(napi_env env, AsyncCall *call) {
  Runtime *rt = call->plan->rt;
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  v8::HandleScope scope(isolate);

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

  if (error->IsNull() && !call->callback_error.IsEmpty()) {
    error = call->callback_error.Get(isolate);
    result = v8::Undefined(isolate);
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
    if (napi_call_function(env, recv, fn, 2, argv, nullptr) == napi_pending_exception) {
      napi_value exception;
      napi_get_and_clear_last_exception(env, &exception);
      napi_fatal_exception(env, exception);
    }
  }
  ReleaseCall(rt, call);
}

}  // namespace

// The worker threads of one environment, and the way back to its event loop.
struct AsyncPool {
  Runtime *rt = nullptr;
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<AsyncCall *> pending;
  bool stopping = false;
  std::mutex done_mutex;
  std::vector<AsyncCall *> done;
  uv_async_t *signal = nullptr;
  napi_async_context async_context = nullptr;
  napi_ref resource = nullptr;
  bool referenced = false;

  // Thread wake-ups cost more than most calls: a worker that runs out of work spins a little
  // before sleeping, and submitters wake a sleeper only when nobody is spinning.
  std::atomic<size_t> queued{0};
  int spinners = 0;  // guarded by mutex
  int sleepers = 0;  // guarded by mutex

  void Work() {
    for (;;) {
      AsyncCall *call;
      {
        std::unique_lock<std::mutex> lock(mutex);
        if (pending.empty() && !stopping) {
          spinners++;
          lock.unlock();
          for (int i = 0; i < kSpins && !queued.load(std::memory_order_relaxed) && !stopping_relaxed(); i++) Pause();
          lock.lock();
          spinners--;
          sleepers++;
          wake.wait(lock, [this] { return stopping || !pending.empty(); });
          sleepers--;
        }
        if (pending.empty()) return;
        call = pending.front();
        pending.pop_front();
        queued.fetch_sub(1, std::memory_order_relaxed);
      }
      Execute(call);
      Finish(call);
    }
  }

  static constexpr int kSpins = 512;
  static void Pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }
  bool stopping_relaxed() const { return stopping_flag.load(std::memory_order_relaxed); }
  std::atomic<bool> stopping_flag{false};

  void Finish(AsyncCall *call) {
    {
      std::lock_guard<std::mutex> lock(done_mutex);
      done.push_back(call);
    }
    uv_async_send(signal);
  }

  // The loop is kept alive only while calls are in flight.
  void Reference(bool on) {
    if (on == referenced) return;
    referenced = on;
    if (on)
      uv_ref(reinterpret_cast<uv_handle_t *>(signal));
    else
      uv_unref(reinterpret_cast<uv_handle_t *>(signal));
  }

  static void OnSignal(uv_async_t *handle) {
    auto *pool = static_cast<AsyncPool *>(handle->data);
    Runtime *rt = pool->rt;
    std::vector<AsyncCall *> batch;
    {
      std::lock_guard<std::mutex> lock(pool->done_mutex);
      batch.swap(pool->done);
    }
    if (!batch.empty()) {
      napi_env env = rt->env;
      napi_handle_scope handles;
      napi_open_handle_scope(env, &handles);
      v8::Isolate *isolate = v8::Isolate::GetCurrent();
      v8::Context::Scope context_scope(rt->context.Get(isolate));
      napi_value resource;
      napi_get_reference_value(env, pool->resource, &resource);
      // Microtasks (Promise reactions) and nextTicks run when the callback scope closes.
      napi_callback_scope scope;
      napi_open_callback_scope(env, resource, pool->async_context, &scope);
      for (AsyncCall *call : batch) Complete(env, call);
      napi_close_callback_scope(env, scope);
      napi_close_handle_scope(env, handles);
    }
    if (rt->async_in_flight == 0) pool->Reference(false);
  }

  static void Stop(void *data) {
    auto *pool = static_cast<AsyncPool *>(data);
    {
      std::lock_guard<std::mutex> lock(pool->mutex);
      pool->stopping = true;
      pool->stopping_flag = true;
      pool->pending.clear();
    }
    pool->wake.notify_all();
    for (std::thread &t : pool->threads) t.join();
    napi_async_destroy(pool->rt->env, pool->async_context);
    napi_delete_reference(pool->rt->env, pool->resource);
    // No close callback: in a worker it could run after the addon is unloaded. The handle's
    // few bytes are left to the dying environment.
    uv_close(reinterpret_cast<uv_handle_t *>(pool->signal), nullptr);
    pool->rt->async = nullptr;
    delete pool;
  }
};

static AsyncPool *GetPool(Runtime *rt) {
  if (rt->async) return rt->async;
  auto *pool = new AsyncPool();
  pool->rt = rt;
  uv_loop_t *loop;
  napi_get_uv_event_loop(rt->env, &loop);
  pool->signal = new uv_async_t();
  uv_async_init(loop, pool->signal, AsyncPool::OnSignal);
  pool->signal->data = pool;
  uv_unref(reinterpret_cast<uv_handle_t *>(pool->signal));
  napi_value resource, name;
  napi_create_object(rt->env, &resource);
  napi_create_reference(rt->env, resource, 1, &pool->resource);
  napi_create_string_utf8(rt->env, "callplan:async", NAPI_AUTO_LENGTH, &name);
  napi_async_init(rt->env, resource, name, &pool->async_context);
  unsigned cores = std::thread::hardware_concurrency();
  unsigned count = std::min(std::max(cores, 4u), 16u);
  for (unsigned i = 0; i < count; i++) pool->threads.emplace_back([pool] { pool->Work(); });
  napi_add_env_cleanup_hook(rt->env, AsyncPool::Stop, pool);
  rt->async = pool;
  return pool;
}

static void Submit(Runtime *rt, AsyncCall *call) {
  AsyncPool *pool = GetPool(rt);
  pool->Reference(true);
  if (call->failed) {
    pool->Finish(call);
    return;
  }
  bool wake;
  {
    std::lock_guard<std::mutex> lock(pool->mutex);
    pool->pending.push_back(call);
    pool->queued.fetch_add(1, std::memory_order_relaxed);
    wake = pool->spinners == 0 && pool->sleepers > 0;
  }
  if (wake) pool->wake.notify_one();
}

size_t Runtime::AsyncBlockSize() const { return (size_t)(config.async_stack_size + config.async_heap_size); }

// fn.async(...args, callback) or fn.async(...args) -> Promise.
void InvokeAsync(const v8::FunctionCallbackInfo<v8::Value> &info) {
  v8::Isolate *isolate = info.GetIsolate();
  CallPlan *plan = GetFieldPointer<CallPlan>(info.Data().As<v8::Object>(), kHolderPlan, FieldKind::kCallPlan);
  Runtime *rt = plan->rt;
  uint32_t argc = (uint32_t)info.Length();
  bool with_callback = argc == plan->nargs + 1 && info[(int)plan->nargs]->IsFunction();
  if (plan->nargs == kUnloadedArity) return ThrowUnloaded(isolate, plan);
  // A function in the last place is the completion callback unless that parameter is itself a
  // callback: fn.async(1, cb) for a two-argument function is missing an argument.
  bool callback_short = argc == plan->nargs && argc > 0 && info[(int)argc - 1]->IsFunction() && !plan->last_arg_callback;
  if (callback_short || (!with_callback && argc != plan->nargs)) {
    std::string msg = plan->name + ".async(): expected " + std::to_string(plan->nargs) + " argument" +
                      (plan->nargs == 1 ? "" : "s") + " and an optional callback, received " +
                      (callback_short ? std::to_string(argc - 1) + " and a callback" : std::to_string(argc));
    isolate->ThrowException(v8::Exception::TypeError(NewString(isolate, msg)));
    return;
  }
  rt->memory_used = true;
  rt->async_memory_used = true;

  auto *call = new AsyncCall();
  call->plan = plan;
  call->plan_holder.Reset(isolate, info.Data());
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
        for (uint32_t i = 0; i < plan->nargs; i++) {
          v8::Local<v8::Value> arg = info[(int)i];
          call->args[i].Reset(isolate, arg);
          if (arg->IsArrayBufferView())
            call->stores.push_back(arg.As<v8::ArrayBufferView>()->Buffer()->GetBackingStore());
          else if (arg->IsArrayBuffer())
            call->stores.push_back(arg.As<v8::ArrayBuffer>()->GetBackingStore());
          else if (arg->IsSharedArrayBuffer())
            call->stores.push_back(arg.As<v8::SharedArrayBuffer>()->GetBackingStore());
        }
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

  Submit(rt, call);
}

void FreeAsyncPool(Runtime *rt) {
  for (uint8_t *block : rt->async_pool) free(block);
  rt->async_pool.clear();
}

}  // namespace callplan
