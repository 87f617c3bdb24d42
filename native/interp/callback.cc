// Callbacks: the trampoline slots, the dispatcher called by the callback entry, callback plans,
// and calls from other threads.
//
// Threads. A slot belongs to the environment (JS thread) that filled it. The dispatcher runs
// the JS function at once when it is called on that thread; from any other thread it queues
// the call and blocks until the JS thread has run it. The JS thread takes queued calls
//  - when it idles in the event loop (uv_async),
//  - when a native call returns (the `attention` check after the call op),
//  - and while it is blocked inside a native call: a calling thread that finds it parked in a
//    restartable wait (futex, read, wait4, ... as /proc/self/task/<tid>/syscall shows) sends it
//    a signal, and the handler runs the queued calls on the JS thread, on top of the blocked
//    native call, exactly as if that call had called back itself. The handler checks again,
//    from the interrupted context, that the thread sits at such a system call, that it was
//    made by foreign code (Runtime::in_native) and that V8 is not collecting garbage,
//    compiling or otherwise busy (see ServiceableVmState).
//    With SA_RESTART the interrupted wait resumes as if nothing happened.
#include "callback.h"
#include "call.h"
#include "convert.h"
#include "marshal.h"
#include "scope.h"
#include "../trampolines/trampolines.h"

#include <napi.h>
#include <uv.h>
#include <v8-unwinder.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>

extern "C" {
extern const uint8_t cp_trampoline_table[] __attribute__((visibility("hidden")));
// Hidden: the callback entry calls it directly rather than through the PLT.
__attribute__((visibility("hidden"))) void cp_callback_dispatch(uint32_t index, uint8_t *frame);
}

namespace callplan {

void InitPoll(napi_env env, napi_value exports);

namespace {

constexpr uint32_t kSlots = CP_TRAMPOLINE_COUNT;
constexpr uint32_t kMaxCallbackArgs = 64;
constexpr uint32_t kMaxStackArgBytes = 1 << 20;

static_assert(CP_CB_RET + CP_RET_SIZE <= CP_CB_FRAME_SIZE, "return area inside the callback frame");
static_assert(CP_CB_STACK_ARGS >= CP_FRAME_STACK_BYTES, "stack pointer after the register slots");

// A Local for a strong Global, without making a handle per callback: both are the address of the
// slot that holds the object (node's PersistentToLocal::Strong). Valid while the Global is.
template <typename T>
inline v8::Local<T> LocalOf(v8::Isolate *isolate, const v8::Global<T> &global) {
#if defined(V8_ENABLE_DIRECT_HANDLE) || defined(V8_ENABLE_DIRECT_LOCAL)  // a Local holds the object itself
  return global.Get(isolate);
#else
  (void)isolate;
  static_assert(sizeof(v8::Local<T>) == sizeof(v8::Global<T>), "a Global holds a slot address, like a Local");
  v8::Local<T> local;
  memcpy(static_cast<void *>(&local), static_cast<const void *>(&global), sizeof(local));
  return local;
#endif
}

// One instruction of a callback plan, decoded.
struct CbOp {
  uint32_t op = OP_END;
  uint32_t arg = 0;
  uint32_t src0 = 0;  // frame offsets (CB_ARG*, CB_RET_AGG_MEM) or the result destination (CB_RET, CB_RET_AGG)
  uint32_t piece = 0;  // bytes per register piece (CB_ARG_AGG, CB_RET_AGG)
  const TypeDesc *type = nullptr;
};

// A parameter the prototype's JS loader reads (CB_LOAD): its bits go from the frame to `words`.
struct CbLoad {
  uint32_t src;   // frame offset
  uint32_t word;  // byte offset in `words`
  uint32_t size;
};

struct CallbackProto {
  std::string name;
  uint32_t nargs = 0;
  uint32_t abi_word = 0;  // the plan header's word 2, for the ISA's callback entry (i386: bytes to pop, x87 result)
  std::vector<CbOp> args;  // converted by C++ (CB_ARG*); `arg` is the index in the V8 call
  CbOp ret;
  // The loader made by the plan compiler (src/callback.ts, makeLoader) and the buffer it reads.
  // Without one, the JS function is called with every argument converted by C++.
  std::vector<CbLoad> loads;
  v8::Global<v8::Function> loader;
  v8::Global<v8::Object> stored;            // what the loader returns when it stored a number result
  std::shared_ptr<v8::BackingStore> store;  // keeps `words` alive
  uint8_t *words = nullptr;                   // one 8-byte word per argument, then the stored result's
  uint32_t argc = 0;                          // of the V8 call: args.size(), plus the function with a loader
  bool loader_only = false;                   // the loader reads every argument: the V8 call passes just the function
};

// A call from another thread: the frame stays on that thread's stack while it waits.
struct Request {
  uint32_t index = 0;
  uint32_t generation = 0;
  uint8_t *frame = nullptr;
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  Request *next = nullptr;
};

enum class Mode { InCall, Idle };

}  // namespace

struct CallbackHost {
  Runtime *rt = nullptr;
  napi_env env = nullptr;
  v8::Isolate *isolate = nullptr;
  v8::Global<v8::Context> context;
  pthread_t js_thread;
  pid_t js_tid = 0;
  void *js_thread_pointer = nullptr;  // ThreadPointer() on the JS thread
  HandleScopeData *scope_data = nullptr;  // V8's, for the dispatcher's inline scope (scope.h), or null
  uv_async_t *async = nullptr;
  std::mutex queue_mutex;
  Request *head = nullptr;
  Request *tail = nullptr;
  std::vector<CallbackProto *> protos;
  v8::Global<v8::Value> pending;  // the first exception thrown by a callback during a native call
  bool terminated = false;
  napi_ref resource = nullptr;
  napi_async_context async_context = nullptr;
  // Results of callbacks run from the event loop stay in the arena until the next such batch.
  uint8_t *idle_base = nullptr;
  uint8_t *idle_top = nullptr;
  size_t idle_overflow = 0;
  uint32_t registered = 0;
  v8::Global<v8::Value> *idle_sink = nullptr;  // error sink of the callback run from the event loop
  bool scheduled = false;  // the error flagged in `attention` is held by V8 (see RunCallback)
};

namespace {

struct Slot {
  std::atomic<CallbackHost *> host{nullptr};  // null when free
  const CallbackProto *proto = nullptr;
  v8::Global<v8::Function> fn;  // touched only by the JS thread of `host`
  uint32_t generation = 0;      // bumped on release, so queued calls notice a reused slot
  bool registered = false;
  int32_t sret_at = -1;         // frame offset of the hidden result pointer, or -1 (kept after release)
  uint32_t abi_word = 0;        // the proto's abi_word (kept after release: a stale call still returns properly)
  v8::Global<v8::Value> *error_sink = nullptr;  // see SetCallbackErrorSink
};

// Process-wide: the trampolines are one static table. Never destroyed, so a thread calling a
// stale pointer during exit still finds valid memory.
struct Global {
  std::mutex mutex;
  Slot slots[kSlots];
  uint32_t free_ring[kSlots];  // free slots, oldest release first: stale pointers stay dead longest
  uint32_t free_head = 0;
  uint32_t free_count = kSlots;
  std::vector<CallbackHost *> hosts;
  int signal = 0;
  bool warned_late = false;

  Global() {
    for (uint32_t i = 0; i < kSlots; i++) free_ring[i] = i;
  }
};

Global *const g_state = new Global();

inline Global &G() { return *g_state; }

thread_local CallbackHost *t_host = nullptr;

// Tells threads apart in one instruction where the compiler can read the thread pointer: the
// dispatcher asks for every callback whether it runs on the JS thread.
inline void *ThreadPointer() {
#if defined(__has_builtin)
#if __has_builtin(__builtin_thread_pointer)
  return __builtin_thread_pointer();
#endif
#endif
  return reinterpret_cast<void *>(pthread_self());
}

inline void *TrampolineAddress(uint32_t index) {
  return const_cast<uint8_t *>(cp_trampoline_table) + (size_t)index * CP_TRAMPOLINE_SIZE;
}

// Slot index of a trampoline address, or -1.
int64_t TrampolineIndex(uint64_t address) {
  uint64_t base = (uint64_t)(uintptr_t)cp_trampoline_table;
  if (address < base || address >= base + (uint64_t)kSlots * CP_TRAMPOLINE_SIZE) return -1;
  if ((address - base) % CP_TRAMPOLINE_SIZE) return -1;
  return (int64_t)((address - base) / CP_TRAMPOLINE_SIZE);
}

// Called with the global mutex held.
int64_t TakeSlot(CallbackHost *h, const CallbackProto *proto, v8::Local<v8::Function> fn, bool registered) {
  Global &g = G();
  if (!g.free_count) return -1;
  uint32_t index = g.free_ring[g.free_head];
  g.free_head = (g.free_head + 1) % kSlots;
  g.free_count--;
  Slot &s = g.slots[index];
  s.proto = proto;
  s.fn.Reset(h->isolate, fn);
  s.registered = registered;
  s.sret_at = proto->ret.op == OP_CB_RET_AGG_MEM ? (int32_t)proto->ret.src0 : -1;
  s.abi_word = proto->abi_word;
  s.host.store(h, std::memory_order_release);
  return index;
}

// Called with the global mutex held, on the JS thread of the slot's host.
void PutSlot(uint32_t index) {
  Global &g = G();
  Slot &s = g.slots[index];
  s.host.store(nullptr, std::memory_order_release);
  s.fn.Reset();
  s.generation++;
  s.registered = false;
  s.error_sink = nullptr;
  g.free_ring[(g.free_head + g.free_count) % kSlots] = index;
  g.free_count++;
}

bool HostAlive(CallbackHost *h) {
  for (CallbackHost *x : G().hosts)
    if (x == h) return true;
  return false;
}

// What C receives when the JS function cannot run or failed: zeros, and for an aggregate
// returned in memory the zeroed aggregate at the hidden pointer, whose address goes back in the
// first integer return register.
const uint8_t *ArgAddress(const uint8_t *frame, uint32_t offset) {
  if (offset >= CP_FRAME_STACK) return Load<const uint8_t *>(frame + CP_CB_STACK_ARGS) + (offset - CP_FRAME_STACK);
  return frame + offset;
}

void ZeroResult(uint8_t *frame, int32_t sret_at, uint32_t sret_size) {
  memset(frame + CP_CB_RET, 0, CP_RET_SIZE);
  if (sret_at >= 0) {
    uint8_t *dst = Load<uint8_t *>(ArgAddress(frame, (uint32_t)sret_at));
    if (dst && sret_size) memset(dst, 0, sret_size);
    Store<uint8_t *>(frame + CP_CB_RET + CP_RET_INT, dst);
  }
}

void ZeroResult(uint8_t *frame, const CallbackProto *proto) {
  bool sret = proto->ret.op == OP_CB_RET_AGG_MEM;
  ZeroResult(frame, sret ? (int32_t)proto->ret.src0 : -1, sret ? proto->ret.type->size : 0);
}

v8::Local<v8::String> Str(v8::Isolate *isolate, const std::string &s) { return NewString(isolate, s); }

// Where an exception of a callback goes. During a native call it is kept and rethrown when the
// call returns (later callbacks of that call are skipped); from the event loop there is no JS
// caller, so it becomes a process warning.
void ReportIdle(CallbackHost *h, v8::Local<v8::Context> context, v8::Local<v8::Value> exception) {
  v8::Isolate *isolate = h->isolate;
  if (h->idle_sink) {
    if (h->idle_sink->IsEmpty()) h->idle_sink->Reset(isolate, exception);
    return;
  }
  v8::TryCatch tc(isolate);
  v8::Local<v8::Value> process, emit;
  if (!context->Global()->Get(context, Str(isolate, "process")).ToLocal(&process) || !process->IsObject()) return;
  if (!process.As<v8::Object>()->Get(context, Str(isolate, "emitWarning")).ToLocal(&emit) || !emit->IsFunction()) return;
  v8::Local<v8::Value> argv[] = {exception};
  v8::Local<v8::Value> ignored;
  if (!emit.As<v8::Function>()->Call(context, process, 1, argv).ToLocal(&ignored)) return;
}

void RecordError(CallbackHost *h, Mode mode, v8::Local<v8::Context> context, v8::Local<v8::Value> exception) {
  if (mode == Mode::Idle) return ReportIdle(h, context, exception);
  Runtime *rt = h->rt;
  if (rt->attention.load(std::memory_order_relaxed) & kAttentionError) return;
  h->pending.Reset(h->isolate, exception);
  rt->attention.fetch_or(kAttentionError);
}

void RecordMessage(CallbackHost *h, Mode mode, v8::Local<v8::Context> context, const std::string &msg, bool type_error) {
  v8::Local<v8::String> text = Str(h->isolate, msg);
  RecordError(h, mode, context, type_error ? v8::Exception::TypeError(text) : v8::Exception::Error(text));
}

// Without a TryCatch, V8 holds the exception (see RunCallback).
void RecordCaught(CallbackHost *h, Mode mode, v8::Local<v8::Context> context, v8::TryCatch *tc) {
  if (!tc) {
    h->scheduled = true;
    h->rt->attention.fetch_or(kAttentionError);
    return;
  }
  if (tc->HasTerminated()) {
    h->terminated = true;
    if (mode == Mode::InCall) h->rt->attention.fetch_or(kAttentionError);
    return;
  }
  if (tc->HasCaught()) RecordError(h, mode, context, tc->Exception());
}

// A loaded argument into its word: a memcpy of a variable size would be a library call.
inline void CopyWord(uint8_t *dst, const uint8_t *src, uint32_t size) {
  switch (size) {
    case 8: Store<uint64_t>(dst, Load<uint64_t>(src)); break;
    case 4: Store<uint32_t>(dst, Load<uint32_t>(src)); break;
    case 2: Store<uint16_t>(dst, Load<uint16_t>(src)); break;
    default: *dst = *src;
  }
}

// Integers come back widened to 64 bits as the C caller may expect of narrow results.
inline __attribute__((always_inline)) uint64_t Widen(Kind kind, uint64_t bits) {
  switch (kind) {
    case Kind::I8: return (uint64_t)(int64_t)(int8_t)bits;
    case Kind::I16:
    case Kind::I16_SWAP: return (uint64_t)(int64_t)(int16_t)bits;
    case Kind::I32:
    case Kind::I32_SWAP: return (uint64_t)(int64_t)(int32_t)bits;
    default: return bits;
  }
}

// The common scalars are converted here; the rest (strings, aggregates, byte-swapped
// integers) go through the marshaller.
inline bool DecodeScalar(v8::Isolate *isolate, Kind kind, const uint8_t *src, v8::Local<v8::Value> *out) {
  switch (kind) {
    case Kind::BOOL: *out = v8::Boolean::New(isolate, Load<uint8_t>(src) != 0); return true;
    case Kind::I8: *out = v8::Integer::New(isolate, Load<int8_t>(src)); return true;
    case Kind::U8: *out = v8::Integer::New(isolate, Load<uint8_t>(src)); return true;
    case Kind::I16: *out = v8::Integer::New(isolate, Load<int16_t>(src)); return true;
    case Kind::U16: *out = v8::Integer::New(isolate, Load<uint16_t>(src)); return true;
    case Kind::I32: *out = v8::Integer::New(isolate, Load<int32_t>(src)); return true;
    case Kind::U32: *out = v8::Integer::NewFromUnsigned(isolate, Load<uint32_t>(src)); return true;
    case Kind::I64: *out = MakeI64(isolate, Load<int64_t>(src)); return true;
    case Kind::U64: *out = MakeU64(isolate, Load<uint64_t>(src)); return true;
    case Kind::F32: *out = v8::Number::New(isolate, Load<float>(src)); return true;
    case Kind::F64: *out = v8::Number::New(isolate, Load<double>(src)); return true;
    case Kind::PTR:
    case Kind::PROTO: {
      uint64_t p = Load<uintptr_t>(src);
      *out = p ? v8::Local<v8::Value>(v8::BigInt::NewFromUnsigned(isolate, p)) : v8::Local<v8::Value>(v8::Null(isolate));
      return true;
    }
    default: return false;
  }
}

// Small integers, plain numbers and booleans for the matching result types; false sends the
// value to the marshaller (conversions, errors).
inline bool EncodeScalar(Kind kind, v8::Local<v8::Value> value, uint64_t *bits) {
  if (value->IsInt32()) {
    int32_t v = value.As<v8::Int32>()->Value();
    switch (kind) {
      case Kind::I8: *bits = (uint64_t)(int64_t)(int8_t)v; return true;
      case Kind::U8: *bits = (uint8_t)v; return true;
      case Kind::I16: *bits = (uint64_t)(int64_t)(int16_t)v; return true;
      case Kind::U16: *bits = (uint16_t)v; return true;
      case Kind::I32:
      case Kind::I64:
      case Kind::U64: *bits = (uint64_t)(int64_t)v; return true;
      case Kind::U32: *bits = (uint32_t)v; return true;
      default: break;
    }
  }
  if (kind == Kind::F64 && value->IsNumber()) {
    double d = value.As<v8::Number>()->Value();
    memcpy(bits, &d, 8);
    return true;
  }
  if (kind == Kind::F32 && value->IsNumber()) {
    float f = (float)value.As<v8::Number>()->Value();
    *bits = 0;
    memcpy(bits, &f, 4);
    return true;
  }
  if (kind == Kind::BOOL && value->IsBoolean()) {
    *bits = value->IsTrue() ? 1 : 0;
    return true;
  }
  return false;
}

bool EncodeResult(const CallbackProto *proto, Marshal &m, v8::Local<v8::Value> value, uint8_t *frame) {
  const CbOp &op = proto->ret;
  uint8_t *ret = frame + CP_CB_RET;
  switch (op.op) {
    case OP_CB_RET: {
      uint64_t bits = 0;
      if (!m.Encode(op.type, value, reinterpret_cast<uint8_t *>(&bits))) return false;
      Store<uint64_t>(ret + op.src0, Widen(op.type->kind, bits));
      return true;
    }
    case OP_CB_RET_AGG: {
      alignas(16) uint8_t bytes[4 * 8] = {};
      if (!m.Encode(op.type, value, bytes)) return false;
      ScatterPieces(ret, bytes, op.src0, op.piece, op.type->size);
      return true;
    }
    case OP_CB_RET_AGG_MEM: {
      uint8_t *dst = Load<uint8_t *>(ArgAddress(frame, op.src0));
      Store<uint8_t *>(ret + CP_RET_INT, dst);
      if (!dst) return true;
      return m.Encode(op.type, value, dst);
    }
  }
  return true;
}

__attribute__((noinline)) v8::Local<v8::Value> DecodeSlow(CallbackHost *h, v8::Local<v8::Context> context, const CbOp &op,
                                                          const uint8_t *frame) {
  Marshal m{h->isolate, context, h->rt, Lifetime::Call, {}};
  if (op.op == OP_CB_ARG) return m.Decode(op.type, ArgAddress(frame, op.src0));
  if (op.op == OP_CB_ARG_REF) return m.Decode(op.type, Load<const uint8_t *>(ArgAddress(frame, op.src0)));
  alignas(16) uint8_t bytes[4 * 8];
  GatherPieces(bytes, frame, op.src0, op.piece, op.type->size);
  return m.Decode(op.type, bytes);
}

// Returns false after recording the error.
__attribute__((noinline)) bool EncodeSlow(CallbackHost *h, const CallbackProto *proto, v8::Local<v8::Value> value,
                                          uint8_t *frame, v8::Local<v8::Context> context, Mode mode, v8::TryCatch *tc) {
  Marshal m{h->isolate, context, h->rt, Lifetime::Call, {}};
  if (EncodeResult(proto, m, value, frame)) return true;
  ZeroResult(frame, proto);
  if ((tc && tc->HasCaught()) || m.error.pending_js) {
    RecordCaught(h, mode, context, tc);
    return false;
  }
  std::string msg = "Callback '" + proto->name + "' returned an invalid value" +
                    (m.error.path.empty() ? "" : " at " + m.error.path) + ": expected " + m.error.expected +
                    ", received " + m.error.received;
  RecordMessage(h, mode, context, msg, true);
  return false;
}

// Calls `fn` with the arguments C++ converts from the frame (after the function itself when the
// prototype has a loader). False when a conversion or the call failed, recorded for `mode`.
__attribute__((noinline)) bool CallConverting(CallbackHost *h, const CallbackProto *proto, v8::Local<v8::Function> fn,
                                              uint8_t *frame, v8::Local<v8::Context> context, Mode mode,
                                              v8::TryCatch *tc, v8::Local<v8::Value> *result) {
  v8::Isolate *isolate = h->isolate;
  // Left uninitialised: every argument is written before the call.
  alignas(v8::Local<v8::Value>) unsigned char storage[(kMaxCallbackArgs + 1) * sizeof(v8::Local<v8::Value>)];
  auto *argv = reinterpret_cast<v8::Local<v8::Value> *>(storage);
  v8::Local<v8::Function> callee = fn;
  if (proto->words) {
    callee = LocalOf(isolate, proto->loader);
    new (&argv[0]) v8::Local<v8::Value>(fn);
  }
  for (const CbOp &op : proto->args) {
    v8::Local<v8::Value> value;
    if (op.op != OP_CB_ARG || !DecodeScalar(isolate, op.type->kind, ArgAddress(frame, op.src0), &value)) {
      value = DecodeSlow(h, context, op, frame);
      if (value.IsEmpty()) {
        ZeroResult(frame, proto);
        RecordCaught(h, mode, context, tc);
        return false;
      }
    }
    new (&argv[op.arg]) v8::Local<v8::Value>(value);
  }
  if (!callee->Call(context, v8::Undefined(isolate), (int)proto->argc, argv).ToLocal(result)) {
    ZeroResult(frame, proto);
    RecordCaught(h, mode, context, tc);
    return false;
  }
  return true;
}

// Converts the frame to JS arguments, calls `fn` and converts its result into the frame. Errors
// are recorded for `mode` from `tc`.
//
// A callback called by C inside a native call of the interpreter runs without a TryCatch (`tc`
// null), which would cost about a tenth of the callback: an exception that leaves a V8 call made
// without one from inside an API callback stays with V8, which throws it to the JS caller when
// that API callback (the interpreter's Invoke) returns, as for any JS function that throws. It is
// only flagged here, so that later callbacks of the native call are skipped and HandleAttention
// leaves the exception to V8.
inline __attribute__((always_inline)) void RunCallback(CallbackHost *h, const CallbackProto *proto,
                                                       v8::Local<v8::Function> fn, uint8_t *frame,
                                                       v8::Local<v8::Context> context, Mode mode, v8::TryCatch *tc) {
  v8::Isolate *isolate = h->isolate;
  for (const CbLoad &load : proto->loads) CopyWord(proto->words + load.word, ArgAddress(frame, load.src), load.size);
  v8::Local<v8::Value> result;
  if (proto->loader_only) {
    v8::Local<v8::Value> argv[1] = {fn};
    if (!LocalOf(isolate, proto->loader)->Call(context, v8::Undefined(isolate), 1, argv).ToLocal(&result)) {
      ZeroResult(frame, proto);
      return RecordCaught(h, mode, context, tc);
    }
  } else if (!CallConverting(h, proto, fn, frame, context, mode, tc, &result)) {
    return;
  }
  const CbOp &ret = proto->ret;
  if (ret.op == OP_CB_RET) {
    uint64_t bits = 0;
    if (ret.arg && result == LocalOf(isolate, proto->stored)) {
      CopyWord(reinterpret_cast<uint8_t *>(&bits), proto->words + 8 * proto->nargs, ret.type->size);
      Store<uint64_t>(frame + CP_CB_RET + ret.src0, Widen(ret.type->kind, bits));
      return;
    }
    if (ret.type->kind == Kind::VOID) {
      Store<uint64_t>(frame + CP_CB_RET + CP_RET_INT, 0);
      return;
    }
    if (EncodeScalar(ret.type->kind, result, &bits)) {
      Store<uint64_t>(frame + CP_CB_RET + ret.src0, bits);
      return;
    }
  }
  EncodeSlow(h, proto, result, frame, context, mode, tc);
}

// Callbacks run in the context the addon was loaded in, the one of the functions it makes.
v8::Local<v8::Context> ContextOf(CallbackHost *h) { return LocalOf(h->isolate, h->context); }

// Runs every queued call from other threads. The JS thread counts as outside foreign code
// meanwhile, so a nested blocking call can be interrupted again.
void ServiceQueue(CallbackHost *h, Mode mode) {
  Runtime *rt = h->rt;
  Global &g = G();
  uint8_t in_native = rt->in_native.load(std::memory_order_relaxed);
  rt->in_native.store(0, std::memory_order_relaxed);
  for (;;) {
    Request *r;
    {
      std::lock_guard<std::mutex> lock(h->queue_mutex);
      r = h->head;
      if (!r) {
        rt->attention.fetch_and(~kAttentionQueued);
        break;
      }
      h->head = r->next;
      if (!h->head) h->tail = nullptr;
    }
    {
      v8::HandleScope scope(h->isolate);
      v8::Local<v8::Context> context = ContextOf(h);
      v8::Context::Scope context_scope(context);
      Slot &s = g.slots[r->index];
      if (s.host.load(std::memory_order_acquire) == h && s.generation == r->generation) {
        if (rt->attention.load(std::memory_order_relaxed) & kAttentionError) {
          ZeroResult(r->frame, s.proto);
        } else {
          h->idle_sink = mode == Mode::Idle ? s.error_sink : nullptr;
          v8::TryCatch tc(h->isolate);
          RunCallback(h, s.proto, s.fn.Get(h->isolate), r->frame, context, mode, &tc);
          h->idle_sink = nullptr;
        }
      } else {
        ZeroResult(r->frame, s.sret_at, 0);
        RecordMessage(h, mode, context,
                      "A callback was called from another thread after it was released (a transient callback "
                      "outlived its native call, or a registered one was unregistered); it returned 0",
                      false);
      }
    }
    {
      std::lock_guard<std::mutex> lock(r->m);
      r->done = true;
      r->cv.notify_one();
    }
  }
  rt->in_native.store(in_native, std::memory_order_relaxed);
}

// --- Waking a JS thread blocked inside a native call ---------------------------------------

// System calls that a signal handler with SA_RESTART interrupts transparently: the kernel
// restarts them after the handler. Timed futex waits are left alone (they would return EINTR).
// By number: this ISA's, and an x86-64 host's (its unistd_64.h), which /proc shows under
// user-mode emulation (ProcShowsHostX64Syscalls). -1: no such call.
struct WaitSyscalls {
  long futex[2];   // futex, and futex_time64 (32-bit ISAs: glibc waits with it first)
  long others[10]; // read readv pread64 recvfrom recvmsg wait4 waitid accept accept4 flock
};

#ifdef SYS_futex_time64
#define CP_SYS_FUTEX_TIME64 SYS_futex_time64
#else
#define CP_SYS_FUTEX_TIME64 -1
#endif
#ifdef SYS_accept
#define CP_SYS_ACCEPT SYS_accept
#else
#define CP_SYS_ACCEPT -1
#endif
constexpr WaitSyscalls kNativeWaits = {{SYS_futex, CP_SYS_FUTEX_TIME64},
                                       {SYS_read, SYS_readv, SYS_pread64, SYS_recvfrom, SYS_recvmsg, SYS_wait4,
                                        SYS_waitid, CP_SYS_ACCEPT, SYS_accept4, SYS_flock}};
constexpr WaitSyscalls kHostX64Waits = {{202, -1}, {0, 19, 17, 45, 47, 61, 247, 43, 288, 73}};

bool RestartableSyscall(long nr, uint64_t futex_op, uint64_t futex_timeout, const WaitSyscalls &waits = kNativeWaits) {
  if (nr < 0) return false;
  if (nr == waits.futex[0] || nr == waits.futex[1]) {
    uint64_t cmd = futex_op & 127;
    return (cmd == 0 /* FUTEX_WAIT */ || cmd == 9 /* FUTEX_WAIT_BITSET */) && futex_timeout == 0;
  }
  for (long other : waits.others)
    if (nr == other) return true;
  return false;
}

// The first field of /proc/<tid>/syscall, or -1.
long ReadSyscallFile(const char *path, uint64_t fields[7]) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[256];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  if (buf[0] < '0' || buf[0] > '9') return -1;  // "running", or "-1" outside a system call
  char *p = buf;
  for (int i = 0; i < 7 && *p; i++) {
    fields[i] = strtoull(p, &p, 0);
    while (*p == ' ') p++;
  }
  return (long)fields[0];
}

// /proc shows system calls as the kernel sees them. Under user-mode emulation (qemu-user on an
// x86-64 host) those are the emulator's own, numbered for x86-64. A thread reading its own entry
// sees its read() under one numbering or the other.
bool ProcShowsHostX64Syscalls() {
  static const bool host_x64 = [] {
    uint64_t fields[7] = {};
    long nr = ReadSyscallFile("/proc/thread-self/syscall", fields);
    return nr == 0 && SYS_read != 0;
  }();
  return host_x64;
}

// Whether thread `tid` of this process is blocked in such a system call right now.
bool BlockedInRestartableWait(pid_t tid) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
  uint64_t fields[7] = {};
  long nr = ReadSyscallFile(path, fields);
  if (nr < 0) return false;
  return RestartableSyscall(nr, fields[2], fields[4], ProcShowsHostX64Syscalls() ? kHostX64Waits : kNativeWaits);
}

void Nudge(CallbackHost *h) {
  Global &g = G();
  std::lock_guard<std::mutex> lock(g.mutex);
  if (!g.signal || !HostAlive(h)) return;
  if (!h->rt->in_native.load(std::memory_order_relaxed)) return;
  if (!(h->rt->attention.load(std::memory_order_relaxed) & kAttentionQueued)) return;
  if (BlockedInRestartableWait(h->js_tid)) pthread_kill(h->js_thread, g.signal);
}

std::atomic<uint32_t> g_signals_seen{0};  // lets InstallSignal check that its signal arrives

// The V8 states in which the interrupted JS thread may run callbacks: inside an API callback
// (a declared function's call into foreign code), not in GC, compilation or other V8 work.
// Before V8 12 an API callback runs in the EXTERNAL state; from V8 12 (Node 22) API callbacks
// are entered without a state change and report JS, as V8's own runtime functions do. So from
// V8 12 the state no longer tells a wait in the foreign code from one inside JS that the foreign
// code itself started through Node-API (say Atomics.wait); that case, which the README lists
// as unsupported, was refused before V8 12 and is not from it. (Clearing `in_native` whenever
// V8 is entered through its API would refuse it, but V8 has no hook for the return from such
// an entry, so the rest of the native call could not be served either: a C function that ran
// JS through Node-API and then waited for a thread calling back would deadlock.)
bool ServiceableVmState(v8::StateTag state) {
#if V8_MAJOR_VERSION >= 12
  return state == v8::EXTERNAL || state == v8::JS;
#else
  return state == v8::EXTERNAL;
#endif
}

void OnSignal(int, siginfo_t *, void *context) {
  int saved_errno = errno;
  g_signals_seen.fetch_add(1, std::memory_order_relaxed);
  CallbackHost *h = t_host;
  auto *uc = static_cast<ucontext_t *>(context);
  if (h && h->rt->in_native.load(std::memory_order_relaxed) &&
      (h->rt->attention.load(std::memory_order_relaxed) & kAttentionQueued)) {
    // After a restartable interruption the kernel has rewound to the system call instruction
    // and restored the call number and arguments to their registers.
    v8::RegisterState state;
    bool at_syscall;
#if defined(__x86_64__)
    const greg_t *r = uc->uc_mcontext.gregs;
    const uint8_t *pc = reinterpret_cast<const uint8_t *>(r[REG_RIP]);
    at_syscall = pc[0] == 0x0f && pc[1] == 0x05 && RestartableSyscall((long)r[REG_RAX], (uint64_t)r[REG_RSI], (uint64_t)r[REG_R10]);
    state.pc = reinterpret_cast<void *>(r[REG_RIP]);
    state.sp = reinterpret_cast<void *>(r[REG_RSP]);
    state.fp = reinterpret_cast<void *>(r[REG_RBP]);
#elif defined(__i386__)
    // glibc enters the kernel through the vDSO's __kernel_vsyscall (sysenter or syscall, with
    // `int $0x80` right after it); either way a restart rewinds to an `int $0x80` (cd 80) with
    // the call number in eax and the arguments in ebx, ecx, edx, esi, edi, ebp.
    const greg_t *r = uc->uc_mcontext.gregs;
    const uint8_t *pc = reinterpret_cast<const uint8_t *>(r[REG_EIP]);
    at_syscall = pc[0] == 0xcd && pc[1] == 0x80 &&
                 RestartableSyscall((long)r[REG_EAX], (uint64_t)(uint32_t)r[REG_ECX], (uint64_t)(uint32_t)r[REG_ESI]);
    state.pc = reinterpret_cast<void *>(r[REG_EIP]);
    state.sp = reinterpret_cast<void *>(r[REG_ESP]);
    state.fp = reinterpret_cast<void *>(r[REG_EBP]);
#elif defined(__aarch64__)
    const auto &m = uc->uc_mcontext;
    at_syscall = Load<uint32_t>(reinterpret_cast<const uint8_t *>(m.pc)) == 0xd4000001 /* svc #0 */ &&
                 RestartableSyscall((long)m.regs[8], (uint64_t)m.regs[1], (uint64_t)m.regs[3]);
    state.pc = reinterpret_cast<void *>(m.pc);
    state.sp = reinterpret_cast<void *>(m.sp);
    state.fp = reinterpret_cast<void *>(m.regs[29]);
    state.lr = reinterpret_cast<void *>(m.regs[30]);
#endif
    if (at_syscall) {
      v8::SampleInfo info;
      void *frames[1];
      h->isolate->GetStackSample(state, frames, 0, &info);
      if (ServiceableVmState(info.vm_state)) ServiceQueue(h, Mode::InCall);
    }
  }
  errno = saved_errno;
}

// The highest real-time signal nobody else handles and that is delivered: an emulator may
// accept a handler for a signal it cannot deliver (qemu-user 7 for the two highest).
int InstallSignal() {
  for (int sig = SIGRTMAX; sig >= SIGRTMIN + 2; sig--) {
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) != 0) continue;
    if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO)) continue;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = OnSignal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, nullptr) != 0) continue;
    // A signal a thread sends itself arrives before pthread_kill returns.
    uint32_t seen = g_signals_seen.load();
    if (pthread_kill(pthread_self(), sig) == 0 && g_signals_seen.load() != seen) return sig;
    sigaction(sig, &old, nullptr);
  }
  return 0;
}

// Queues a call for the JS thread of the slot and waits for it.
void CallFromThread(uint32_t index, uint8_t *frame) {
  Global &g = G();
  Request req;
  req.index = index;
  req.frame = frame;
  CallbackHost *h;
  {
    std::lock_guard<std::mutex> lock(g.mutex);
    Slot &s = g.slots[index];
    h = s.host.load(std::memory_order_acquire);
    if (!h) {
      ZeroResult(frame, s.sret_at, 0);
      if (!g.warned_late) {
        g.warned_late = true;
        fprintf(stderr, "callplan: a callback was called from another thread after it was released; it returned 0\n");
      }
      return;
    }
    req.generation = s.generation;
    {
      std::lock_guard<std::mutex> qlock(h->queue_mutex);
      if (h->tail)
        h->tail->next = &req;
      else
        h->head = &req;
      h->tail = &req;
      h->rt->attention.fetch_or(kAttentionQueued);
    }
    uv_async_send(h->async);
  }
  auto delay = std::chrono::microseconds(50);
  std::unique_lock<std::mutex> lock(req.m);
  while (!req.done) {
    lock.unlock();
    Nudge(h);
    lock.lock();
    if (req.done) break;
    req.cv.wait_for(lock, delay);
    if (delay < std::chrono::microseconds(4000)) delay *= 2;
  }
}

// A callback outside the interpreter's native calls (from the event loop): it runs under a
// TryCatch, which the hot path does without (see RunCallback).
__attribute__((noinline)) void RunCallbackCatching(CallbackHost *h, const CallbackProto *proto, v8::Local<v8::Function> fn,
                                                   uint8_t *frame, v8::Local<v8::Context> context) {
  v8::TryCatch tc(h->isolate);
  RunCallback(h, proto, fn, frame, context, Mode::InCall, &tc);
}

// Any callback not made on the JS thread of its slot: queued from another thread, or a released
// slot called on a JS thread.
__attribute__((noinline)) void DispatchElsewhere(uint32_t index, uint8_t *frame, Slot *s, CallbackHost *h) {
  int saved_errno = errno;
  if (s && (h || !t_host)) {
    CallFromThread(index, frame);
    errno = saved_errno;
    return;
  }
  // A released slot called on a JS thread: typically a transient callback kept by C and called
  // during a later native call. That call throws.
  h = t_host;
  uint8_t in_native = h ? h->rt->in_native.load(std::memory_order_relaxed) : 0;
  if (h) h->rt->in_native.store(0, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(G().mutex);
    ZeroResult(frame, s ? s->sret_at : -1, 0);
  }
  if (h) {
    v8::HandleScope scope(h->isolate);
    RecordMessage(h, Mode::InCall, ContextOf(h),
                  "A callback was called after it was released: a transient callback is valid only during the "
                  "native call it was passed to (use koffi.register() for callbacks that C keeps), or a "
                  "registered one was unregistered; C received 0",
                  false);
    h->rt->in_native.store(in_native, std::memory_order_relaxed);
  }
  errno = saved_errno;
}

}  // namespace

}  // namespace callplan

using namespace callplan;

// Called by the callback entry (native/asm/<isa>.S) with the index of the trampoline that was entered.
extern "C" void cp_callback_dispatch(uint32_t index, uint8_t *frame) {
  Global &g = G();
#if defined(__i386__)
  // How the entry returns: bytes to pop and the x87 result, from the slot's callback plan.
  if (index < kSlots) Store<uint32_t>(frame + CP_I386_CB_ABI, g.slots[index].abi_word);
#endif
  Slot *s = index < kSlots ? &g.slots[index] : nullptr;
  CallbackHost *h = s ? s->host.load(std::memory_order_acquire) : nullptr;
  if (__builtin_expect(!h || h->js_thread_pointer != ThreadPointer(), 0)) return DispatchElsewhere(index, frame, s, h);
  Runtime *rt = h->rt;
  int saved_errno = *rt->errno_location;  // the JS thread's errno, without a library call
  const CallbackProto *proto = s->proto;
  if (rt->attention.load(std::memory_order_relaxed) & kAttentionError) {
    ZeroResult(frame, proto);
  } else {
    uint8_t in_native = rt->in_native.load(std::memory_order_relaxed);
    rt->in_native.store(0, std::memory_order_relaxed);
    v8::Isolate *isolate = h->isolate;
    CallbackHandleScope scope(isolate, h->scope_data);
    v8::Local<v8::Context> context = ContextOf(h);
    // The slot's function needs no handle of its own: V8 reads it once, when it enters JS, so
    // even unregister() from inside the callback, which frees the Global, comes too late to matter.
    v8::Local<v8::Function> fn = LocalOf(isolate, s->fn);
    if (__builtin_expect(in_native, 1))
      RunCallback(h, proto, fn, frame, context, Mode::InCall, nullptr);
    else
      RunCallbackCatching(h, proto, fn, frame, context);
    rt->in_native.store(in_native, std::memory_order_relaxed);
  }
  *rt->errno_location = saved_errno;
}

namespace callplan {

int64_t AcquireCallbackSlot(Runtime *rt, const CallPlan *plan, uint32_t arg, uint32_t proto, v8::Local<v8::Value> fn,
                            void **address) {
  CallbackHost *h = rt->callbacks;
  int64_t index;
  {
    std::lock_guard<std::mutex> lock(G().mutex);
    index = TakeSlot(h, h->protos[proto], fn.As<v8::Function>(), false);
  }
  if (index < 0) {
    h->isolate->ThrowException(v8::Exception::Error(
        Str(h->isolate, plan->name + "(): argument " + std::to_string(arg + 1) + ": no free callback trampoline, all " +
                            std::to_string(kSlots) + " are in use (unregister callbacks that are no longer needed)")));
    return -1;
  }
  *address = TrampolineAddress((uint32_t)index);
  return index;
}

// Slots already released by the environment's teardown are left alone.
void SetCallbackErrorSink(Runtime *rt, uint32_t index, v8::Global<v8::Value> *sink) {
  Global &g = G();
  std::lock_guard<std::mutex> lock(g.mutex);
  if (index < kSlots && rt->callbacks && g.slots[index].host.load(std::memory_order_relaxed) == rt->callbacks)
    g.slots[index].error_sink = sink;
}

void ReleaseCallbackSlots(Runtime *rt, const uint32_t *indices, size_t count) {
  Global &g = G();
  std::lock_guard<std::mutex> lock(g.mutex);
  for (size_t i = 0; i < count; i++) {
    Slot &s = g.slots[indices[i]];
    if (rt->callbacks && s.host.load(std::memory_order_relaxed) == rt->callbacks && !s.registered) PutSlot(indices[i]);
  }
}

void *AcquireTransient(Runtime *rt, const CallPlan *plan, uint32_t arg, uint32_t proto, v8::Local<v8::Value> fn) {
  void *address = nullptr;
  int64_t index = AcquireCallbackSlot(rt, plan, arg, proto, fn, &address);
  if (index < 0) return nullptr;
  rt->transients.push_back((uint32_t)index);
  return address;
}

void ReleaseTransients(Runtime *rt, size_t mark) {
  ReleaseCallbackSlots(rt, rt->transients.data() + mark, rt->transients.size() - mark);
  rt->transients.resize(mark);
}

bool HandleAttention(Runtime *rt, v8::Isolate *isolate) {
  CallbackHost *h = rt->callbacks;
  if (rt->attention.load(std::memory_order_relaxed) & kAttentionQueued) ServiceQueue(h, Mode::InCall);
  if (!(rt->attention.load(std::memory_order_relaxed) & kAttentionError)) return true;
  rt->attention.fetch_and(~kAttentionError);
  if (h->scheduled) {
    h->scheduled = false;  // V8 rethrows it when the native call returns to JS
    return false;
  }
  if (h->terminated) {
    h->terminated = false;
    h->pending.Reset();
    isolate->TerminateExecution();
    return false;
  }
  v8::Local<v8::Value> exception = h->pending.Get(isolate);
  h->pending.Reset();
  isolate->ThrowException(exception);
  return false;
}

bool IsCallbackProto(Runtime *rt, uint32_t id) {
  return rt->callbacks && id < rt->callbacks->protos.size();
}

void ThrowCallbackArgType(v8::Isolate *isolate, const CallPlan *plan, uint32_t index, v8::Local<v8::Value> value) {
  if (ThrowIfAddressOutOfRange(isolate, plan, index, value)) return;
  std::string type = index < plan->arg_types.size() ? plan->arg_types[index] : "a callback";
  isolate->ThrowException(v8::Exception::TypeError(
      Str(isolate, plan->name + "(): argument " + std::to_string(index + 1) + " expects " + type +
                       " (a function, a registered callback pointer or null), received " + DescribeValue(isolate, value))));
}

namespace {

// A register slot, or a run of them for an aggregate passed in consecutive registers.
bool IsRegisterOffset(uint32_t offset, uint32_t size = 8) {
  return offset % 8 == 0 && size <= 16 && offset + size <= CP_FRAME_STACK_BYTES;
}

// Where a callback finds a value of `size` bytes: in registers or in the caller's stack arguments.
bool IsArgOffset(uint32_t offset, uint32_t size) {
  if (offset >= CP_FRAME_STACK) return offset - CP_FRAME_STACK + size <= kMaxStackArgBytes;
  return IsRegisterOffset(offset, size);
}

// The number results a loader may store (CB_RET arg 1), as src/callback.ts STORES.
bool IsStoredResult(Kind kind) {
  switch (kind) {
    case Kind::I8: case Kind::U8: case Kind::I16: case Kind::U16: case Kind::I32: case Kind::U32:
    case Kind::F32: case Kind::F64: return true;
    default: return false;
  }
}

bool StoresResult(const CallbackProto *proto) { return proto->ret.op == OP_CB_RET && proto->ret.arg == 1; }

bool HasLoader(const CallbackProto *proto) { return !proto->loads.empty() || StoresResult(proto); }

// Callback plans come from the TypeScript compiler; a malformed one is refused here.
CallbackProto *DecodeCallbackPlan(Runtime *rt, const uint32_t *words, size_t count) {
  if (count < 4 || words[0] != kPlanMagic) return nullptr;
  uint32_t nargs = words[1];
  uint32_t n = words[3];
  if (nargs > kMaxCallbackArgs || count != 4 + (size_t)n * 4 || n < 2) return nullptr;
  auto *proto = new CallbackProto();
  proto->nargs = nargs;
  proto->abi_word = words[2];
#if defined(__i386__)
  // Bytes popped by the callee (a multiple of 4) and the x87 kind of the result.
  if ((words[2] & 3) || (words[2] & 0xFFFF) > kMaxStackArgBytes || (words[2] >> 16) > CP_I386_X87_DOUBLE) {
    delete proto;
    return nullptr;
  }
#endif
  std::vector<bool> loaded(nargs, false);  // CB_LOAD words
  bool has_ret = false;
  bool ok = true;
  for (uint32_t i = 0; i < n && ok; i++) {
    const uint32_t *w = words + 4 + i * 4;
    CbOp op;
    op.op = w[0];
    op.arg = w[2];
    if (op.op == OP_END) {
      ok = i == n - 1;
      continue;
    }
    if (op.op == OP_CB_LOAD) {
      uint32_t size = w[3];
      ok = op.arg < nargs && !loaded[op.arg] && (size == 1 || size == 2 || size == 4 || size == 8) && IsArgOffset(w[1], size);
      if (ok) loaded[op.arg] = true;
      proto->loads.push_back({w[1], 8 * op.arg, size});
      continue;
    }
    op.type = GetTypeDesc(rt, w[3]);
    if (!op.type) {
      ok = false;
      continue;
    }
    switch (op.op) {
      case OP_CB_ARG:
        op.src0 = w[1];
        ok = op.type->size && IsArgOffset(op.src0, op.type->size);
        proto->args.push_back(op);
        break;
      case OP_CB_ARG_REF:
        op.src0 = w[1];
        ok = op.type->size && IsArgOffset(op.src0, 8);
        proto->args.push_back(op);
        break;
      case OP_CB_ARG_AGG:
        op.src0 = w[1];
        op.arg = w[2] & 0xFFFF;
        op.piece = w[2] >> 16;
        ok = PiecesFit(op.src0, op.piece, op.type->size, CP_FRAME_STACK_BYTES);
        proto->args.push_back(op);
        break;
      case OP_CB_RET:
        op.src0 = w[1];
        ok = !has_ret && (op.src0 == CP_RET_INT || op.src0 == CP_RET_FLOAT) && op.type->size <= 8 &&
             (op.arg == 0 || (op.arg == 1 && IsStoredResult(op.type->kind)));
        has_ret = true;
        proto->ret = op;
        break;
      case OP_CB_RET_AGG:
        op.src0 = w[1];
        op.piece = w[2];
        ok = !has_ret && PiecesFit(op.src0, op.piece, op.type->size, CP_RET_SIZE);
        has_ret = true;
        proto->ret = op;
        break;
      case OP_CB_RET_AGG_MEM:
        op.src0 = w[1];
        ok = !has_ret && IsArgOffset(op.src0, 8);
        has_ret = true;
        proto->ret = op;
        break;
      default:
        ok = false;
    }
  }
  // Every parameter is loaded or converted, and the converted ones fill the V8 call's
  // arguments after the function the loader takes first.
  uint32_t first = HasLoader(proto) ? 1 : 0;
  proto->argc = first + (uint32_t)proto->args.size();
  proto->loader_only = first && proto->args.empty();
  std::vector<bool> filled(proto->argc, false);
  ok = ok && has_ret && proto->loads.size() + proto->args.size() == nargs;
  for (const CbOp &op : proto->args) {
    ok = ok && op.arg >= first && op.arg < proto->argc && !filled[op.arg];
    if (ok) filled[op.arg] = true;
  }
  if (!ok) {
    delete proto;
    return nullptr;
  }
  return proto;
}

CallbackHost *HostOf(const Napi::CallbackInfo &info) { return GetRuntime(info.Env())->callbacks; }

// defineCallback(words: Uint32Array, name) -> prototype id
Napi::Value DefineCallback(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  CallbackHost *h = HostOf(info);
  auto words = info[0].As<Napi::Uint32Array>();
  CallbackProto *proto = DecodeCallbackPlan(h->rt, words.Data(), words.ElementLength());
  // A plan with CB_LOAD instructions or a stored result comes with its loader, the buffer of
  // one word per parameter and one for the result, and the loader's "stored" reply.
  if (proto && HasLoader(proto)) {
    if (info.Length() < 5 || !info[2].IsFunction() || !info[3].IsArrayBuffer() || !info[4].IsObject() ||
        info[3].As<Napi::ArrayBuffer>().ByteLength() < 8 * ((size_t)proto->nargs + 1)) {
      delete proto;
      proto = nullptr;
    } else {
      proto->loader.Reset(h->isolate, ToLocal(info[2]).As<v8::Function>());
      proto->stored.Reset(h->isolate, ToLocal(info[4]).As<v8::Object>());
      proto->store = ToLocal(info[3]).As<v8::ArrayBuffer>()->GetBackingStore();
      proto->words = static_cast<uint8_t *>(proto->store->Data());
    }
  }
  if (!proto) {
    Napi::Error::New(env, "Internal error: malformed callback plan").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  proto->name = info[1].As<Napi::String>().Utf8Value();
  h->protos.push_back(proto);
  return Napi::Number::New(env, (double)(h->protos.size() - 1));
}

std::string Hex(uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
  return buf;
}

// register(fn, protoId) -> BigInt address, valid until unregister().
Napi::Value Register(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  CallbackHost *h = HostOf(info);
  uint32_t id = info[1].As<Napi::Number>().Uint32Value();
  if (id >= h->protos.size() || !info[0].IsFunction()) {
    Napi::TypeError::New(env, "Internal error: invalid callback registration").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int64_t index;
  uint32_t registered;
  {
    std::lock_guard<std::mutex> lock(G().mutex);
    index = TakeSlot(h, h->protos[id], ToLocal(info[0]).As<v8::Function>(), true);
    if (index >= 0) h->registered++;
    registered = h->registered;
  }
  if (index < 0) {
    Napi::Error::New(env, "register(): too many callbacks, all " + std::to_string(kSlots) + " trampolines are in use (" +
                              std::to_string(registered) + " registered callbacks); unregister the ones no longer needed")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::BigInt::New(env, (uint64_t)(uintptr_t)TrampolineAddress((uint32_t)index));
}

Napi::Value Unregister(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  CallbackHost *h = HostOf(info);
  bool lossless;
  uint64_t address = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  int64_t index = TrampolineIndex(address);
  bool ok = false;
  {
    std::lock_guard<std::mutex> lock(G().mutex);
    if (index >= 0) {
      Slot &s = G().slots[index];
      if (s.host.load(std::memory_order_relaxed) == h && s.registered) {
        PutSlot((uint32_t)index);
        h->registered--;
        ok = true;
      }
    }
  }
  if (!ok)
    Napi::Error::New(env, "unregister(): " + Hex(address) +
                              " is not a registered callback (it was never registered, or it was already unregistered)")
        .ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value CallbackStats(const Napi::CallbackInfo &info) {
  CallbackHost *h = HostOf(info);
  Napi::Object out = Napi::Object::New(info.Env());
  uint32_t free_count;
  {
    std::lock_guard<std::mutex> lock(G().mutex);
    free_count = G().free_count;
  }
  out.Set("registered", (double)h->registered);
  out.Set("transient", (double)h->rt->transients.size());
  out.Set("capacity", (double)kSlots);
  out.Set("free", (double)free_count);
  out.Set("signal", (double)G().signal);
  out.Set("inlineScopes", kV8InlinesHandleScopes || h->scope_data != nullptr);
  out.Set("scopeLevel", h->scope_data ? (double)h->scope_data->level : -1.0);
  out.Set("grownScopes", (double)GrownScopeCount());
  out.Set("handles", (double)v8::HandleScope::NumberOfHandles(h->isolate));
  out.Set("table", Napi::BigInt::New(info.Env(), (uint64_t)(uintptr_t)cp_trampoline_table));
  return out;
}

Napi::Value NodeEnv(const Napi::CallbackInfo &info) {
  return Napi::BigInt::New(info.Env(), (uint64_t)(uintptr_t)static_cast<napi_env>(info.Env()));
}

void OnAsync(uv_async_t *handle) {
  auto *h = static_cast<CallbackHost *>(handle->data);
  if (!(h->rt->attention.load(std::memory_order_relaxed) & kAttentionQueued)) return;
  Runtime *rt = h->rt;
  if (!rt->EnsureArena()) return;
  // Results of the previous batch are dropped unless something else moved the arena since.
  if (h->idle_top && rt->arena.top == h->idle_top) {
    rt->arena.top = h->idle_base;
    for (size_t i = h->idle_overflow; i < rt->overflow.size(); i++) free(rt->overflow[i]);
    if (rt->overflow.size() > h->idle_overflow) rt->overflow.resize(h->idle_overflow);
  }
  h->idle_base = rt->arena.top;
  h->idle_overflow = rt->overflow.size();
  napi_env env = h->env;
  napi_handle_scope hscope;
  if (napi_open_handle_scope(env, &hscope) != napi_ok) return;
  napi_value resource;
  napi_callback_scope cscope = nullptr;
  if (napi_get_reference_value(env, h->resource, &resource) == napi_ok)
    napi_open_callback_scope(env, resource, h->async_context, &cscope);
  {
    v8::HandleScope scope(h->isolate);
    v8::Context::Scope context_scope(h->context.Get(h->isolate));
    ServiceQueue(h, Mode::Idle);
  }
  h->idle_top = rt->arena.top;
  if (cscope) napi_close_callback_scope(env, cscope);
  napi_close_handle_scope(env, hscope);
}

// Environment teardown: release its slots and answer the calls still waiting with zeros.
void Teardown(void *data) {
  auto *h = static_cast<CallbackHost *>(data);
  Global &g = G();
  {
    std::lock_guard<std::mutex> lock(g.mutex);
    for (size_t i = 0; i < g.hosts.size(); i++) {
      if (g.hosts[i] == h) {
        g.hosts.erase(g.hosts.begin() + (long)i);
        break;
      }
    }
    for (uint32_t i = 0; i < kSlots; i++)
      if (g.slots[i].host.load(std::memory_order_relaxed) == h) PutSlot(i);
    std::lock_guard<std::mutex> qlock(h->queue_mutex);
    for (Request *r = h->head; r;) {
      Request *next = r->next;
      ZeroResult(r->frame, g.slots[r->index].sret_at, 0);
      std::lock_guard<std::mutex> rlock(r->m);
      r->done = true;
      r->cv.notify_one();
      r = next;
    }
    h->head = h->tail = nullptr;
  }
  if (t_host == h) t_host = nullptr;
  h->rt->callbacks = nullptr;
  h->rt->transients.clear();
  h->pending.Reset();
  h->context.Reset();
  for (CallbackProto *p : h->protos) delete p;
  h->protos.clear();
  if (h->async_context) napi_async_destroy(h->env, h->async_context);
  if (h->resource) napi_delete_reference(h->env, h->resource);
  // No close callback: a worker's loop may finish closing after this addon is unloaded. The
  // handle's few bytes stay allocated for that reason.
  uv_close(reinterpret_cast<uv_handle_t *>(h->async), nullptr);
  delete h;
}

}  // namespace

void InitCallbacks(napi_env env, napi_value exports, Runtime *rt) {
  auto *h = new CallbackHost();
  h->rt = rt;
  h->env = env;
  h->isolate = v8::Isolate::GetCurrent();
  h->context.Reset(h->isolate, h->isolate->GetCurrentContext());
  h->js_thread = pthread_self();
  h->js_tid = (pid_t)syscall(SYS_gettid);
  h->js_thread_pointer = ThreadPointer();
  h->scope_data = FindHandleScopeData(h->isolate);
  uv_loop_t *loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  h->async = new uv_async_t();
  h->async->data = h;
  uv_async_init(loop, h->async, OnAsync);
  uv_unref(reinterpret_cast<uv_handle_t *>(h->async));
  napi_value resource, name;
  napi_create_object(env, &resource);
  napi_create_reference(env, resource, 1, &h->resource);
  napi_create_string_utf8(env, "callplan:callback", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, resource, name, &h->async_context);
  rt->callbacks = h;
  t_host = h;
  {
    Global &g = G();
    std::lock_guard<std::mutex> lock(g.mutex);
    g.hosts.push_back(h);
    if (!g.signal) g.signal = InstallSignal();
    if (g.signal) {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, g.signal);
      pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    }
  }
  napi_add_env_cleanup_hook(env, Teardown, h);

  Napi::Env e(env);
  Napi::Object o(env, exports);
  o.Set("defineCallback", Napi::Function::New(e, DefineCallback, "defineCallback"));
  o.Set("register", Napi::Function::New(e, Register, "register"));
  o.Set("unregister", Napi::Function::New(e, Unregister, "unregister"));
  o.Set("callbackStats", Napi::Function::New(e, CallbackStats, "callbackStats"));
  o.Set("nodeEnv", Napi::Function::New(e, NodeEnv, "nodeEnv"));
  InitPoll(env, exports);
}

}  // namespace callplan
