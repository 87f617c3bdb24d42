/* callbacks.c - libcpcallbacks.so: callback fixtures (see callbacks.h). */
#define _GNU_SOURCE
#include "callbacks.h"

#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static double last_sum;
static int32_t last_i32;

double cbs_last(void) { return last_sum; }
int32_t cbs_last_i32(void) { return last_i32; }

#define CALL_STRUCT(NAME, T, SUM)          \
  T cbs_call_##NAME(T (*cb)(T), T v)       \
  {                                        \
    T r = cb(v);                           \
    last_sum = SUM;                        \
    return r;                              \
  }

CALL_STRUCT(i2, CbsI2, (double)r.a + r.b)
CALL_STRUCT(d2, CbsD2, r.x + r.y)
CALL_STRUCT(id, CbsID, (double)r.i + r.d)
CALL_STRUCT(di, CbsDI, r.d + r.i)
CALL_STRUCT(f3, CbsF3, (double)r.x + r.y + r.z)
CALL_STRUCT(fi, CbsFI, (double)r.f + r.i)
CALL_STRUCT(u8, CbsU8, (double)r.c)
CALL_STRUCT(i3, CbsI3, (double)r.a + r.b + r.c)
CALL_STRUCT(packed, CbsPacked, (double)r.tag + (double)r.v + r.w)

CbsI3 cbs_call_i3_args(CbsI3 (*cb)(int32_t a, double b), int32_t a, double b)
{
  CbsI3 r = cb(a, b);
  last_sum = (double)r.a + r.b + r.c;
  return r;
}

double cbs_call_spill(cbs_spill_cb cb)
{
  CbsID s1 = {6, 6.5}, s2 = {7, 7.5};
  CbsI3 big = {8, 9, 10};
  CbsD2 last = {12.25, 13.25};
  return cb(1, 2, 3, 4, 5, s1, s2, big, 11.5, last);
}

int32_t cbs_record_i32(int32_t (*cb)(int32_t), int32_t v)
{
  last_i32 = cb(v);
  return last_i32;
}

/* ------------------------------------------------------------------------- */
/* Threads                                                                   */
/* ------------------------------------------------------------------------- */

struct worker {
  pthread_t thread;
  int32_t (*cb)(int32_t);
  int index;
  int ncalls;
  int wrong;
};

struct threads {
  int n;
  int finished;
  pthread_mutex_t lock;
  struct worker workers[64];
};

static void *worker_main(void *arg)
{
  struct worker *w = arg;
  for (int k = 0; k < w->ncalls; k++) {
    int32_t x = w->index * 1000000 + k;
    if (w->cb(x) != 3 * x + 1)
      w->wrong++;
  }
  return NULL;
}

static void *worker_tracked(void *arg)
{
  struct worker *w = arg;
  struct threads *t = (struct threads *)((char *)(w - w->index) - offsetof(struct threads, workers));
  worker_main(w);
  pthread_mutex_lock(&t->lock);
  t->finished++;
  pthread_mutex_unlock(&t->lock);
  return NULL;
}

void *cbs_threads_start(int32_t (*cb)(int32_t), int nthreads, int ncalls)
{
  if (nthreads < 1 || nthreads > 64)
    return NULL;
  struct threads *t = calloc(1, sizeof(*t));
  if (!t)
    return NULL;
  pthread_mutex_init(&t->lock, NULL);
  for (int i = 0; i < nthreads; i++) {
    struct worker *w = &t->workers[i];
    w->cb = cb;
    w->index = i;
    w->ncalls = ncalls;
    if (pthread_create(&w->thread, NULL, worker_tracked, w) != 0) {
      for (int j = 0; j < i; j++)
        pthread_join(t->workers[j].thread, NULL);
      free(t);
      return NULL;
    }
    t->n++;
  }
  return t;
}

int cbs_threads_done(void *handle)
{
  struct threads *t = handle;
  pthread_mutex_lock(&t->lock);
  int done = t->finished == t->n;
  pthread_mutex_unlock(&t->lock);
  return done;
}

int cbs_threads_join(void *handle)
{
  struct threads *t = handle;
  if (!t)
    return -1;
  int wrong = 0;
  for (int i = 0; i < t->n; i++) {
    pthread_join(t->workers[i].thread, NULL);
    wrong += t->workers[i].wrong;
  }
  pthread_mutex_destroy(&t->lock);
  free(t);
  return wrong;
}

int cbs_threads_sync(int32_t (*cb)(int32_t), int nthreads, int ncalls)
{
  return cbs_threads_join(cbs_threads_start(cb, nthreads, ncalls));
}

/* One call of cb(v) on a thread of its own. */
struct thread_call {
  int32_t (*cb)(int32_t);
  int32_t v;
  int32_t result;
};

static void *thread_call_main(void *arg)
{
  struct thread_call *c = arg;
  c->result = c->cb(c->v);
  return NULL;
}

struct locked_call {
  pthread_mutex_t lock;
  sem_t started;
  struct thread_call call;
};

static void *locked_main(void *arg)
{
  struct locked_call *c = arg;
  pthread_mutex_lock(&c->lock);
  sem_post(&c->started);
  thread_call_main(&c->call);
  pthread_mutex_unlock(&c->lock);
  return NULL;
}

int32_t cbs_call_while_locked(int32_t (*cb)(int32_t), int32_t v)
{
  struct locked_call c;
  pthread_t thread;
  pthread_mutex_init(&c.lock, NULL);
  sem_init(&c.started, 0, 0);
  c.call.cb = cb;
  c.call.v = v;
  c.call.result = 0;
  if (pthread_create(&thread, NULL, locked_main, &c) != 0)
    return -1;
  /* Once the thread holds `lock`, block on it while the callback runs. */
  while (sem_wait(&c.started) != 0)
    ;
  pthread_mutex_lock(&c.lock);
  pthread_mutex_unlock(&c.lock);
  pthread_join(thread, NULL);
  pthread_mutex_destroy(&c.lock);
  sem_destroy(&c.started);
  return c.call.result;
}

/* Node-API, looked up in the running process rather than linked: this library is also loaded
   outside Node by the C self-checks. Status 0 is napi_ok. */
typedef int (*napi_create_string_utf8_fn)(void *env, const char *str, size_t length, void **result);
typedef int (*napi_run_script_fn)(void *env, void *script, void **result);
typedef int (*napi_get_value_int32_fn)(void *env, void *value, int32_t *result);

int32_t cbs_napi_then_wait(void *env, const char *script, int32_t (*cb)(int32_t), int32_t v)
{
  napi_create_string_utf8_fn create_string = (napi_create_string_utf8_fn)dlsym(RTLD_DEFAULT, "napi_create_string_utf8");
  napi_run_script_fn run_script = (napi_run_script_fn)dlsym(RTLD_DEFAULT, "napi_run_script");
  napi_get_value_int32_fn get_int32 = (napi_get_value_int32_fn)dlsym(RTLD_DEFAULT, "napi_get_value_int32");
  void *source, *value;
  int32_t from_script;
  struct thread_call c = {cb, v, 0};
  pthread_t thread;
  if (!create_string || !run_script || !get_int32)
    return -1001;
  if (create_string(env, script, (size_t)-1, &source) != 0 || run_script(env, source, &value) != 0 ||
      get_int32(env, value, &from_script) != 0)
    return -1002;
  if (pthread_create(&thread, NULL, thread_call_main, &c) != 0)
    return -1003;
  pthread_join(thread, NULL);
  return from_script + c.result;
}

int64_t cbs_call_wide(CbsWide (*cb)(CbsWide), int32_t seed, int32_t n)
{
  static CbsWide w;
  int64_t sum = 0;
  for (int32_t call = 0; call < n; call++) {
    for (int i = 0; i < CBS_WIDE_N; i++) w.v[i] = seed + i + call;
    CbsWide r = cb(w);
    for (int i = 0; i < CBS_WIDE_N; i++) sum += r.v[i];
  }
  return sum;
}
