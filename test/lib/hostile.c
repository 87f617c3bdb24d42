/* hostile.c - libcphostile.so: C helpers for the bad-input suite (test/bad-input.test.js)
 * and the declaration fuzzer (test/fuzz-decl.test.js, scripts/fuzz-decl.mjs).
 *
 * Built by scripts/build-testlib.mjs (paths.json key "cphostile").  Plain C11, x86-64 SysV /
 * LP64.  There is no header: each function's exact prototype is below, and the tests bind
 * them with the same text.  Pointer arguments may be NULL everywhere; nothing here reads or
 * writes more than the size of the declared pointee, so an FFI that bounds-checks buffers
 * against the pointee type keeps every call inside the caller's memory.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <uchar.h>

#include "cp_export.h"

/* 16 bytes, classes INTEGER (c, i) and SSE (d): travels in rdi + xmm0. */
typedef struct { int8_t c; int32_t i; double d; } H_Mix;
/* 28 bytes: MEMORY class; arrays inside a struct, one of them a char array (a string). */
typedef struct { int32_t n; int32_t vals[4]; char tag[6]; } H_Arr;
/* 8 bytes: INTEGER. */
typedef union { int32_t i; float f; uint8_t b[8]; } H_Union;
/* Pointer members that C dereferences. */
typedef struct { int32_t *p; const char *s; } H_Holder;

_Static_assert(sizeof(H_Mix) == 16, "H_Mix layout");
_Static_assert(sizeof(H_Arr) == 28 && offsetof(H_Arr, tag) == 20, "H_Arr layout");
_Static_assert(sizeof(H_Union) == 8, "H_Union layout");
_Static_assert(sizeof(H_Holder) == 2 * sizeof(void *), "H_Holder layout");

static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x01000193u;
    return h;
}

#define FNV_INIT 0x811c9dc5u

/* uint32_t h_mix_hash(H_Mix v): FNV-1a over the bytes of c, i, d (no padding). */
CPTEST_EXPORT uint32_t h_mix_hash(H_Mix v)
{
    uint32_t h = fnv(FNV_INIT, &v.c, 1);
    h = fnv(h, &v.i, 4);
    return fnv(h, &v.d, 8);
}

/* uint32_t h_mix_hash_ptr(const H_Mix *p): h_mix_hash(*p), 0 for NULL. */
CPTEST_EXPORT uint32_t h_mix_hash_ptr(const H_Mix *p)
{
    return p ? h_mix_hash(*p) : 0;
}

/* int h_mix_fill(H_Mix *out, int32_t seed): c = seed, i = 2 * seed, d = seed + 0.5;
 * returns 1, or 0 for NULL. */
CPTEST_EXPORT int h_mix_fill(H_Mix *out, int32_t seed)
{
    if (!out)
        return 0;
    out->c = (int8_t)seed;
    out->i = 2 * seed;
    out->d = seed + 0.5;
    return 1;
}

/* uint32_t h_arr_hash(H_Arr v): FNV-1a over n, vals[0..3], tag[0..5]. */
CPTEST_EXPORT uint32_t h_arr_hash(H_Arr v)
{
    uint32_t h = fnv(FNV_INIT, &v.n, 4);
    h = fnv(h, v.vals, sizeof(v.vals));
    return fnv(h, v.tag, sizeof(v.tag));
}

/* int32_t h_arr_sum(H_Arr v): n + vals[0] + ... + vals[3]. */
CPTEST_EXPORT int32_t h_arr_sum(H_Arr v)
{
    return v.n + v.vals[0] + v.vals[1] + v.vals[2] + v.vals[3];
}

/* uint32_t h_arr_hash_ptr(const H_Arr *p): h_arr_hash(*p), 0 for NULL. */
CPTEST_EXPORT uint32_t h_arr_hash_ptr(const H_Arr *p)
{
    return p ? h_arr_hash(*p) : 0;
}

/* int h_arr_fill(H_Arr *out): n = 4, vals = { 1, 2, 3, 4 }, tag = "hello"; 0 for NULL. */
CPTEST_EXPORT int h_arr_fill(H_Arr *out)
{
    if (!out)
        return 0;
    out->n = 4;
    for (int k = 0; k < 4; k++)
        out->vals[k] = k + 1;
    memcpy(out->tag, "hello", 6);
    return 1;
}

/* uint32_t h_union_bits(H_Union u): the low 32 bits (u.i). */
CPTEST_EXPORT uint32_t h_union_bits(H_Union u)
{
    return (uint32_t)u.i;
}

/* uint32_t h_union_hash(H_Union u): FNV-1a over all 8 bytes. */
CPTEST_EXPORT uint32_t h_union_hash(H_Union u)
{
    return fnv(FNV_INIT, u.b, sizeof(u.b));
}

/* int h_union_fill(H_Union *out, uint32_t v): out->i = v, bytes 4..7 = 0xEE; 0 for NULL. */
CPTEST_EXPORT int h_union_fill(H_Union *out, uint32_t v)
{
    if (!out)
        return 0;
    memset(out->b, 0xEE, sizeof(out->b));
    out->i = (int32_t)v;
    return 1;
}

/* int32_t h_holder_read(const H_Holder *h): *h->p; -1 if h or h->p is NULL. */
CPTEST_EXPORT int32_t h_holder_read(const H_Holder *h)
{
    return h && h->p ? *h->p : -1;
}

/* int h_holder_write(H_Holder *h, int32_t v): *h->p = v; returns 1, or 0 if h or h->p is NULL. */
CPTEST_EXPORT int h_holder_write(H_Holder *h, int32_t v)
{
    if (!h || !h->p)
        return 0;
    *h->p = v;
    return 1;
}

/* uintptr_t h_addr(const void *p): the address itself, never dereferenced.  Bind it with any
 * pointer or string parameter type to see what the FFI passed. */
CPTEST_EXPORT uintptr_t h_addr(const void *p)
{
    return (uintptr_t)p;
}

/* int32_t h_call_i32(int32_t (*cb)(int32_t), int32_t v): cb(v), or -1 for NULL. */
CPTEST_EXPORT int32_t h_call_i32(int32_t (*cb)(int32_t), int32_t v)
{
    return cb ? cb(v) : -1;
}

/* uint32_t h_all_kinds(bool b, int8_t i8, uint8_t u8, int16_t i16, uint16_t u16, int32_t i32,
 *                      uint32_t u32, int64_t i64, uint64_t u64, float f, double d,
 *                      const char *s, const char16_t *s16, const char32_t *s32, const void *p,
 *                      const int32_t *pi, H_Mix m, const H_Mix *pm)
 * One argument of every kind (18: 14 INT, 2 SSE, one by-value struct, the last ones on the
 * stack).  Returns the number of non-NULL pointer arguments plus 100 * *pi (when pi is not
 * NULL); reads only the first unit of each string. */
CPTEST_EXPORT uint32_t h_all_kinds(bool b, int8_t i8, uint8_t u8, int16_t i16, uint16_t u16, int32_t i32,
                                   uint32_t u32, int64_t i64, uint64_t u64, float f, double d, const char *s,
                                   const char16_t *s16, const char32_t *s32, const void *p, const int32_t *pi,
                                   H_Mix m, const H_Mix *pm)
{
    (void)b, (void)i8, (void)u8, (void)i16, (void)u16, (void)i32, (void)u32, (void)i64, (void)u64;
    (void)f, (void)d, (void)m;
    uint32_t n = 0;
    n += s != NULL;
    n += s16 != NULL;
    n += s32 != NULL;
    n += p != NULL;
    n += pi != NULL;
    n += pm != NULL;
    if (pi)
        n += 100u * (uint32_t)*pi;
    return n;
}

/* size_t h_count_byte(const uint8_t *p, size_t n, int byte): how many of the n bytes equal
 * byte (0 for NULL). */
CPTEST_EXPORT size_t h_count_byte(const uint8_t *p, size_t n, int byte)
{
    size_t c = 0;
    if (!p)
        return 0;
    for (size_t i = 0; i < n; i++)
        c += p[i] == (uint8_t)byte;
    return c;
}
