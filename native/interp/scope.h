// The handle scope of a callback, opened and closed without calling into V8.
//
// Every callback needs a handle scope (V8 leaves the JS function's result in it). Up to V8 13,
// v8::HandleScope costs two calls into V8 plus a Locker check per callback, about 3% of the
// whole callback; what it does is small: remember where the isolate's handle area ends, count
// a level, and put the end back when it closes. The dispatcher does that itself on V8's
// per-isolate record of it, whose place FindHandleScopeData finds and proves when the addon
// loads (see scope.cc); where it cannot, CallbackHandleScope is a v8::HandleScope. From V8 14
// v8::HandleScope is itself inline and does exactly this, so it is used as it is.
#pragma once

#include <v8.h>
#include <v8-version.h>

#include <cstdint>
#include <new>

namespace callplan {

// V8's record of the current handle scope (v8::internal::HandleScopeData), as far as a scope
// touches it: handles are made at `next` until `limit`, `level` counts open scopes. V8 writes
// the same memory through its own type.
struct __attribute__((may_alias)) HandleScopeData {
  void **next;
  void **limit;
  int level;
};

// The isolate's record when its place was found and every check passed, else null.
HandleScopeData *FindHandleScopeData(v8::Isolate *isolate);

#if V8_MAJOR_VERSION >= 14

constexpr bool kV8InlinesHandleScopes = true;

class CallbackHandleScope {
 public:
  CallbackHandleScope(v8::Isolate *isolate, HandleScopeData *) : scope_(isolate) {}

 private:
  v8::HandleScope scope_;
};

#else

constexpr bool kV8InlinesHandleScopes = false;

// Closes a scope during which V8 added a block of handles: V8 frees the block.
void CloseGrownScope(v8::Isolate *isolate, void **prev_next, void **prev_limit);

class CallbackHandleScope {
 public:
  CallbackHandleScope(v8::Isolate *isolate, HandleScopeData *data) : isolate_(isolate), data_(data) {
    if (__builtin_expect(data != nullptr, 1)) {
      prev_next_ = data->next;
      prev_limit_ = data->limit;
      data->level++;
    } else {
      ::new (static_cast<void *>(fallback_)) v8::HandleScope(isolate);
    }
  }
  ~CallbackHandleScope() {
    if (__builtin_expect(data_ != nullptr, 1)) {
      if (__builtin_expect(data_->limit == prev_limit_, 1)) {
        data_->next = prev_next_;
        data_->level--;
      } else {
        CloseGrownScope(isolate_, prev_next_, prev_limit_);
      }
    } else {
      reinterpret_cast<v8::HandleScope *>(fallback_)->~HandleScope();
    }
  }
  CallbackHandleScope(const CallbackHandleScope &) = delete;
  CallbackHandleScope &operator=(const CallbackHandleScope &) = delete;

 private:
  v8::Isolate *isolate_;
  HandleScopeData *data_;
  void **prev_next_ = nullptr;
  void **prev_limit_ = nullptr;
  alignas(v8::HandleScope) unsigned char fallback_[sizeof(v8::HandleScope)];
};

#endif

// How many callback scopes closed after V8 had to add a block of handles.
uint64_t GrownScopeCount();

}  // namespace callplan
