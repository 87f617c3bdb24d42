// Per-environment state and the structures the interpreter runs on.
#pragma once

#include <node_api.h>
#include <v8.h>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace callplan {

struct TypeDesc;

enum Opcode : uint32_t {
#define OP(name, doc) OP_##name,
#include "ops.def"
#undef OP
  OP_COUNT
};

// One decoded instruction: the handler address replaces the opcode when a plan is installed.
struct Inst {
  const void *handler;
  const TypeDesc *type;  // resolved from `aux` for ops that take a type
  uint32_t op;
  uint32_t dst;
  uint32_t arg;
  uint32_t aux;
};

// Bump allocator over one preallocated block. Calls nest (a callback may call into C
// again), so callers take a mark on entry and restore it on exit.
struct Arena {
  uint8_t *base = nullptr;
  uint8_t *top = nullptr;
  uint8_t *end = nullptr;

  uint8_t *Alloc(size_t size, size_t align = 16) {
    uintptr_t p = (reinterpret_cast<uintptr_t>(top) + (align - 1)) & ~(uintptr_t)(align - 1);
    if (p + size > reinterpret_cast<uintptr_t>(end) || p + size < p) return nullptr;
    top = reinterpret_cast<uint8_t *>(p + size);
    return reinterpret_cast<uint8_t *>(p);
  }
};

struct Config {
  uint64_t sync_stack_size = 2 << 20;
  uint64_t sync_heap_size = 1 << 20;
  uint64_t async_stack_size = 128 << 10;
  uint64_t async_heap_size = 128 << 10;
  uint64_t resident_async_pools = 8;
  uint64_t max_async_calls = 256;
  uint64_t max_type_size = 64 << 20;
};

struct CallPlan;
struct PlanCode;
struct AsyncPool;

// Shared by every function declared from one library. unload() marks each of its plans, so
// later calls fail cleanly without a per-call check.
struct LibraryState {
  void *handle = nullptr;
  bool loaded = true;
  uint32_t refs = 1;
  CallPlan *plans = nullptr;  // intrusive list through CallPlan::prev/next
};

// The argument count given to plans of an unloaded library: no call can match it.
constexpr uint32_t kUnloadedArity = UINT32_MAX;

struct Runtime {
  Arena arena;                      // frames and scratch values of synchronous calls
  std::vector<void *> overflow;     // malloc'ed scratch values larger than the arena
  // errno as the last synchronous call left it, or as koffi.errno(v) set it. Every call starts
  // with it in errno, since the runtime itself may change errno between calls.
  int last_errno = 0;
  int *errno_location = nullptr;  // the JS thread's errno
  uint64_t disposed = 0;
  Config config;
  bool memory_used = false;        // sync call memory exists: its sizes are fixed
  bool async_memory_used = false;  // an async call was made: async sizes are fixed
  v8::Global<v8::ObjectTemplate> plan_holder;  // objects carrying a CallPlan * as callback data
  v8::Global<v8::Private> plan_key;            // declared function -> its holder
  std::vector<TypeDesc *> types;    // type descriptors, by id (plan operands refer to them)
  std::vector<void *> persistent;   // memory owned by the library (e.g. strings from encode())
  v8::Global<v8::FunctionTemplate> cast_template;  // koffi.as() values
  // Strings written by encode(), by destination: writing the same place again frees the last one.
  std::unordered_map<uint8_t *, void *> encoded_strings;
  napi_env env = nullptr;
  v8::Global<v8::Context> context;
  uint64_t async_in_flight = 0;
  std::vector<uint8_t *> async_pool;  // resident arenas of async calls
  AsyncPool *async = nullptr;           // worker threads, started by the first async call
  std::unordered_set<CallPlan *> plans;  // live declared functions, deleted at teardown
  std::unordered_map<uint32_t, std::unique_ptr<PlanCode>> plan_codes;  // by definePlan() id, until dropPlans()
  uint32_t next_plan_id = 0;
  // Callbacks (callback.cc). Slots of transient callbacks held by calls in progress, released
  // when their call returns; `attention` is raised when a callback threw or when callbacks from
  // other threads are queued, and checked once after each native call; `in_native` is set
  // while the JS thread runs foreign code.
  std::vector<uint32_t> transients;
  std::atomic<uint32_t> attention{0};
  std::atomic<uint8_t> in_native{0};
  struct CallbackHost *callbacks = nullptr;

  bool EnsureArena();
  size_t AsyncBlockSize() const;
};

// A decoded plan: everything that depends on the signature alone. definePlan() decodes one
// per distinct signature; each function declared with it gets a copy.
struct PlanCode {
  uint32_t nargs = 0;
  uint32_t frame_bytes = 0;
  std::vector<Inst> code;
  std::vector<std::string> arg_types;  // C type name per argument, for errors only
  bool last_arg_callback = false;      // the last parameter takes a function (async callback detection)
  bool has_output = false;             // async calls keep their JS arguments alive until completion
};

// The callback data of a declared function and of its .async: an object holding the CallPlan
// (tagged FieldKind::kCallPlan) and the signature that JS reads back for fn.info.
enum HolderField : int { kHolderPlan, kHolderSignature, kHolderFields };

// A declared function: its plan plus what calls and error messages need.
struct CallPlan : PlanCode {
  Runtime *rt = nullptr;
  v8::Global<v8::Object> holder;  // weak: the plan is deleted when its functions are collected
  LibraryState *lib = nullptr;
  CallPlan *prev = nullptr;
  CallPlan *next = nullptr;
  void *target = nullptr;
  std::string name;
};

Runtime *GetRuntime(napi_env env);
void FreeTypes(Runtime *rt);
// The V8 callback of every declared function; its data is the CallPlan.
void Invoke(const v8::FunctionCallbackInfo<v8::Value> &info);
// fn.async: the same plan, with the call on a worker thread.
void InvokeAsync(const v8::FunctionCallbackInfo<v8::Value> &info);
void FreeAsyncPool(Runtime *rt);
const void *const *DispatchTable();
bool DecodePlan(Runtime *rt, PlanCode *plan, const uint32_t *words, size_t count);

}  // namespace callplan
