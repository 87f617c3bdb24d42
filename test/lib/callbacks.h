/* Callback fixtures for test/callbacks.test.js (libcpcallbacks.so), beyond the call_cb_*
 * helpers of cptest.h: structs by value in every x86-64 System V class as callback arguments
 * and results, aggregates spilled to the stack, many threads calling one callback, and a
 * record of what C received from the last callback (to check the zeros after an exception).
 *
 * Every cbs_call_* function calls the callback once with fixed inputs (documented below) and
 * returns what it returned; cbs_last() is the sum of the fields C received from it. */
#ifndef CALLPLAN_TEST_CALLBACKS_H
#define CALLPLAN_TEST_CALLBACKS_H

#include <stdint.h>

#include "cp_export.h"

/* One eightbyte, INTEGER. */
typedef struct { int32_t a, b; } CbsI2;
/* Two eightbytes, SSE SSE. */
typedef struct { double x, y; } CbsD2;
/* INTEGER then SSE. */
typedef struct { int64_t i; double d; } CbsID;
/* SSE then INTEGER. */
typedef struct { double d; int32_t i; } CbsDI;
/* 12 bytes of floats: SSE SSE. */
typedef struct { float x, y, z; } CbsF3;
/* float and int in one eightbyte: INTEGER. */
typedef struct { float f; int32_t i; } CbsFI;
/* One byte. */
typedef struct { uint8_t c; } CbsU8;
/* 24 bytes: MEMORY (hidden result pointer, stack argument). */
typedef struct { int64_t a, b, c; } CbsI3;
/* 16 bytes packed with a misaligned member: MEMORY although small. */
#pragma pack(push, 1)
typedef struct { uint8_t tag; int64_t v; uint16_t w; uint8_t pad[5]; } CbsPacked;
#pragma pack(pop)

/* cbs_call_X(cb, v) returns cb(v); cbs_last() is then the sum of the fields of the result. */
CPTEST_EXPORT CbsI2 cbs_call_i2(CbsI2 (*cb)(CbsI2), CbsI2 v);
CPTEST_EXPORT CbsD2 cbs_call_d2(CbsD2 (*cb)(CbsD2), CbsD2 v);
CPTEST_EXPORT CbsID cbs_call_id(CbsID (*cb)(CbsID), CbsID v);
CPTEST_EXPORT CbsDI cbs_call_di(CbsDI (*cb)(CbsDI), CbsDI v);
CPTEST_EXPORT CbsF3 cbs_call_f3(CbsF3 (*cb)(CbsF3), CbsF3 v);
CPTEST_EXPORT CbsFI cbs_call_fi(CbsFI (*cb)(CbsFI), CbsFI v);
CPTEST_EXPORT CbsU8 cbs_call_u8(CbsU8 (*cb)(CbsU8), CbsU8 v);
CPTEST_EXPORT CbsI3 cbs_call_i3(CbsI3 (*cb)(CbsI3), CbsI3 v);
CPTEST_EXPORT CbsPacked cbs_call_packed(CbsPacked (*cb)(CbsPacked), CbsPacked v);

/* Hidden result pointer plus register arguments: returns cb(a, b). */
CPTEST_EXPORT CbsI3 cbs_call_i3_args(CbsI3 (*cb)(int32_t a, double b), int32_t a, double b);

/* Aggregates spilled to the stack. Calls
 *   cb(1, 2, 3, 4, 5, {6, 6.5}, {7, 7.5}, {8, 9, 10}, 11.5, {12.25, 13.25})
 * with a1..a5 in rdi..r9 minus one, s1 in the last integer register and xmm0, s2 on the stack
 * (no integer register left), big on the stack (MEMORY), d in xmm1, last in xmm2/xmm3.
 * Returns what cb returned. */
typedef double (*cbs_spill_cb)(int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5, CbsID s1, CbsID s2,
                               CbsI3 big, double d, CbsD2 last);
CPTEST_EXPORT double cbs_call_spill(cbs_spill_cb cb);

/* Sum of the fields of the last struct result received from a callback (doubles summed as
 * doubles, integers converted). */
CPTEST_EXPORT double cbs_last(void);

/* Calls cb(v) and keeps the result for cbs_last_i32(); returns it. */
CPTEST_EXPORT int32_t cbs_record_i32(int32_t (*cb)(int32_t), int32_t v);
CPTEST_EXPORT int32_t cbs_last_i32(void);

/* Threads. nthreads threads (at most 64) each call cb(t * 1000000 + k) for k = 0 .. ncalls-1
 * and count the results that differ from 3 * x + 1.
 * cbs_threads_sync waits for them (the calling JS thread blocks in pthread_join) and returns
 * the number of wrong results, or -1 if a thread could not be started.
 * cbs_threads_start returns at once (NULL on failure); cbs_threads_done is nonzero once every
 * thread finished; cbs_threads_join waits, frees and returns the number of wrong results. */
CPTEST_EXPORT int cbs_threads_sync(int32_t (*cb)(int32_t), int nthreads, int ncalls);
CPTEST_EXPORT void *cbs_threads_start(int32_t (*cb)(int32_t), int nthreads, int ncalls);
CPTEST_EXPORT int cbs_threads_done(void *handle);
CPTEST_EXPORT int cbs_threads_join(void *handle);

/* The JS thread waits on a mutex held by a thread that calls cb(v) while holding it; returns
 * what cb returned. Exercises a callback served while the JS thread blocks in a futex. */
CPTEST_EXPORT int32_t cbs_call_while_locked(int32_t (*cb)(int32_t), int32_t v);
/* Runs `script` through Node-API (env: koffi.node.env), then blocks in pthread_join while a
   new thread calls cb(v). Returns the script's int32 result plus cb's; -1001 to -1003 when
   Node-API is missing, a Node-API step fails or the thread cannot start. */
CPTEST_EXPORT int32_t cbs_napi_then_wait(void *env, const char *script, int32_t (*cb)(int32_t), int32_t v);

/* A struct large enough that converting it takes V8 more handles than one block holds. */
#define CBS_WIDE_N 3000
typedef struct CbsWide {
  int32_t v[CBS_WIDE_N];
} CbsWide;
/* Calls cb(w) n times, w.v[i] = seed + i + call; returns the sum of every element of every
 * struct cb returned. */
CPTEST_EXPORT int64_t cbs_call_wide(CbsWide (*cb)(CbsWide), int32_t seed, int32_t n);

#endif
