// Module entry: everything the TypeScript side calls that is not on the per-call path.
#include <napi.h>

#include <dlfcn.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "callback.h"
#include "convert.h"
#include "frame.h"
#include "marshal.h"

namespace callplan {

bool Runtime::EnsureArena() {
  if (arena.base) return true;
  size_t size = (size_t)(config.sync_stack_size + config.sync_heap_size);
  arena.base = static_cast<uint8_t *>(aligned_alloc(64, (size + 63) & ~(size_t)63));
  if (!arena.base) return false;
  arena.top = arena.base;
  arena.end = arena.base + size;
  memory_used = true;
  return true;
}

Runtime *GetRuntime(napi_env env) {
  void *data = nullptr;
  napi_get_instance_data(env, &data);
  return static_cast<Runtime *>(data);
}

namespace {

// Only unload() closes a library: closing it when its handles are collected (or at teardown)
// would pull code from under threads or registered callbacks that C may still run.
void ReleaseLibrary(LibraryState *lib) {
  if (--lib->refs == 0) delete lib;
}

LibraryState *UnwrapLibrary(const Napi::Value &v) {
  if (!v.IsExternal()) {
    Napi::TypeError::New(v.Env(), "Invalid library handle").ThrowAsJavaScriptException();
    return nullptr;
  }
  return v.As<Napi::External<LibraryState>>().Data();
}

// load(path | null, flags) -> External<LibraryState>
Napi::Value Load(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int flags = info[1].As<Napi::Number>().Int32Value();
  std::string path;
  bool self = info[0].IsNull() || info[0].IsUndefined();
  if (!self) path = info[0].As<Napi::String>().Utf8Value();
  dlerror();
  void *handle = dlopen(self ? nullptr : path.c_str(), flags);
  if (!handle) {
    const char *why = dlerror();
    Napi::Error::New(env, std::string("Failed to load shared library '") + path + "': " + (why ? why : "unknown error"))
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto *lib = new LibraryState();
  lib->handle = handle;
  return Napi::External<LibraryState>::New(env, lib, [](Napi::Env, LibraryState *l) { ReleaseLibrary(l); });
}

// The address of `name` in `lib`; false (with a JS exception naming the dlerror() text) when
// it is missing. A symbol may legitimately be at address 0, so the result is separate.
bool LookUp(Napi::Env env, LibraryState *lib, const std::string &name, void **address) {
  if (!lib->loaded) {
    Napi::Error::New(env, "Cannot find symbol '" + name + "': the library was unloaded").ThrowAsJavaScriptException();
    return false;
  }
  dlerror();
  *address = dlsym(lib->handle, name.c_str());
  const char *why = dlerror();
  if (!*address && why) {
    Napi::Error::New(env, "Cannot find symbol '" + name + "': " + why).ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

// symbol(lib, name) -> BigInt address; throws with the dlerror() text when missing.
Napi::Value Symbol(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  LibraryState *lib = UnwrapLibrary(info[0]);
  if (!lib) return env.Undefined();
  void *p;
  if (!LookUp(env, lib, info[1].As<Napi::String>().Utf8Value(), &p)) return env.Undefined();
  return Napi::BigInt::New(env, (uint64_t)(uintptr_t)p);
}

Napi::Value Unload(const Napi::CallbackInfo &info) {
  LibraryState *lib = UnwrapLibrary(info[0]);
  if (lib && lib->loaded) {
    lib->loaded = false;
    for (CallPlan *p = lib->plans; p; p = p->next) p->nargs = kUnloadedArity;
    if (lib->handle) dlclose(lib->handle);
  }
  return info.Env().Undefined();
}

void LinkPlan(LibraryState *lib, CallPlan *plan) {
  plan->lib = lib;
  lib->refs++;
  plan->next = lib->plans;
  if (lib->plans) lib->plans->prev = plan;
  lib->plans = plan;
}

void DeletePlan(napi_env, void *data, void *) {
  auto *plan = static_cast<CallPlan *>(data);
  if (plan->prev)
    plan->prev->next = plan->next;
  else
    plan->lib->plans = plan->next;
  if (plan->next) plan->next->prev = plan->prev;
  plan->rt->plans.erase(plan);
  ReleaseLibrary(plan->lib);
  delete plan;
}

// Declared functions point at their holder through a private symbol (Runtime::plan_key).
v8::Local<v8::Object> HolderOf(v8::Isolate *isolate, Runtime *rt, v8::Local<v8::Value> fn) {
  v8::Local<v8::Value> holder;
  // Private symbols are not forwarded by proxies: look at what a proxy wraps.
  for (int depth = 0; fn->IsProxy() && depth < 64; depth++) fn = fn.As<v8::Proxy>()->GetTarget();
  if (!fn->IsFunction() || rt->plan_key.IsEmpty() ||
      !fn.As<v8::Object>()->GetPrivate(isolate->GetCurrentContext(), rt->plan_key.Get(isolate)).ToLocal(&holder) ||
      !holder->IsObject())
    return v8::Local<v8::Object>();
  return holder.As<v8::Object>();
}

// asyncOf(fn) -> fn.async, made on first use by the shared accessor (src/library.ts): most
// declared functions are never called asynchronously.
Napi::Value AsyncOf(const Napi::CallbackInfo &info) {
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  v8::Local<v8::Object> holder = HolderOf(isolate, GetRuntime(info.Env()), ToLocal(info[0]));
  if (holder.IsEmpty()) return info.Env().Undefined();
  auto *plan = GetFieldPointer<CallPlan>(holder, kHolderPlan, FieldKind::kCallPlan);
  v8::Local<v8::Function> async;
  if (!v8::Function::New(isolate->GetCurrentContext(), InvokeAsync, holder, (int)plan->nargs + 1, v8::ConstructorBehavior::kThrow)
           .ToLocal(&async))
    return Napi::Value();
  async->SetName(NewString(isolate, plan->name + ".async"));
  return Napi::Value(info.Env(), ToNapi(async));
}

// signatureOf(fn) -> what install() was given as the signature, or undefined.
Napi::Value SignatureOf(const Napi::CallbackInfo &info) {
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  v8::Local<v8::Object> holder = HolderOf(isolate, GetRuntime(info.Env()), ToLocal(info[0]));
  if (holder.IsEmpty()) return info.Env().Undefined();
  return Napi::Value(info.Env(), ToNapi(holder->GetInternalField(kHolderSignature).As<v8::Value>()));
}

void OnHolderCollected(const v8::WeakCallbackInfo<CallPlan> &data) {
  CallPlan *plan = data.GetParameter();
  plan->holder.Reset();
  DeletePlan(nullptr, plan, nullptr);
}

// definePlan(words: Uint32Array, count, argTypes: string joined by newlines) -> id for install().
// Decoded and checked once per distinct signature, however many functions use it.
Napi::Value DefinePlan(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Runtime *rt = GetRuntime(env);
  auto words = info[0].As<Napi::Uint32Array>();
  auto code = std::make_unique<PlanCode>();
  uint32_t count = info[1].As<Napi::Number>().Uint32Value();
  std::string types = info[2].As<Napi::String>().Utf8Value();
  for (size_t start = 0; !types.empty() && start <= types.size();) {
    size_t end = types.find('\n', start);
    if (end == std::string::npos) end = types.size();
    code->arg_types.push_back(types.substr(start, end - start));
    start = end + 1;
  }
  if (count > words.ElementLength() || !DecodePlan(rt, code.get(), words.Data(), count)) {
    Napi::Error::New(env, "Internal error: malformed call plan").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uint32_t id = rt->next_plan_id++;
  rt->plan_codes.emplace(id, std::move(code));
  return Napi::Number::New(env, (double)id);
}

// dropPlans(ids: Uint32Array): forgets those definePlan() ids (a TypeScript plan cache was
// emptied). Ids are never reused, so a copy of the TypeScript side loaded twice (test runners
// resetting modules, two bundles) cannot drop or install another copy's plans.
Napi::Value DropPlans(const Napi::CallbackInfo &info) {
  Runtime *rt = GetRuntime(info.Env());
  auto ids = info[0].As<Napi::Uint32Array>();
  for (size_t i = 0; i < ids.ElementLength(); i++) rt->plan_codes.erase(ids[i]);
  return info.Env().Undefined();
}

// install(planId, lib, address: BigInt | null, name, signature) -> Function calling `address`,
// or with a null address the symbol `name` of `lib` (declarations: one call instead of two).
Napi::Value Install(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Runtime *rt = GetRuntime(env);
  auto code = rt->plan_codes.find(info[0].As<Napi::Number>().Uint32Value());
  if (code == rt->plan_codes.end()) {
    Napi::Error::New(env, "Internal error: unknown call plan").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  LibraryState *lib = UnwrapLibrary(info[1]);
  if (!lib) return env.Undefined();
  std::string name = info[3].As<Napi::String>().Utf8Value();
  void *target;
  if (info[2].IsNull()) {
    if (!LookUp(env, lib, name, &target)) return env.Undefined();
  } else {
    bool lossless;
    target = reinterpret_cast<void *>((uintptr_t)info[2].As<Napi::BigInt>().Uint64Value(&lossless));
  }
  auto *plan = new CallPlan();
  static_cast<PlanCode &>(*plan) = *code->second;
  plan->rt = rt;
  LinkPlan(lib, plan);
  plan->target = target;
  plan->name = std::move(name);
  // Declared functions are plain V8 functions: see v8compat.h for why.
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  if (rt->plan_holder.IsEmpty()) {
    v8::Local<v8::ObjectTemplate> tmpl = v8::ObjectTemplate::New(isolate);
    tmpl->SetInternalFieldCount(kHolderFields);
    rt->plan_holder.Reset(isolate, tmpl);
    rt->plan_key.Reset(isolate, v8::Private::New(isolate, NewString(isolate, "callplan:plan")));
  }
  v8::Local<v8::Object> holder = rt->plan_holder.Get(isolate)->NewInstance(context).ToLocalChecked();
  SetFieldPointer(holder, kHolderPlan, plan, FieldKind::kCallPlan);
  holder->SetInternalField(kHolderSignature, ToLocal(info[4]));
  v8::Local<v8::Function> fn =
      v8::Function::New(context, Invoke, holder, (int)plan->nargs, v8::ConstructorBehavior::kThrow).ToLocalChecked();
  fn->SetName(ToLocal(info[3]).As<v8::String>());
  // One private key for every function: they all share the map it adds (unlike a lazy
  // property per function, which gives each function a map of its own).
  fn->SetPrivate(context, rt->plan_key.Get(isolate), holder).Check();
  // Both functions share the plan through the holder, so it lives as long as either does.
  // A plain weak handle: cheaper than a Node-API finalizer for thousands of declarations.
  plan->holder.Reset(isolate, holder);
  rt->plans.insert(plan);
  plan->holder.SetWeak(plan, OnHolderCollected, v8::WeakCallbackType::kParameter);
  return Napi::Value(env, ToNapi(fn));
}

// defineType(kind, size, align, name, refId, length, hint, dispose, names[], offsets[], typeIds[], counters[]) -> id.
// Ids refer to earlier definitions, so a descriptor never points at one defined later.
Napi::Value DefineType(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Runtime *rt = GetRuntime(env);
  auto *t = new TypeDesc();
  t->kind = (Kind)info[0].As<Napi::Number>().Uint32Value();
  t->size = info[1].As<Napi::Number>().Uint32Value();
  t->align = info[2].As<Napi::Number>().Uint32Value();
  t->name = info[3].As<Napi::String>().Utf8Value();
  int32_t ref = info[4].As<Napi::Number>().Int32Value();
  t->ref = ref >= 0 ? GetTypeDesc(rt, (uint32_t)ref) : nullptr;
  t->length = info[5].As<Napi::Number>().Uint32Value();
  t->hint = (ArrayHint)info[6].As<Napi::Number>().Uint32Value();
  t->dispose = info[7].As<Napi::Number>().Uint32Value();
  if (t->kind >= Kind::COUNT || (ref >= 0 && !t->ref)) {
    delete t;
    Napi::Error::New(env, "Internal error: malformed type descriptor").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (info.Length() > 8 && info[8].IsArray()) {
    auto names = info[8].As<Napi::Array>();
    auto offsets = info[9].As<Napi::Array>();
    auto types = info[10].As<Napi::Array>();
    v8::Isolate *isolate = v8::Isolate::GetCurrent();
    t->members.resize(names.Length());
    for (uint32_t i = 0; i < names.Length(); i++) {
      MemberDesc &m = t->members[i];
      m.name = names.Get(i).As<Napi::String>().Utf8Value();
      m.key.Reset(isolate, v8::String::NewFromUtf8(isolate, m.name.c_str(), v8::NewStringType::kInternalized).ToLocalChecked());
      m.offset = offsets.Get(i).As<Napi::Number>().Uint32Value();
      m.type = GetTypeDesc(rt, types.Get(i).As<Napi::Number>().Uint32Value());
      if (info.Length() > 11 && info[11].IsArray()) m.count_member = info[11].As<Napi::Array>().Get(i).As<Napi::Number>().Int32Value();
      bool counted_ok = m.count_member < 0 || (m.count_member < (int32_t)names.Length() && (uint32_t)m.count_member != i &&
                                               m.type && (m.type->kind == Kind::ARRAY || m.type->kind == Kind::PTR) && m.type->ref);
      if (!m.type || m.offset + m.type->size > t->size || !counted_ok) {
        delete t;
        Napi::Error::New(env, "Internal error: malformed member descriptor").ThrowAsJavaScriptException();
        return env.Undefined();
      }
    }
  }
  rt->types.push_back(t);
  return Napi::Number::New(env, (double)(rt->types.size() - 1));
}

Napi::Value Errno(const Napi::CallbackInfo &info) {
  Runtime *rt = GetRuntime(info.Env());
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    rt->last_errno = info[0].As<Napi::Number>().Int32Value();
    errno = rt->last_errno;
  }
  return Napi::Number::New(info.Env(), rt->last_errno);
}

Napi::Value ErrnoTable(const Napi::CallbackInfo &info) {
  Napi::Object table = Napi::Object::New(info.Env());
#define CP_ERRNO(name) table.Set(#name, Napi::Number::New(info.Env(), name));
#include "errno_list.h"
#undef CP_ERRNO
  return table;
}

const char *const kConfigKeys[] = {"sync_stack_size", "sync_heap_size", "async_stack_size", "async_heap_size",
                                   "resident_async_pools", "max_async_calls", "max_type_size"};

uint64_t *ConfigField(Config &c, size_t i) {
  uint64_t *fields[] = {&c.sync_stack_size, &c.sync_heap_size, &c.async_stack_size, &c.async_heap_size,
                        &c.resident_async_pools, &c.max_async_calls, &c.max_type_size};
  return fields[i];
}

// config(values?) -> current values; validation happens in TypeScript.
Napi::Value ConfigFn(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Runtime *rt = GetRuntime(env);
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::Object in = info[0].As<Napi::Object>();
    Config next = rt->config;
    bool memory_changed = false;
    for (size_t i = 0; i < sizeof(kConfigKeys) / sizeof(kConfigKeys[0]); i++) {
      if (!in.Has(kConfigKeys[i])) continue;
      uint64_t v = (uint64_t)in.Get(kConfigKeys[i]).As<Napi::Number>().DoubleValue();
      if (*ConfigField(next, i) != v && ((i < 2 && rt->memory_used) || ((i == 2 || i == 3) && rt->async_memory_used)))
        memory_changed = true;
      *ConfigField(next, i) = v;
    }
    if (memory_changed) {
      Napi::Error::New(env, "Cannot change memory settings (sync/async stack and heap sizes) after the first native call of that kind")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    rt->config = next;
  }
  Napi::Object out = Napi::Object::New(env);
  for (size_t i = 0; i < sizeof(kConfigKeys) / sizeof(kConfigKeys[0]); i++)
    out.Set(kConfigKeys[i], Napi::Number::New(env, (double)*ConfigField(rt->config, i)));
  return out;
}

Napi::Value Stats(const Napi::CallbackInfo &info) {
  Runtime *rt = GetRuntime(info.Env());
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("disposed", Napi::Number::New(info.Env(), (double)rt->disposed));
  out.Set("async", Napi::Number::New(info.Env(), (double)rt->async_in_flight));
  out.Set("functions", Napi::Number::New(info.Env(), (double)rt->plans.size()));
  return out;
}

// address(value) -> BigInt address of a Buffer/TypedArray/ArrayBuffer/DataView, or the pointer itself.
Napi::Value Address(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  void *p = nullptr;
  v8::Local<v8::Value> value = ToLocal(info[0]);
  if (GetPointer(value, 0, &p) != Got::Ok) {
    Napi::TypeError::New(env, "address(): expected a pointer, Buffer, TypedArray, ArrayBuffer or DataView, received " +
                                  DescribeValue(v8::Isolate::GetCurrent(), value))
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!p) return env.Null();
  return Napi::BigInt::New(env, (uint64_t)(uintptr_t)p);
}

Napi::Object Layout(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  // The frame offsets, named as in the ISA's src/abi/ module (a test compares them).
  Napi::Object frame = Napi::Object::New(env);
#if defined(__x86_64__)
  frame.Set("gpr", CP_X64_GPR_OFFSET);
  frame.Set("sse", CP_X64_SSE_OFFSET);
  frame.Set("stackBytes", CP_X64_STACK_BYTES_OFFSET);
  frame.Set("al", CP_X64_AL_OFFSET);
  frame.Set("stack", CP_X64_STACK_OFFSET);
#elif defined(__aarch64__)
  frame.Set("gpr", CP_A64_GPR_OFFSET);
  frame.Set("fpr", CP_A64_FPR_OFFSET);
  frame.Set("x8", CP_A64_X8_OFFSET);
  frame.Set("stackBytes", CP_A64_STACK_BYTES_OFFSET);
  frame.Set("stack", CP_A64_STACK_OFFSET);
#elif defined(__i386__)
  frame.Set("ecx", CP_I386_ECX_OFFSET);
  frame.Set("edx", CP_I386_EDX_OFFSET);
  frame.Set("stackBytes", CP_I386_STACK_BYTES_OFFSET);
  frame.Set("flags", CP_I386_FLAGS_OFFSET);
  frame.Set("stack", CP_I386_STACK_OFFSET);
  // The return area and the st(0) kinds, compared with src/abi/i386_sysv.ts's RET and X87.
  Napi::Object ia32_layout = Napi::Object::New(env);
  ia32_layout.Set("retInt", CP_I386_RET_EAX);
  ia32_layout.Set("retEdx", CP_I386_RET_EDX);
  ia32_layout.Set("retFloat", CP_I386_RET_ST0);
  ia32_layout.Set("x87Float", CP_I386_X87_FLOAT);
  ia32_layout.Set("x87Double", CP_I386_X87_DOUBLE);
  o.Set("i386", ia32_layout);
#endif
  o.Set("isa", CP_ISA);
  o.Set("frame", frame);
  o.Set("magic", kPlanMagic);
  o.Set("threaded", DispatchTable() != nullptr);
  Napi::Array ops = Napi::Array::New(env);
  uint32_t i = 0;
#define OP(name, doc) ops.Set(i++, #name);
#include "ops.def"
#undef OP
  o.Set("opcodes", ops);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto *rt = new Runtime();
  rt->env = env;
  rt->context.Reset(v8::Isolate::GetCurrent(), v8::Isolate::GetCurrent()->GetCurrentContext());
  rt->errno_location = &errno;
  napi_set_instance_data(
      env, rt,
      [](napi_env, void *data, void *) {
        auto *r = static_cast<Runtime *>(data);
        r->plan_holder.Reset();
        r->plan_key.Reset();
        // Plans still reachable at teardown never see their weak callback.
        while (!r->plans.empty()) {
          CallPlan *plan = *r->plans.begin();
          plan->holder.Reset();
          DeletePlan(nullptr, plan, nullptr);
        }
        r->context.Reset();
        FreeAsyncPool(r);
        r->cast_template.Reset();
        FreeTypes(r);
        free(r->arena.base);
        for (void *p : r->overflow) free(p);
        delete r;
      },
      nullptr);
  exports.Set("load", Napi::Function::New(env, Load, "load"));
  exports.Set("symbol", Napi::Function::New(env, Symbol, "symbol"));
  exports.Set("unload", Napi::Function::New(env, Unload, "unload"));
  exports.Set("definePlan", Napi::Function::New(env, DefinePlan, "definePlan"));
  exports.Set("dropPlans", Napi::Function::New(env, DropPlans, "dropPlans"));
  exports.Set("install", Napi::Function::New(env, Install, "install"));
  exports.Set("asyncOf", Napi::Function::New(env, AsyncOf, "asyncOf"));
  exports.Set("signatureOf", Napi::Function::New(env, SignatureOf, "signatureOf"));
  exports.Set("errno", Napi::Function::New(env, Errno, "errno"));
  exports.Set("defineType", Napi::Function::New(env, DefineType, "defineType"));
  exports.Set("errnoTable", Napi::Function::New(env, ErrnoTable, "errnoTable"));
  exports.Set("config", Napi::Function::New(env, ConfigFn, "config"));
  exports.Set("stats", Napi::Function::New(env, Stats, "stats"));
  exports.Set("address", Napi::Function::New(env, Address, "address"));
  exports.Set("layout", Layout(env));
  InitMemory(v8::Isolate::GetCurrent(), ToLocal(exports).As<v8::Object>(), rt);
  InitCallbacks(env, exports, rt);
  exports.Set("RTLD_LAZY", RTLD_LAZY);
  exports.Set("RTLD_NOW", RTLD_NOW);
  exports.Set("RTLD_GLOBAL", RTLD_GLOBAL);
  exports.Set("RTLD_LOCAL", RTLD_LOCAL);
#ifdef RTLD_DEEPBIND
  exports.Set("RTLD_DEEPBIND", RTLD_DEEPBIND);
#endif
  return exports;
}

}  // namespace

}  // namespace callplan

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return callplan::Init(env, exports); }
NODE_API_MODULE(callplan, InitModule)
