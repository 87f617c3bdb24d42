// Finding V8's handle-scope record (see scope.h) and proving it before the dispatcher uses it.
//
// The record is a field of the isolate whose offset V8 does not publish. It is found by what a
// real v8::HandleScope does to the isolate: its bytes are read before and after one is opened,
// and exactly one place may hold the `next` and `limit` that the scope saved, followed by a
// level that went up by one. Then every operation the dispatcher relies on is tried against
// V8's own: handles land at `next`, an inline scope nests with V8's and gives back what it
// took, a scope that V8 had to grow by a block closes through V8, and V8's scope puts
// everything back as found. Any surprise (another V8, another layout, three attempts over)
// leaves the dispatcher on v8::HandleScope. CALLPLAN_PLAIN_HANDLE_SCOPES=1 forces that.
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
constexpr size_t kMaxIsolateBytes = 256 << 10;  // V8 11 has the record at 57 KB
constexpr int kAttempts = 3;

std::atomic<uint64_t> g_grown{0};

// Reads the isolate's bytes through /proc/self/mem: the span runs past the isolate into
// whatever follows it, where a page may be unreadable (V8 reserves address space without
// access), which the kernel reports as a short read rather than a fault. Returns the whole
// words read.
size_t ReadIsolate(int mem, const void *from, std::vector<uintptr_t> &to) {
  ssize_t got = pread64(mem, to.data(), to.size() * kWord, (off64_t)(uintptr_t)from);
  return got > 0 ? (size_t)got / kWord : 0;
}

template <typename T>
void *SlotOf(v8::Local<T> local) {
  void *slot;
  static_assert(sizeof(local) == sizeof(slot), "a Local is the address of its handle");
  memcpy(&slot, &local, sizeof(slot));
  return slot;
}

// Whether the record is at `*found`, proved as described above.
bool TryFind(v8::Isolate *isolate, int mem, size_t words, size_t *found) {
  std::vector<uintptr_t> before(words), after(words);
  bool read = ReadIsolate(mem, isolate, before) == words;
  alignas(v8::HandleScope) unsigned char bytes[sizeof(v8::HandleScope)];
  auto *outer = ::new (static_cast<void *>(bytes)) v8::HandleScope(isolate);
  read = read && ReadIsolate(mem, isolate, after) == words;
  void *saved[3];  // what v8::HandleScope keeps: the isolate, the previous next and limit
  memcpy(saved, bytes, sizeof(saved));
  void **next = static_cast<void **>(saved[1]);
  void **limit = static_cast<void **>(saved[2]);

  size_t offset = 0;
  // Room for the handles made below without a new block.
  bool ok = read && saved[0] == static_cast<void *>(isolate) && next && limit && limit - next > 8;
  // The one place that held next and limit and whose level went up by one. Other words may
  // change meanwhile (other threads write to the isolate and to what follows it).
  if (ok) {
    size_t matches = 0;
    for (size_t i = 2; i < words; i++)
      if (before[i - 2] == (uintptr_t)next && before[i - 1] == (uintptr_t)limit && after[i - 2] == (uintptr_t)next &&
          after[i - 1] == (uintptr_t)limit && after[i] == before[i] + 1) {
        matches++;
        offset = (i - 2) * kWord;
      }
    ok = matches == 1;
  }
  auto *data = reinterpret_cast<HandleScopeData *>(reinterpret_cast<char *>(isolate) + offset);
  int level = ok ? data->level : 0;
  if (ok) {
    int was;
    memcpy(&was, reinterpret_cast<const char *>(before.data()) + offset + 2 * kWord, sizeof(was));
    ok = was == level - 1 && data->next == next && data->limit == limit;
  }
  // Handles land at `next`.
  if (ok) {
    v8::Local<v8::Value> first = v8::Integer::New(isolate, 1);
    ok = SlotOf(first) == next && data->next == next + 1;
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
  ok = ok && data->level == level - 1 && data->next == next && data->limit == limit;
  *found = offset;
  return ok;
}

}  // namespace

HandleScopeData *FindHandleScopeData(v8::Isolate *isolate) {
#if defined(V8_ENABLE_DIRECT_HANDLE) || defined(V8_ENABLE_DIRECT_LOCAL) || defined(V8_ENABLE_CHECKS)
  (void)isolate;
  return nullptr;
#else
  if (sizeof(v8::HandleScope) != 3 * kWord) return nullptr;
  const char *plain = getenv("CALLPLAN_PLAIN_HANDLE_SCOPES");
  if (plain && *plain && strcmp(plain, "0") != 0) return nullptr;
  int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  if (mem < 0) return nullptr;
  v8::HandleScope scope(isolate);
  std::vector<uintptr_t> probe(kMaxIsolateBytes / kWord);
  size_t words = ReadIsolate(mem, isolate, probe);
  HandleScopeData *data = nullptr;
  for (int attempt = 0; attempt < kAttempts && words >= 3 && !data; attempt++) {
    size_t offset;
    if (TryFind(isolate, mem, words, &offset))
      data = reinterpret_cast<HandleScopeData *>(reinterpret_cast<char *>(isolate) + offset);
    // Next time from elsewhere in the block, should this spot be too near its end.
    for (int i = 0; i < 16; i++) (void)v8::Integer::New(isolate, i);
  }
  close(mem);
  return data;
#endif
}

void CloseGrownScope(v8::Isolate *isolate, void **prev_next, void **prev_limit) {
  g_grown.fetch_add(1, std::memory_order_relaxed);
  // A v8::HandleScope is these three words (checked by FindHandleScopeData); its destructor
  // puts next and limit back and frees the blocks added since.
  void *words[3] = {isolate, prev_next, prev_limit};
  alignas(v8::HandleScope) unsigned char bytes[std::max(sizeof(v8::HandleScope), sizeof(words))];
  memcpy(bytes, words, sizeof(words));
  reinterpret_cast<v8::HandleScope *>(bytes)->~HandleScope();
}

uint64_t GrownScopeCount() { return g_grown.load(std::memory_order_relaxed); }

}  // namespace callplan
