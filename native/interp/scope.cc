// Finding V8's handle-scope record (see scope.h) and proving it before the dispatcher uses it.
//
// The record is a field of the isolate. From V8 12 its offset is published
// (Internals::kIsolateHandleScopeDataOffset); before, it is found by what a real
// v8::HandleScope does to the isolate: the isolate's bytes are read (through /proc/self/mem,
// which reports unreadable or unmapped pages as a short read instead of faulting) before and
// after one is opened, and exactly one place may hold the `next` and `limit` that the scope
// saved, followed by a level that went up by one. Either way every operation the dispatcher
// relies on is then tried against V8's own: handles land at `next`, an inline scope nests with
// V8's and gives back what it took, a scope that V8 had to grow by a block closes through V8,
// and V8's scope puts everything back as found. Any surprise (another V8, another layout, three
// attempts over) leaves the dispatcher on v8::HandleScope. CALLPLAN_PLAIN_HANDLE_SCOPES=1,
// read when the addon is loaded, forces that.
#define _FILE_OFFSET_BITS 64  // pread() offsets are addresses, above 2 GB on 32-bit ISAs too

#include "scope.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace callplan {

namespace {

constexpr size_t kWord = sizeof(void *);
constexpr size_t kScanBytes = 128 << 10;  // V8 11 on x86-64 has the record at 57 KB
constexpr int kAttempts = 3;

std::atomic<uint64_t> g_grown{0};

// Once, when the addon is loaded: getenv() on a Worker thread could race with setenv().
const bool g_plain_requested = [] {
  const char *plain = getenv("CALLPLAN_PLAIN_HANDLE_SCOPES");
  return plain && *plain && strcmp(plain, "0") != 0;
}();

// Reads `count` words at `from` into `to` through /proc/self/mem; the number of words read.
size_t ReadWords(int mem, const void *from, uintptr_t *to, size_t count) {
  ssize_t got = pread(mem, to, count * kWord, (off_t)(uintptr_t)from);
  return got > 0 ? (size_t)got / kWord : 0;
}

template <typename T>
void *SlotOf(v8::Local<T> local) {
  void *slot;
  static_assert(sizeof(local) == sizeof(slot), "a Local is the address of its handle");
  memcpy(&slot, &local, sizeof(slot));
  return slot;
}

// Whether the record is at *offset, proved as described above. With `mem` (/proc/self/mem),
// the offset is looked for in the isolate's first kScanBytes; without (-1), it is the one given.
bool TryRecord(v8::Isolate *isolate, int mem, size_t *offset) {
  const bool scan = mem >= 0;
  std::vector<uintptr_t> before(scan ? kScanBytes / kWord : 0), after(before.size());
  // As much as is readable from the isolate on: unreadable pages end the read.
  const size_t words = scan ? ReadWords(mem, isolate, before.data(), before.size()) : 0;
  bool ok = !scan || words >= 3;
  alignas(v8::HandleScope) unsigned char bytes[sizeof(v8::HandleScope)];
  auto *outer = ::new (static_cast<void *>(bytes)) v8::HandleScope(isolate);
  ok = ok && (!scan || ReadWords(mem, isolate, after.data(), words) == words);
  void *saved[3];  // what v8::HandleScope keeps: the isolate, the previous next and limit
  memcpy(saved, bytes, sizeof(saved));
  void **next = static_cast<void **>(saved[1]);
  void **limit = static_cast<void **>(saved[2]);
  // Room for the handles made below without a new block.
  ok = ok && saved[0] == static_cast<void *>(isolate) && next && limit && limit - next > 8;

  int level = 0;
  if (ok && scan) {
    // The one place that held next and limit and whose level went up by one. Other words may
    // change meanwhile (other threads write to the isolate and to what follows it).
    size_t matches = 0;
    for (size_t i = 2; i < words; i++)
      if (before[i - 2] == (uintptr_t)next && before[i - 1] == (uintptr_t)limit && after[i - 2] == (uintptr_t)next &&
          after[i - 1] == (uintptr_t)limit && after[i] == before[i] + 1) {
        matches++;
        *offset = (i - 2) * kWord;
        memcpy(&level, &after[i], sizeof(level));  // the low half of the word on 64-bit ISAs
      }
    ok = matches == 1;
  }
  auto *data = reinterpret_cast<HandleScopeData *>(reinterpret_cast<char *>(isolate) + *offset);
  if (ok && !scan) {
    ok = data->next == next && data->limit == limit;
    level = data->level;
  }
  // Handles land at `next`. A place found by scanning is watched through /proc until V8 has
  // been seen writing to it, which proves it is V8's and mapped.
  if (ok) {
    v8::Local<v8::Value> first = v8::Integer::New(isolate, 1);
    uintptr_t now[3] = {};
    ok = SlotOf(first) == next &&
         (scan ? ReadWords(mem, data, now, 3) == 3 && now[0] == (uintptr_t)(next + 1) && now[1] == (uintptr_t)limit
               : data->next == next + 1 && data->limit == limit) &&
         data->level == level;
  }
  // An inline scope nests with V8's and gives back what it took.
  if (ok) {
    {
      CallbackHandleScope scope(isolate, data);
      ok = data->level == level + 1;
      v8::Local<v8::Value> second = v8::Integer::New(isolate, 2);
      ok = ok && SlotOf(second) == next + 1;
      {
        v8::HandleScope inner(isolate);
        ok = ok && data->level == level + 2;
        v8::Local<v8::Value> third = v8::Integer::New(isolate, 3);
        ok = ok && SlotOf(third) == next + 2;
      }
      ok = ok && data->level == level + 1 && data->next == next + 2;
    }
    ok = ok && data->level == level && data->next == next + 1 && data->limit == limit;
  }
  // A scope that V8 grew by a block closes through V8, which frees the block.
  if (ok) {
    {
      CallbackHandleScope scope(isolate, data);
      for (int i = 0; i < 1 << 14 && data->limit == limit; i++) (void)v8::Integer::New(isolate, i);
      ok = data->limit != limit;
    }
    ok = ok && data->level == level && data->next == next + 1 && data->limit == limit;
  }
  outer->~HandleScope();
  return ok && data->level == level - 1 && data->next == next && data->limit == limit;
}

}  // namespace

HandleScopeData *FindHandleScopeData(v8::Isolate *isolate) {
#if defined(V8_ENABLE_DIRECT_HANDLE) || defined(V8_ENABLE_DIRECT_LOCAL) || defined(V8_ENABLE_CHECKS)
  (void)isolate;
  return nullptr;
#else
  if (g_plain_requested || sizeof(v8::HandleScope) != 3 * kWord) return nullptr;
  v8::HandleScope scope(isolate);
#if V8_MAJOR_VERSION >= 12
  size_t offset = v8::internal::Internals::kIsolateHandleScopeDataOffset;
  int mem = -1;
#else
  size_t offset = 0;
  int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  if (mem < 0) return nullptr;
#endif
  HandleScopeData *data = nullptr;
  for (int attempt = 0; attempt < kAttempts && !data; attempt++) {
    if (TryRecord(isolate, mem, &offset))
      data = reinterpret_cast<HandleScopeData *>(reinterpret_cast<char *>(isolate) + offset);
    // Next time from elsewhere in the block, should this spot be too near its end.
    for (int i = 0; i < 16; i++) (void)v8::Integer::New(isolate, i);
  }
  if (mem >= 0) close(mem);
  return data;
#endif
}

#if V8_MAJOR_VERSION < 14
void CloseGrownScope(v8::Isolate *isolate, void **prev_next, void **prev_limit) {
  g_grown.fetch_add(1, std::memory_order_relaxed);
  // A v8::HandleScope is these three words (checked by FindHandleScopeData); its destructor,
  // a call into V8 up to V8 13, puts next and limit back and frees the blocks added since.
  void *words[3] = {isolate, prev_next, prev_limit};
  alignas(v8::HandleScope) unsigned char bytes[std::max(sizeof(v8::HandleScope), sizeof(words))];
  memcpy(bytes, words, sizeof(words));
  reinterpret_cast<v8::HandleScope *>(bytes)->~HandleScope();
}
#endif

uint64_t GrownScopeCount() { return g_grown.load(std::memory_order_relaxed); }

}  // namespace callplan
