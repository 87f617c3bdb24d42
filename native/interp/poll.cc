// koffi.node.poll(): watches a file descriptor on the libuv loop of the environment and calls
// a JS function on readiness. The JS side (src/callback.ts) wraps a handle in PollHandle.
#include "runtime.h"
#include "v8compat.h"

#include <napi.h>
#include <uv.h>

#include <set>

namespace callplan {

namespace {

struct PollSet;

// Owned by the JS External and by the libuv handle until its close callback: freed when both
// are done with it.
struct Poll {
  napi_env env = nullptr;
  PollSet *set = nullptr;
  uv_poll_t handle;
  int refs = 2;
  bool open = true;
  bool started = false;
  bool in_callback = false;     // the async context stays until the callback returns
  napi_ref callback = nullptr;  // the JS function while started
  napi_ref owner = nullptr;     // the PollHandle, kept alive while started
  napi_async_context async_context = nullptr;
};

// Open polls per environment, closed at teardown.
struct PollSet {
  std::set<Poll *> open;
};

void Release(Poll *p) {
  if (--p->refs == 0) delete p;
}

void Unstart(Poll *p) {
  if (p->callback) napi_delete_reference(p->env, p->callback);
  if (p->owner) napi_delete_reference(p->env, p->owner);
  p->callback = p->owner = nullptr;
  p->started = false;
}

// At environment teardown (`teardown`), closing may finish after this addon is unloaded, so
// there is no close callback and the handle stays allocated.
void Close(Poll *p, bool teardown = false) {
  if (!p->open) return;
  p->open = false;
  if (p->started) uv_poll_stop(&p->handle);
  Unstart(p);
  if (p->async_context && !p->in_callback) {
    napi_async_destroy(p->env, p->async_context);
    p->async_context = nullptr;
  }
  p->set->open.erase(p);
  if (teardown)
    uv_close(reinterpret_cast<uv_handle_t *>(&p->handle), nullptr);
  else
    uv_close(reinterpret_cast<uv_handle_t *>(&p->handle), [](uv_handle_t *h) { Release(static_cast<Poll *>(h->data)); });
}

Poll *Unwrap(const Napi::CallbackInfo &info) {
  if (!info[0].IsExternal()) {
    Napi::TypeError::New(info.Env(), "Invalid poll handle").ThrowAsJavaScriptException();
    return nullptr;
  }
  return info[0].As<Napi::External<Poll>>().Data();
}

void OnPoll(uv_poll_t *handle, int status, int events) {
  auto *p = static_cast<Poll *>(handle->data);
  if (!p || !p->callback) return;
  napi_env env = p->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, argv[2], result;
  napi_get_reference_value(env, p->callback, &fn);
  if (p->owner)
    napi_get_reference_value(env, p->owner, &recv);
  else
    napi_get_undefined(env, &recv);
  napi_create_int32(env, status, &argv[0]);
  napi_create_object(env, &argv[1]);
  napi_value flag;
  napi_get_boolean(env, (events & UV_READABLE) != 0, &flag);
  napi_set_named_property(env, argv[1], "readable", flag);
  napi_get_boolean(env, (events & UV_WRITABLE) != 0, &flag);
  napi_set_named_property(env, argv[1], "writable", flag);
  napi_get_boolean(env, (events & UV_DISCONNECT) != 0, &flag);
  napi_set_named_property(env, argv[1], "disconnect", flag);
  p->in_callback = true;
  // Like any event callback: microtasks run after it, and an exception is uncaught.
  napi_make_callback(env, p->async_context, recv, fn, 2, argv, &result);
  p->in_callback = false;
  if (!p->open && p->async_context) {
    napi_async_destroy(env, p->async_context);
    p->async_context = nullptr;
  }
  napi_close_handle_scope(env, scope);
}

// pollOpen(fd) -> External
Napi::Value PollOpen(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  auto *set = static_cast<PollSet *>(info.Data());
  int fd = info[0].As<Napi::Number>().Int32Value();
  uv_loop_t *loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  auto *p = new Poll();
  p->env = env;
  p->set = set;
  int rc = uv_poll_init(loop, &p->handle, fd);
  if (rc != 0) {
    delete p;
    Napi::Error::New(env, "poll(): cannot watch file descriptor " + std::to_string(fd) + ": " + uv_strerror(rc))
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  p->handle.data = p;
  napi_value resource, name;
  napi_create_object(env, &resource);
  napi_create_string_utf8(env, "callplan:poll", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, resource, name, &p->async_context);
  set->open.insert(p);
  return Napi::External<Poll>::New(env, p, [](Napi::Env, Poll *poll) {
    Close(poll);
    Release(poll);
  });
}

Poll *OpenPoll(const Napi::CallbackInfo &info, const char *what) {
  Poll *p = Unwrap(info);
  if (p && !p->open) {
    Napi::Error::New(info.Env(), std::string("PollHandle.") + what + "(): the handle is closed").ThrowAsJavaScriptException();
    return nullptr;
  }
  return p;
}

// pollStart(handle, events, fn, owner)
Napi::Value PollStart(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Poll *p = OpenPoll(info, "start");
  if (!p) return env.Undefined();
  int events = info[1].As<Napi::Number>().Int32Value() & (UV_READABLE | UV_WRITABLE | UV_DISCONNECT);
  Unstart(p);
  napi_create_reference(env, info[2], 1, &p->callback);
  napi_create_reference(env, info[3], 1, &p->owner);
  int rc = uv_poll_start(&p->handle, events, OnPoll);
  if (rc != 0) {
    Unstart(p);
    Napi::Error::New(env, std::string("PollHandle.start(): ") + uv_strerror(rc)).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  p->started = true;
  return env.Undefined();
}

Napi::Value PollStop(const Napi::CallbackInfo &info) {
  Poll *p = Unwrap(info);
  if (p && p->open && p->started) {
    uv_poll_stop(&p->handle);
    Unstart(p);
  }
  return info.Env().Undefined();
}

Napi::Value PollClose(const Napi::CallbackInfo &info) {
  Poll *p = Unwrap(info);
  if (p) Close(p);
  return info.Env().Undefined();
}

// pollRef(handle, ref: boolean)
Napi::Value PollRef(const Napi::CallbackInfo &info) {
  Poll *p = OpenPoll(info, info[1].As<Napi::Boolean>().Value() ? "ref" : "unref");
  if (p) {
    if (info[1].As<Napi::Boolean>().Value())
      uv_ref(reinterpret_cast<uv_handle_t *>(&p->handle));
    else
      uv_unref(reinterpret_cast<uv_handle_t *>(&p->handle));
  }
  return info.Env().Undefined();
}

}  // namespace

void InitPoll(napi_env env, napi_value exports) {
  auto *set = new PollSet();
  napi_add_env_cleanup_hook(
      env,
      [](void *data) {
        auto *s = static_cast<PollSet *>(data);
        while (!s->open.empty()) Close(*s->open.begin(), true);
        delete s;
      },
      set);
  Napi::Env e(env);
  Napi::Object o(env, exports);
  o.Set("pollOpen", Napi::Function::New(e, PollOpen, "pollOpen", set));
  o.Set("pollStart", Napi::Function::New(e, PollStart, "pollStart", set));
  o.Set("pollStop", Napi::Function::New(e, PollStop, "pollStop", set));
  o.Set("pollClose", Napi::Function::New(e, PollClose, "pollClose", set));
  o.Set("pollRef", Napi::Function::New(e, PollRef, "pollRef", set));
}

}  // namespace callplan
