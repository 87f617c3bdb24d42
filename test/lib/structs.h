/* structs.h - exact C declarations of libcpstructs.so, the struct/union/array test library.
 *
 * Built by scripts/build-testlib.mjs into build/testlib/libcpstructs.so (paths.json key
 * "cpstructs").  Plain C11 (GNU attributes for packed/aligned), x86-64 SysV / LP64.
 *
 * Three families:
 *   layout_*      sizeof / _Alignof / offsetof of the L_* types, as the C compiler lays them
 *                 out (test/layout.test.js declares the same types with koffi.struct/pack/union).
 *   hash_<T>      32-bit FNV-1a over the bytes of every member of a by-value T, member by
 *                 member in declaration order (padding is never hashed; arrays are hashed
 *                 element by element, nested structs member by member).  JavaScript reference:
 *                     h = 0x811c9dc5; for each byte b: h = Math.imul((h ^ b) >>> 0, 0x01000193) >>> 0
 *                 Functions taking several arguments hash them left to right the same way.
 *   xform_<T>     returns its by-value argument transformed member by member: the member at
 *                 flattened position k (1-based, declaration order, array elements count one
 *                 each) becomes  m + k  for integers (wrapping in the member's type) and
 *                 m * 2 + k  for float/double (computed in the member's type).
 *
 * ABI classes (x86-64 System V) of the by-value types are given next to each typedef.
 */
#ifndef CPSTRUCTS_H
#define CPSTRUCTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uchar.h>
#include <wchar.h>

#include "cp_export.h"

#define CP_PACKED __attribute__((packed))
#define CP_ALIGNED(n) __attribute__((aligned(n)))

/* ------------------------------------------------------------------------- */
/* Layout                                                                    */
/* ------------------------------------------------------------------------- */

typedef struct { char a; int b; } L_CharInt;                                            /*  0 */
typedef struct { char a; short b; char c; int d; char e; long long f; char g; float h; double i; char j; } L_Mix; /* 1 */
typedef struct { char a; L_CharInt b; char c; double d; short e; } L_Nested;           /*  2 */
typedef struct { char a[3]; int b[2]; short c[3]; double d; char e; float f[3]; } L_Arrays; /* 3 */
typedef struct CP_PACKED { char a; int b; short c; double d; char e; } L_Packed;       /*  4 */
typedef struct { char a; short b CP_ALIGNED(8); char c; int d CP_ALIGNED(16); char e; } L_Aligned; /* 5 */
typedef union { char a; int b; double c; short d[5]; } L_Union;                         /*  6 */
typedef struct { char tag; union { int i; float f; char s[7]; } u; short z; } L_TaggedUnion; /* 7 */
typedef enum { LE_A = 0, LE_B = 5, LE_C = 100000 } L_Enum;
typedef struct { char a; L_Enum e; char b; } L_EnumStruct;                               /*  8 */
typedef enum { LE64_A = 1, LE64_B = 0x100000000LL } L_Enum64;
typedef struct { char a; L_Enum64 e; char b; } L_Enum64Struct;                           /*  9 */
typedef struct { bool a; int64_t b; bool c; uint8_t d; uint16_t e; int8_t f; uint32_t g; } L_Fixed; /* 10 */
typedef struct { char a; void *p; char b; const char *s; short c; } L_Ptr;              /* 11 */
typedef struct CP_PACKED { char a; L_CharInt b; char c; } L_PackedNested;               /* 12 */
typedef struct { char a; L_Packed p; char b; int c; } L_HasPacked;                      /* 13 */
typedef struct { float a; double b; float c; float d; double e; float f; } L_Float;    /* 14 */
typedef union { L_CharInt a; struct { double d; char c; } b; float f[5]; } L_UnionStructs; /* 15 */
typedef struct { char a; L_CharInt arr[3]; short b; } L_StructArray;                    /* 16 */
typedef struct { char a; int m[2][3]; char b; double d[2][2]; } L_Matrix;               /* 17 */
typedef struct CP_PACKED { char a; int b CP_ALIGNED(4); char c; short d; } L_PackedAligned; /* 18 */
typedef struct { short a; char b[5]; } L_CharArr;                                      /* 19 */
typedef union { char a; int b CP_ALIGNED(8); char c[9]; } L_UnionAligned;               /* 20 */
typedef struct { char a; L_Union u; char b; } L_HasUnion;                               /* 21 */
typedef struct CP_PACKED { char a; short b CP_ALIGNED(2); char c; } L_PackedAligned2;   /* 22 */
typedef struct { uint8_t big[1000]; char c; double d; } L_Big;                          /* 23 */
typedef struct { char a; char16_t b; char c; char32_t d; char e; wchar_t f; } L_Chars;  /* 24 */
typedef struct { long a; unsigned long b; char c; long long d; unsigned short e; size_t f; char g; } L_Named; /* 25 */
typedef struct { char a; L_Aligned x; char b; } L_HasAligned;                           /* 26 */
typedef union CP_PACKED { char a; int b; short c[3]; } L_PackedUnion;                   /* 27 */
typedef struct { char a; L_PackedUnion u; char b; } L_HasPackedUnion;                   /* 28 */
typedef struct { uint8_t a; double b CP_ALIGNED(16); } L_Aligned16Double;               /* 29 */

CPTEST_EXPORT int layout_count(void);
/* Name of type `which` ("L_CharInt", ...), NULL when out of range. */
CPTEST_EXPORT const char *layout_name(int which);
/* Number of top-level members (0 when out of range). */
CPTEST_EXPORT int layout_members(int which);
/* sizeof / _Alignof of type `which`; (size_t)-1 when out of range. */
CPTEST_EXPORT size_t layout_size(int which);
CPTEST_EXPORT size_t layout_align(int which);
/* offsetof of top-level member `member` (declaration order); (size_t)-1 when out of range. */
CPTEST_EXPORT size_t layout_offset(int which, int member);

/* ------------------------------------------------------------------------- */
/* By-value structs: classes under x86-64 System V                           */
/* ------------------------------------------------------------------------- */

typedef struct { int32_t a; } S_I;                        /* INTEGER            rax      */
typedef struct { uint8_t a, b, c; } S_C3;                 /* INTEGER (3 bytes)  rax      */
typedef struct { int32_t a, b; } S_II;                    /* INTEGER            rax      */
typedef struct { float a; } S_F;                          /* SSE                xmm0     */
typedef struct { float a, b; } S_FF;                      /* SSE (float pair)   xmm0     */
typedef struct { float a, b, c; } S_FFF;                  /* SSE, SSE           xmm0:xmm1 */
typedef struct { float a, b, c, d; } S_FFFF;              /* SSE, SSE           xmm0:xmm1 */
typedef struct { double a; } S_D;                         /* SSE                xmm0     */
typedef struct { int32_t a; float b; } S_IF;              /* INTEGER (mixed eightbyte)   */
typedef struct { float a; int32_t b; } S_FI;              /* INTEGER (mixed eightbyte)   */
typedef struct { int16_t a; float b; int8_t c; } S_SFC;   /* INTEGER, INTEGER   rax:rdx  */
typedef struct { int64_t a, b; } S_LL;                    /* II                 rax:rdx  */
typedef struct { int64_t a; double b; } S_LD;             /* IS                 rax:xmm0 */
typedef struct { double a; int64_t b; } S_DL;             /* SI                 xmm0:rax */
typedef struct { double a, b; } S_DD;                     /* SS                 xmm0:xmm1 */
typedef struct { int8_t a; int16_t b; float c; float d; uint32_t e; } S_MixII; /* II (both mixed) */
typedef struct { float a, b; int32_t c; float d; } S_FFIF; /* SI                xmm0:rax */
typedef struct { uint16_t a; uint8_t b; float c; double d; } S_HBFD; /* IS              rax:xmm0 */
typedef struct { S_FF inner; float c; } S_Nest1;          /* SSE, SSE                    */
typedef struct { int8_t x; } S_X8;
typedef struct { S_X8 p; S_F q; double d; } S_Nest2;      /* INTEGER (x + float), SSE    */
typedef struct { float v[3]; } S_Arr3F;                   /* SSE, SSE                    */
typedef struct { int32_t a[2]; double d; } S_Arr2ID;      /* INTEGER, SSE       rax:xmm0 */
typedef struct { uint8_t tag; int16_t s[3]; float f; } S_ArrMix; /* INTEGER, SSE         */
typedef struct { S_II pairs[2]; } S_ArrS;                 /* INTEGER, INTEGER            */
typedef union { float f; int32_t i; } U_FI;               /* INTEGER                     */
typedef union { float f[2]; double d; } U_FD;             /* SSE                         */
typedef union { double d; int64_t i; } U_DL;              /* INTEGER                     */
typedef union { S_FF s; double d[2]; } U_SS;              /* SSE, SSE                    */
typedef union { uint8_t b[12]; float f[3]; } U_BF;        /* INTEGER, INTEGER            */
typedef struct { uint8_t tag; U_FI u; } S_TagU;           /* INTEGER                     */
typedef struct { int64_t a, b, c; } S_L3;                 /* MEMORY (24 bytes)           */
typedef struct { double a, b, c; } S_D3;                  /* MEMORY                      */
typedef struct { float a[5]; } S_F5;                      /* MEMORY (20 bytes)           */
typedef struct CP_PACKED { uint8_t a; int32_t b; } P_CI;  /* MEMORY: b misaligned        */
typedef struct CP_PACKED { float a; uint8_t b; float c; } P_FCF; /* MEMORY: c misaligned */
typedef struct CP_PACKED { int32_t a; int32_t b; } P_II;  /* INTEGER (all aligned)       */
typedef struct CP_PACKED { uint8_t a; uint8_t b; uint16_t c; float d; } P_BBSF; /* INTEGER */
typedef struct CP_PACKED { double a; uint16_t b; } P_DS;  /* SSE, INTEGER (10 bytes)     */
/* 16 bytes, alignment 16: the second eightbyte is padding only (NO_CLASS), so the whole
 * struct travels in ONE integer register (rdi / rax). */
typedef struct { int32_t a CP_ALIGNED(16); int32_t b; } A16;
/* 16 bytes, alignment 16, SSE then NO_CLASS: ONE SSE register (xmm0). */
typedef struct { float a CP_ALIGNED(16); } AF16;
/* 32 bytes, alignment 16: MEMORY, and on the stack it starts at a 16-byte boundary. */
typedef struct { int32_t a[3] CP_ALIGNED(16); double x, y; } A32;
/* 256 KiB: MEMORY, copied onto the stack. */
#define HUGE_SIZE (256 * 1024)
typedef struct { uint8_t data[HUGE_SIZE]; } S_Huge;
/* A string and a char array member. */
typedef struct { const char *name; int32_t value; } NamedValue;
typedef struct { char name[16]; int32_t n; } Label;

#define CP_BYVAL(T) \
  CPTEST_EXPORT uint32_t hash_##T(T v); \
  CPTEST_EXPORT T xform_##T(T v);

CP_BYVAL(S_I) CP_BYVAL(S_C3) CP_BYVAL(S_II) CP_BYVAL(S_F) CP_BYVAL(S_FF) CP_BYVAL(S_FFF)
CP_BYVAL(S_FFFF) CP_BYVAL(S_D) CP_BYVAL(S_IF) CP_BYVAL(S_FI) CP_BYVAL(S_SFC) CP_BYVAL(S_LL)
CP_BYVAL(S_LD) CP_BYVAL(S_DL) CP_BYVAL(S_DD) CP_BYVAL(S_MixII) CP_BYVAL(S_FFIF) CP_BYVAL(S_HBFD)
CP_BYVAL(S_Nest1) CP_BYVAL(S_Nest2) CP_BYVAL(S_Arr3F) CP_BYVAL(S_Arr2ID) CP_BYVAL(S_ArrMix)
CP_BYVAL(S_ArrS) CP_BYVAL(S_TagU) CP_BYVAL(S_L3) CP_BYVAL(S_D3) CP_BYVAL(S_F5)
CP_BYVAL(P_CI) CP_BYVAL(P_FCF) CP_BYVAL(P_II) CP_BYVAL(P_BBSF) CP_BYVAL(P_DS)
CP_BYVAL(A16) CP_BYVAL(AF16) CP_BYVAL(A32)

/* Unions by value: hash all sizeof(U) bytes; xform_U_* transform as described. */
CPTEST_EXPORT uint32_t hash_U_FI(U_FI v);
CPTEST_EXPORT uint32_t hash_U_FD(U_FD v);
CPTEST_EXPORT uint32_t hash_U_DL(U_DL v);
CPTEST_EXPORT uint32_t hash_U_SS(U_SS v);
CPTEST_EXPORT uint32_t hash_U_BF(U_BF v);
CPTEST_EXPORT U_FI xform_U_FI(U_FI v);   /* .i += 1                */
CPTEST_EXPORT U_FD xform_U_FD(U_FD v);   /* .d = .d * 2 + 1        */
CPTEST_EXPORT U_DL xform_U_DL(U_DL v);   /* .i += 1                */
CPTEST_EXPORT U_SS xform_U_SS(U_SS v);   /* .d[0] *= 2, .d[1] += 1 */
CPTEST_EXPORT U_BF xform_U_BF(U_BF v);   /* .b[k] += k + 1         */
/* Makers for results: each member from the scalar arguments. */
CPTEST_EXPORT U_FI make_U_FI_f(float f);
CPTEST_EXPORT U_DL make_U_DL_d(double d);

/* Huge: hash of all bytes; make fills data[i] = (uint8_t)(seed + i * 7); xform adds 1 to each byte. */
CPTEST_EXPORT uint32_t hash_S_Huge(S_Huge v);
CPTEST_EXPORT S_Huge make_S_Huge(uint32_t seed);
CPTEST_EXPORT S_Huge xform_S_Huge(S_Huge v);
CPTEST_EXPORT uint32_t hash_S_Huge_args(int32_t a, S_Huge v, double d, int32_t b);

/* String members. */
CPTEST_EXPORT uint32_t hash_NamedValue(NamedValue v);   /* bytes of name (without NUL; nothing for NULL) then value */
CPTEST_EXPORT NamedValue make_NamedValue(const char *name, int32_t value);
CPTEST_EXPORT uint32_t hash_Label(Label v);             /* all 16 name bytes then n */
CPTEST_EXPORT Label make_Label(const char *s, int32_t n); /* copies up to 16 bytes of s into name (zero-padded, no NUL when 16 or more) */

/* ------------------------------------------------------------------------- */
/* Register exhaustion and stack placement: each returns the hash of all its */
/* arguments, left to right.                                                 */
/* ------------------------------------------------------------------------- */

/* 5 ints take rdi..r8; s needs two INTEGER registers but only r9 is left, so s goes wholly to
 * the stack and f takes r9. */
CPTEST_EXPORT uint32_t spill_ints_pair(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, S_LL s, int32_t f);
/* 5 ints, then an 8-byte INTEGER struct that still fits in r9, then an int on the stack. */
CPTEST_EXPORT uint32_t fit_ints_pair(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, S_II s, int32_t f);
/* 7 doubles take xmm0..xmm6; s needs two SSE registers, only xmm7 is left: s to the stack,
 * h in xmm7. */
CPTEST_EXPORT uint32_t spill_dbls_pair(double a, double b, double c, double d, double e, double f, double g, S_DD s, double h);
/* 7 doubles then a float pair (one SSE eightbyte) that fits in xmm7, then a double on the stack. */
CPTEST_EXPORT uint32_t fit_dbls_ff(double a, double b, double c, double d, double e, double f, double g, S_FF s, double h);
/* INTEGER registers exhausted: the IS struct goes wholly to the stack although SSE
 * registers are free; d takes xmm0, g the stack. */
CPTEST_EXPORT uint32_t spill_int_mixed(int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t a5, int64_t a6, S_LD s, double d, int32_t g);
/* SSE registers exhausted: the SI struct goes to the stack although INTEGER registers are free. */
CPTEST_EXPORT uint32_t spill_sse_mixed(double d1, double d2, double d3, double d4, double d5, double d6, double d7, double d8, S_DL s, int32_t i);
/* Many struct arguments, registers run out part way. */
CPTEST_EXPORT uint32_t many_structs(S_DD a, S_DD b, S_DD c, S_DD d, S_DD e, S_LL f, S_LL g, S_LL h,
                                    S_LL i, S_LD j, S_FFF k, int32_t x, double y, S_IF z);
/* MEMORY-class arguments among register ones. */
CPTEST_EXPORT uint32_t mem_mixed(int32_t a, S_L3 b, double c, P_CI d, S_D3 e, int32_t f, S_F5 g, float h);
/* Hidden return pointer consumes rdi: a..e go in rsi..r9 and f on the stack.
 * Returns { a + b + c, d + e + f, hash(a..f) }. */
CPTEST_EXPORT S_L3 ret_mem_args(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f);
/* xmm0:xmm1 result with stack arguments: { sum of a..j weighted by 1..10, hash(a..j) }. */
CPTEST_EXPORT S_DD ret_dd_many(double a, double b, double c, double d, double e, double f, double g,
                               double h, double i, double j);
/* A16 travels in one register: returns hash(s, x, y). */
CPTEST_EXPORT uint32_t a16_args(A16 s, int32_t x, int32_t y, int32_t z, int32_t w, int32_t u);
/* A32 on the stack after a 24-byte MEMORY struct: it starts at a 16-byte boundary. */
CPTEST_EXPORT uint32_t a32_args(S_L3 first, A32 s, int32_t z);
/* A16 (rdi only) followed by a double: the padding eightbyte takes no SSE register, d is in xmm0. */
CPTEST_EXPORT uint32_t a16_then_double(A16 s, double d, float f);
/* AF16 = SSE, NO_CLASS: s in xmm0 only, d in xmm1, x in rdi. */
CPTEST_EXPORT uint32_t af16_args(AF16 s, double d, int32_t x, AF16 t, float f);
/* Integer registers exhausted by a..f: g at the stack bottom, s at the next 16-byte boundary
 * (offset 16), h after it (offset 32). */
CPTEST_EXPORT uint32_t a16_stack(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f,
                                 int32_t g, A16 s, int32_t h);

/* ------------------------------------------------------------------------- */
/* Pointers to structs, arrays, out-parameters                               */
/* ------------------------------------------------------------------------- */

typedef struct { int32_t x, y; } Point;
typedef struct { int32_t x; float y; } Inner;
typedef struct { int32_t id; Inner inner; double z; uint8_t tags[4]; } Outer;

/* hash of *p member by member (0 for NULL). */
CPTEST_EXPORT uint32_t outer_hash(const Outer *p);
CPTEST_EXPORT uint32_t outer_hash_val(Outer v);
/* Writes every member: id = seed, inner = { seed * 2, seed + 0.5 }, z = seed * 0.25,
 * tags[k] = seed + k.  Returns 1, or 0 for NULL. */
CPTEST_EXPORT int32_t outer_fill(Outer *out, int32_t seed);
/* id += 1, inner.x *= 2, inner.y += 0.5, z = -z, tags[k] += 1.  Returns 1, or 0 for NULL. */
CPTEST_EXPORT int32_t outer_bump(Outer *p);
/* Fills n Outer with outer_fill(seed + k). */
CPTEST_EXPORT void outer_fill_n(Outer *out, int32_t n, int32_t seed);

CPTEST_EXPORT int32_t points_sum(const Point *pts, int32_t n);          /* sum of x * 1 + y * 1000 */
CPTEST_EXPORT void points_translate(Point *pts, int32_t n, int32_t dx, int32_t dy);
CPTEST_EXPORT void ints_scale(int32_t *arr, int32_t n, int32_t k);      /* arr[i] *= k */
CPTEST_EXPORT double dbls_sum(const double *arr, int32_t n);            /* weighted by i + 1 */
CPTEST_EXPORT void dbls_fill(double *arr, int32_t n, double start);     /* arr[i] = start + i */
CPTEST_EXPORT void point_get(Point *out, int32_t x, int32_t y);
CPTEST_EXPORT const Point *point_static(void);                           /* { 31, -41 } */

/* Opaque handles. */
typedef struct Handle Handle;
/* *out = new handle (id); returns 0, or -1 if out is NULL. */
CPTEST_EXPORT int32_t handle_open(int32_t id, Handle **out);
CPTEST_EXPORT int32_t handle_id(const Handle *h);          /* -1 for NULL */
CPTEST_EXPORT void handle_close(Handle *h);
CPTEST_EXPORT int32_t handle_live(void);                   /* handles opened and not closed */
/* *out = NULL; returns 7. */
CPTEST_EXPORT int32_t handle_open_null(Handle **out);

/* String arrays: writes "a|(null)|bc" style text into out (truncated to outlen - 1, NUL
 * terminated) and returns the number of non-NULL entries. */
CPTEST_EXPORT int32_t strs_describe(const char *const *arr, int32_t n, char *out, size_t outlen);
/* Number of entries before the first NULL. */
CPTEST_EXPORT int32_t strs_count(const char *const *arr);
/* Writes a static string pointer into out[i] for i < n: "s0", "s1", ...  (out[i] = NULL for odd i). */
CPTEST_EXPORT void strs_produce(const char **out, int32_t n);

/* Nested structs through pointers with string members. */
CPTEST_EXPORT int32_t named_describe(const NamedValue *p, char *out, size_t outlen); /* "name=value" */

#endif
