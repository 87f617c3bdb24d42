/* cptest.c - libcptest.so, the main callplan test library.
 *
 * Every exported function is declared in cptest.h, which documents the exact
 * prototypes and conventions (naming scheme, NULL handling, checksums, static
 * strings, mixed signatures).  Keep the two files in sync: this file includes the
 * header, so a mismatch is a compile error.
 *
 * Struct-related functions live elsewhere (a separate source file/library).
 */
#define _GNU_SOURCE 1

#include "cptest.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

_Static_assert(sizeof(wchar_t) == 4, "wchar_t is expected to be 32-bit (Linux)");
_Static_assert(sizeof(char16_t) == 2 && sizeof(char32_t) == 4, "char16_t/char32_t sizes");
_Static_assert(sizeof(long) == sizeof(void *) && (sizeof(void *) == 8 || sizeof(void *) == 4), "LP64 or ILP32 expected");

#if defined(__i386__)
/* Floating-point arithmetic in double precision (SSE) as JavaScript does it, not in the x87's
 * extended precision: the tests compare C results with the same computation in JS. Results
 * still come back in st(0), as the ABI wants. */
#pragma GCC target("sse2", "fpmath=sse")
#endif

/* ------------------------------------------------------------------------- */
/* Basics                                                                    */
/* ------------------------------------------------------------------------- */

static int g_counter;

void cp_noop(void) {}
int add_int(int a, int b) { return a + b; }
long long add_i64(long long a, long long b) { return a + b; }
float add_float(float a, float b) { return a + b; }
double add_double(double a, double b) { return a + b; }

void counter_inc(void) { g_counter++; }
void counter_add(int n) { g_counter += n; }
int counter_get(void) { return g_counter; }
void counter_reset(void) { g_counter = 0; }

/* ------------------------------------------------------------------------- */
/* Argument recording (mixedN, mixed8, variadic_mixed)                       */
/* ------------------------------------------------------------------------- */

#define MAX_RECORDED 32

double last_args[MAX_RECORDED];
static long long last_args_i64[MAX_RECORDED];
static int last_argc;

static void rec_begin(void)
{
    last_argc = 0;
    memset(last_args, 0, sizeof(last_args));
    memset(last_args_i64, 0, sizeof(last_args_i64));
}

static void rec_int(long long v)
{
    if (last_argc < MAX_RECORDED) {
        last_args[last_argc] = (double)v;
        last_args_i64[last_argc] = v;
        last_argc++;
    }
}

static void rec_fp(double v)
{
    if (last_argc < MAX_RECORDED) {
        last_args[last_argc] = v;
        last_args_i64[last_argc] = 0;
        last_argc++;
    }
}

/* sum over i of (i+1) * last_args[i], accumulated left to right in double. */
static double rec_weighted_sum(void)
{
    double sum = 0.0;
    for (int i = 0; i < last_argc; i++)
        sum += (double)(i + 1) * last_args[i];
    return sum;
}

double get_last_arg(int i)
{
    if (i < 0 || i >= last_argc)
        return NAN;
    return last_args[i];
}

long long get_last_arg_i64(int i)
{
    if (i < 0 || i >= last_argc)
        return 0;
    return last_args_i64[i];
}

int get_last_argc(void) { return last_argc; }
void reset_last_args(void) { rec_begin(); }

double mixed8(int a, double b, float c, long long d, short e, double f, unsigned int g, float h)
{
    rec_begin();
    rec_int(a);
    rec_fp(b);
    rec_fp(c);
    rec_int(d);
    rec_int(e);
    rec_fp(f);
    rec_int(g);
    rec_fp(h);
    return (double)a + b + (double)c + (double)d + (double)e + f + (double)g + (double)h;
}

/* ------------------------------------------------------------------------- */
/* Identity                                                                  */
/* ------------------------------------------------------------------------- */

bool id_bool(bool v) { return v; }
int8_t id_i8(int8_t v) { return v; }
uint8_t id_u8(uint8_t v) { return v; }
int16_t id_i16(int16_t v) { return v; }
uint16_t id_u16(uint16_t v) { return v; }
int32_t id_i32(int32_t v) { return v; }
uint32_t id_u32(uint32_t v) { return v; }
int64_t id_i64(int64_t v) { return v; }
uint64_t id_u64(uint64_t v) { return v; }
float id_float(float v) { return v; }
double id_double(double v) { return v; }
char id_char(char v) { return v; }
signed char id_schar(signed char v) { return v; }
unsigned char id_uchar(unsigned char v) { return v; }
short id_short(short v) { return v; }
unsigned short id_ushort(unsigned short v) { return v; }
int id_int(int v) { return v; }
unsigned int id_uint(unsigned int v) { return v; }
long id_long(long v) { return v; }
unsigned long id_ulong(unsigned long v) { return v; }
long long id_longlong(long long v) { return v; }
unsigned long long id_ulonglong(unsigned long long v) { return v; }
size_t id_size(size_t v) { return v; }
ptrdiff_t id_ptrdiff(ptrdiff_t v) { return v; }
intptr_t id_intptr(intptr_t v) { return v; }
uintptr_t id_uintptr(uintptr_t v) { return v; }
void *id_ptr(void *v) { return v; }
wchar_t id_wchar(wchar_t v) { return v; }
char16_t id_char16(char16_t v) { return v; }
char32_t id_char32(char32_t v) { return v; }

/* ------------------------------------------------------------------------- */
/* Widening probes                                                           */
/* ------------------------------------------------------------------------- */

int widen_bool(bool v) { return v ? 1 : 0; }
long long widen_i8(int8_t v) { return v; }
unsigned long long widen_u8(uint8_t v) { return v; }
long long widen_i16(int16_t v) { return v; }
unsigned long long widen_u16(uint16_t v) { return v; }
long long widen_i32(int32_t v) { return v; }
unsigned long long widen_u32(uint32_t v) { return v; }
/* Whether plain char and wchar_t are signed: they are not on arm64 Linux. */
int cp_char_is_signed(void) { return CHAR_MIN < 0; }
int cp_wchar_is_signed(void) { return WCHAR_MIN < 0; }
long long widen_char(char v) { return v; }
unsigned long long widen_uchar(unsigned char v) { return v; }
long long widen_short(short v) { return v; }
unsigned long long widen_ushort(unsigned short v) { return v; }
long long widen_wchar(wchar_t v) { return v; }
unsigned long long widen_char16(char16_t v) { return v; }
unsigned long long widen_char32(char32_t v) { return v; }

long long widen_many(int8_t a0, uint8_t a1, int16_t a2, uint16_t a3, int8_t a4, uint8_t a5,
                     int16_t a6, uint16_t a7)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7;
}

/* ------------------------------------------------------------------------- */
/* Narrowing return probes                                                   */
/* ------------------------------------------------------------------------- */
/* GCC compiles e.g. trunc_i8 to "mov eax, edi; ret": the ABI lets the callee leave
 * garbage above the low 8 bits, and the caller must narrow the value itself. */

bool trunc_bool(int v) { return v != 0; }
int8_t trunc_i8(int v) { return (int8_t)v; }
uint8_t trunc_u8(int v) { return (uint8_t)v; }
int16_t trunc_i16(int v) { return (int16_t)v; }
uint16_t trunc_u16(int v) { return (uint16_t)v; }
int32_t trunc_i32(long long v) { return (int32_t)v; }
uint32_t trunc_u32(long long v) { return (uint32_t)v; }
float trunc_float(double v) { return (float)v; }

/* ------------------------------------------------------------------------- */
/* Byte order                                                                */
/* ------------------------------------------------------------------------- */

uint16_t bytes_u16(uint16_t v) { return v; }
uint32_t bytes_u32(uint32_t v) { return v; }
uint64_t bytes_u64(uint64_t v) { return v; }
uint16_t swap16(uint16_t v) { return __builtin_bswap16(v); }
uint32_t swap32(uint32_t v) { return __builtin_bswap32(v); }
uint64_t swap64(uint64_t v) { return __builtin_bswap64(v); }

static int mem_byte(const void *p, size_t size, int i)
{
    if (i < 0 || (size_t)i >= size)
        return -1;
    return ((const unsigned char *)p)[i];
}

int mem_byte_u16(uint16_t v, int i) { return mem_byte(&v, sizeof(v), i); }
int mem_byte_u32(uint32_t v, int i) { return mem_byte(&v, sizeof(v), i); }
int mem_byte_u64(uint64_t v, int i) { return mem_byte(&v, sizeof(v), i); }

int is_little_endian(void)
{
    uint32_t one = 1;
    return mem_byte(&one, sizeof(one), 0) == 1;
}

/* ------------------------------------------------------------------------- */
/* Floating point                                                            */
/* ------------------------------------------------------------------------- */

uint32_t float_bits(float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof(bits));
    return bits;
}

float float_from_bits(uint32_t bits)
{
    float v;
    memcpy(&v, &bits, sizeof(v));
    return v;
}

uint64_t double_bits(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    return bits;
}

double double_from_bits(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, sizeof(v));
    return v;
}

double float_to_double(float v) { return (double)v; }
float double_to_float(double v) { return (float)v; }
int double_is_nan(double v) { return isnan(v) ? 1 : 0; }
int double_signbit(double v) { return signbit(v) ? 1 : 0; }
int float_is_nan(float v) { return isnan(v) ? 1 : 0; }
int float_signbit(float v) { return signbit(v) ? 1 : 0; }
double double_nan(void) { return (double)NAN; }
double double_inf(int negative) { return negative ? -(double)INFINITY : (double)INFINITY; }
float float_nan(void) { return NAN; }
float float_inf(int negative) { return negative ? -INFINITY : INFINITY; }
double double_neg_zero(void) { return -0.0; }

/* ------------------------------------------------------------------------- */
/* Many arguments                                                            */
/* ------------------------------------------------------------------------- */

int sum_i0(void) { return 42; }

/* ---- sum_iN: N int arguments, returns the sum of (i+1) * a_i ---- */

long long sum_i1(int a0)
{
    return 1LL * a0;
}

long long sum_i2(int a0, int a1)
{
    return 1LL * a0 + 2LL * a1;
}

long long sum_i3(int a0, int a1, int a2)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2;
}

long long sum_i4(int a0, int a1, int a2, int a3)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3;
}

long long sum_i5(int a0, int a1, int a2, int a3, int a4)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4;
}

long long sum_i6(int a0, int a1, int a2, int a3, int a4, int a5)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5;
}

long long sum_i7(int a0, int a1, int a2, int a3, int a4, int a5, int a6)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6;
}

long long sum_i8(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7;
}

long long sum_i9(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8;
}

long long sum_i10(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9;
}

long long sum_i11(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9, int a10)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9 + 11LL * a10;
}

long long sum_i12(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9, int a10, int a11)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9 + 11LL * a10 + 12LL * a11;
}

long long sum_i13(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9, int a10, int a11, int a12)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9 + 11LL * a10 + 12LL * a11 + 13LL * a12;
}

long long sum_i14(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9, int a10, int a11, int a12, int a13)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9 + 11LL * a10 + 12LL * a11 + 13LL * a12
           + 14LL * a13;
}

long long sum_i15(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9, int a10, int a11, int a12, int a13, int a14)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9 + 11LL * a10 + 12LL * a11 + 13LL * a12
           + 14LL * a13 + 15LL * a14;
}

long long sum_i16(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9, int a10, int a11, int a12, int a13, int a14, int a15)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9 + 11LL * a10 + 12LL * a11 + 13LL * a12
           + 14LL * a13 + 15LL * a14 + 16LL * a15;
}

long long sum_i17(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9, int a10, int a11, int a12, int a13, int a14, int a15, int a16)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9 + 11LL * a10 + 12LL * a11 + 13LL * a12
           + 14LL * a13 + 15LL * a14 + 16LL * a15 + 17LL * a16;
}

long long sum_i18(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9, int a10, int a11, int a12, int a13, int a14, int a15, int a16,
                  int a17)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9 + 11LL * a10 + 12LL * a11 + 13LL * a12
           + 14LL * a13 + 15LL * a14 + 16LL * a15 + 17LL * a16 + 18LL * a17;
}

long long sum_i19(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9, int a10, int a11, int a12, int a13, int a14, int a15, int a16,
                  int a17, int a18)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9 + 11LL * a10 + 12LL * a11 + 13LL * a12
           + 14LL * a13 + 15LL * a14 + 16LL * a15 + 17LL * a16 + 18LL * a17 + 19LL * a18;
}

long long sum_i20(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8,
                  int a9, int a10, int a11, int a12, int a13, int a14, int a15, int a16,
                  int a17, int a18, int a19)
{
    return 1LL * a0 + 2LL * a1 + 3LL * a2 + 4LL * a3 + 5LL * a4 + 6LL * a5 + 7LL * a6
           + 8LL * a7 + 9LL * a8 + 10LL * a9 + 11LL * a10 + 12LL * a11 + 13LL * a12
           + 14LL * a13 + 15LL * a14 + 16LL * a15 + 17LL * a16 + 18LL * a17 + 19LL * a18
           + 20LL * a19;
}


/* ---- sum_dN: N double arguments, returns the sum of (i+1) * a_i ---- */

double sum_d1(double a0)
{
    return 1.0 * a0;
}

double sum_d2(double a0, double a1)
{
    return 1.0 * a0 + 2.0 * a1;
}

double sum_d3(double a0, double a1, double a2)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2;
}

double sum_d4(double a0, double a1, double a2, double a3)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3;
}

double sum_d5(double a0, double a1, double a2, double a3, double a4)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4;
}

double sum_d6(double a0, double a1, double a2, double a3, double a4, double a5)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5;
}

double sum_d7(double a0, double a1, double a2, double a3, double a4, double a5, double a6)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6;
}

double sum_d8(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
              double a7)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7;
}

double sum_d9(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
              double a7, double a8)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8;
}

double sum_d10(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9;
}

double sum_d11(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9, double a10)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9 + 11.0 * a10;
}

double sum_d12(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9, double a10, double a11)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9 + 11.0 * a10 + 12.0 * a11;
}

double sum_d13(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9, double a10, double a11, double a12)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9 + 11.0 * a10 + 12.0 * a11 + 13.0 * a12;
}

double sum_d14(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9, double a10, double a11, double a12, double a13)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9 + 11.0 * a10 + 12.0 * a11 + 13.0 * a12
           + 14.0 * a13;
}

double sum_d15(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9, double a10, double a11, double a12, double a13,
               double a14)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9 + 11.0 * a10 + 12.0 * a11 + 13.0 * a12
           + 14.0 * a13 + 15.0 * a14;
}

double sum_d16(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9, double a10, double a11, double a12, double a13,
               double a14, double a15)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9 + 11.0 * a10 + 12.0 * a11 + 13.0 * a12
           + 14.0 * a13 + 15.0 * a14 + 16.0 * a15;
}

double sum_d17(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9, double a10, double a11, double a12, double a13,
               double a14, double a15, double a16)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9 + 11.0 * a10 + 12.0 * a11 + 13.0 * a12
           + 14.0 * a13 + 15.0 * a14 + 16.0 * a15 + 17.0 * a16;
}

double sum_d18(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9, double a10, double a11, double a12, double a13,
               double a14, double a15, double a16, double a17)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9 + 11.0 * a10 + 12.0 * a11 + 13.0 * a12
           + 14.0 * a13 + 15.0 * a14 + 16.0 * a15 + 17.0 * a16 + 18.0 * a17;
}

double sum_d19(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9, double a10, double a11, double a12, double a13,
               double a14, double a15, double a16, double a17, double a18)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9 + 11.0 * a10 + 12.0 * a11 + 13.0 * a12
           + 14.0 * a13 + 15.0 * a14 + 16.0 * a15 + 17.0 * a16 + 18.0 * a17 + 19.0 * a18;
}

double sum_d20(double a0, double a1, double a2, double a3, double a4, double a5, double a6,
               double a7, double a8, double a9, double a10, double a11, double a12, double a13,
               double a14, double a15, double a16, double a17, double a18, double a19)
{
    return 1.0 * a0 + 2.0 * a1 + 3.0 * a2 + 4.0 * a3 + 5.0 * a4 + 6.0 * a5 + 7.0 * a6
           + 8.0 * a7 + 9.0 * a8 + 10.0 * a9 + 11.0 * a10 + 12.0 * a11 + 13.0 * a12
           + 14.0 * a13 + 15.0 * a14 + 16.0 * a15 + 17.0 * a16 + 18.0 * a17 + 19.0 * a18
           + 20.0 * a19;
}


/* ---- sum_fN: N float arguments, returns the sum of (i+1) * a_i ---- */

float sum_f1(float a0)
{
    return 1.0f * a0;
}

float sum_f2(float a0, float a1)
{
    return 1.0f * a0 + 2.0f * a1;
}

float sum_f3(float a0, float a1, float a2)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2;
}

float sum_f4(float a0, float a1, float a2, float a3)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3;
}

float sum_f5(float a0, float a1, float a2, float a3, float a4)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4;
}

float sum_f6(float a0, float a1, float a2, float a3, float a4, float a5)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5;
}

float sum_f7(float a0, float a1, float a2, float a3, float a4, float a5, float a6)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6;
}

float sum_f8(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7;
}

float sum_f9(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
             float a8)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8;
}

float sum_f10(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9;
}

float sum_f11(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9, float a10)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9 + 11.0f * a10;
}

float sum_f12(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9, float a10, float a11)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9 + 11.0f * a10 + 12.0f * a11;
}

float sum_f13(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9, float a10, float a11, float a12)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9 + 11.0f * a10 + 12.0f * a11 + 13.0f * a12;
}

float sum_f14(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9, float a10, float a11, float a12, float a13)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9 + 11.0f * a10 + 12.0f * a11 + 13.0f * a12
           + 14.0f * a13;
}

float sum_f15(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9, float a10, float a11, float a12, float a13, float a14)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9 + 11.0f * a10 + 12.0f * a11 + 13.0f * a12
           + 14.0f * a13 + 15.0f * a14;
}

float sum_f16(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9, float a10, float a11, float a12, float a13, float a14,
              float a15)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9 + 11.0f * a10 + 12.0f * a11 + 13.0f * a12
           + 14.0f * a13 + 15.0f * a14 + 16.0f * a15;
}

float sum_f17(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9, float a10, float a11, float a12, float a13, float a14,
              float a15, float a16)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9 + 11.0f * a10 + 12.0f * a11 + 13.0f * a12
           + 14.0f * a13 + 15.0f * a14 + 16.0f * a15 + 17.0f * a16;
}

float sum_f18(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9, float a10, float a11, float a12, float a13, float a14,
              float a15, float a16, float a17)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9 + 11.0f * a10 + 12.0f * a11 + 13.0f * a12
           + 14.0f * a13 + 15.0f * a14 + 16.0f * a15 + 17.0f * a16 + 18.0f * a17;
}

float sum_f19(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9, float a10, float a11, float a12, float a13, float a14,
              float a15, float a16, float a17, float a18)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9 + 11.0f * a10 + 12.0f * a11 + 13.0f * a12
           + 14.0f * a13 + 15.0f * a14 + 16.0f * a15 + 17.0f * a16 + 18.0f * a17 + 19.0f * a18;
}

float sum_f20(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
              float a8, float a9, float a10, float a11, float a12, float a13, float a14,
              float a15, float a16, float a17, float a18, float a19)
{
    return 1.0f * a0 + 2.0f * a1 + 3.0f * a2 + 4.0f * a3 + 5.0f * a4 + 6.0f * a5 + 7.0f * a6
           + 8.0f * a7 + 9.0f * a8 + 10.0f * a9 + 11.0f * a10 + 12.0f * a11 + 13.0f * a12
           + 14.0f * a13 + 15.0f * a14 + 16.0f * a15 + 17.0f * a16 + 18.0f * a17 + 19.0f * a18
           + 20.0f * a19;
}

/* ------------------------------------------------------------------------- */
/* Mixed argument lists (signatures documented in cptest.h)                  */
/* ------------------------------------------------------------------------- */

double mixed10(int8_t a0, double a1, int a2, uint16_t a3, float a4, int64_t a5, int a6,
               double a7, int8_t a8, uint16_t a9)
{
    rec_begin();
    rec_int(a0);
    rec_fp(a1);
    rec_int(a2);
    rec_int(a3);
    rec_fp(a4);
    rec_int(a5);
    rec_int(a6);
    rec_fp(a7);
    rec_int(a8);
    rec_int(a9);
    return rec_weighted_sum();
}

double mixed14(double a0, float a1, int a2, double a3, float a4, double a5, int64_t a6,
               float a7, double a8, int8_t a9, float a10, double a11, uint16_t a12, float a13)
{
    rec_begin();
    rec_fp(a0);
    rec_fp(a1);
    rec_int(a2);
    rec_fp(a3);
    rec_fp(a4);
    rec_fp(a5);
    rec_int(a6);
    rec_fp(a7);
    rec_fp(a8);
    rec_int(a9);
    rec_fp(a10);
    rec_fp(a11);
    rec_int(a12);
    rec_fp(a13);
    return rec_weighted_sum();
}

double mixed17(float a0, int a1, double a2, int8_t a3, float a4, int64_t a5, double a6,
               uint16_t a7, float a8, int a9, double a10, int64_t a11, float a12, int8_t a13,
               double a14, uint16_t a15, float a16)
{
    rec_begin();
    rec_fp(a0);
    rec_int(a1);
    rec_fp(a2);
    rec_int(a3);
    rec_fp(a4);
    rec_int(a5);
    rec_fp(a6);
    rec_int(a7);
    rec_fp(a8);
    rec_int(a9);
    rec_fp(a10);
    rec_int(a11);
    rec_fp(a12);
    rec_int(a13);
    rec_fp(a14);
    rec_int(a15);
    rec_fp(a16);
    return rec_weighted_sum();
}

double mixed20(int8_t a0, uint16_t a1, float a2, double a3, int a4, int64_t a5, float a6,
               int8_t a7, double a8, uint16_t a9, float a10, int a11, double a12, int64_t a13,
               float a14, int8_t a15, double a16, uint16_t a17, float a18, double a19)
{
    rec_begin();
    rec_int(a0);
    rec_int(a1);
    rec_fp(a2);
    rec_fp(a3);
    rec_int(a4);
    rec_int(a5);
    rec_fp(a6);
    rec_int(a7);
    rec_fp(a8);
    rec_int(a9);
    rec_fp(a10);
    rec_int(a11);
    rec_fp(a12);
    rec_int(a13);
    rec_fp(a14);
    rec_int(a15);
    rec_fp(a16);
    rec_int(a17);
    rec_fp(a18);
    rec_fp(a19);
    return rec_weighted_sum();
}

double call_mixed10_cb(mixed10_cb cb, int8_t a0, double a1, int a2, uint16_t a3, float a4,
                       int64_t a5, int a6, double a7, int8_t a8, uint16_t a9)
{
    return cb(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
}

double call_mixed14_cb(mixed14_cb cb, double a0, float a1, int a2, double a3, float a4,
                       double a5, int64_t a6, float a7, double a8, int8_t a9, float a10,
                       double a11, uint16_t a12, float a13)
{
    return cb(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13);
}

double call_mixed17_cb(mixed17_cb cb, float a0, int a1, double a2, int8_t a3, float a4,
                       int64_t a5, double a6, uint16_t a7, float a8, int a9, double a10,
                       int64_t a11, float a12, int8_t a13, double a14, uint16_t a15, float a16)
{
    return cb(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16);
}

double call_mixed20_cb(mixed20_cb cb, int8_t a0, uint16_t a1, float a2, double a3, int a4,
                       int64_t a5, float a6, int8_t a7, double a8, uint16_t a9, float a10,
                       int a11, double a12, int64_t a13, float a14, int8_t a15, double a16,
                       uint16_t a17, float a18, double a19)
{
    return cb(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17,
              a18, a19);
}

/* ------------------------------------------------------------------------- */
/* Memory owned by the library                                               */
/* ------------------------------------------------------------------------- */

static int g_alloc_count;
static int g_free_count;

static void *counted_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p)
        g_alloc_count++;
    return p;
}

void *cp_alloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (p)
        g_alloc_count++;
    return p;
}

void cp_free(void *p)
{
    if (p)
        g_free_count++;
    free(p);
}

int cp_free_count(void) { return g_free_count; }
void cp_free_count_reset(void) { g_free_count = 0; }
int cp_alloc_count(void) { return g_alloc_count; }

/* ------------------------------------------------------------------------- */
/* Checksums (32-bit FNV-1a over whole units)                                */
/* ------------------------------------------------------------------------- */

#define FNV_OFFSET 0x811c9dc5u
#define FNV_PRIME 0x01000193u

static uint32_t fnv_step(uint32_t h, uint32_t unit) { return (h ^ unit) * FNV_PRIME; }

/* ------------------------------------------------------------------------- */
/* UTF-8 strings                                                             */
/* ------------------------------------------------------------------------- */

/* The same texts in every encoding; see the table in cptest.h. */
#define TEXT0 "hello"
#define TEXT1 "héllo wörld 😀 ✓"
#define TEXT2 ""
#define TEXT3 "日本語 ∑ 𝄞 🎉"
#define TEXT_COUNT 4

static const char *const texts8[TEXT_COUNT + 1] = {TEXT0, TEXT1, TEXT2, TEXT3, NULL};
static const char16_t *const texts16[TEXT_COUNT] = {u"" TEXT0, u"" TEXT1, u"" TEXT2, u"" TEXT3};
static const char32_t *const texts32[TEXT_COUNT] = {U"" TEXT0, U"" TEXT1, U"" TEXT2, U"" TEXT3};
static const wchar_t *const textsw[TEXT_COUNT] = {L"" TEXT0, L"" TEXT1, L"" TEXT2, L"" TEXT3};

size_t str_len(const char *s) { return s ? strlen(s) : (size_t)-1; }
const char *str_echo(const char *s) { return s; }

char *str_dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = counted_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

const char *str_static(int which)
{
    return (which >= 0 && which < TEXT_COUNT) ? texts8[which] : NULL;
}

int str_static_count(void) { return TEXT_COUNT; }
int str_is_null(const char *s) { return s == NULL; }

int str_checksum(const char *s)
{
    if (!s)
        return 0;
    uint32_t h = FNV_OFFSET;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = fnv_step(h, *p);
    return (int)h;
}

int str_equal(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

int str_byte_at(const char *s, size_t i)
{
    return s ? ((const unsigned char *)s)[i] : -1;
}

size_t str_copy_to(char *dst, size_t cap, const char *src)
{
    if (!src)
        return (size_t)-1;
    size_t n = strlen(src);
    if (dst && cap > 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return n;
}

void str_upper_inplace(char *s)
{
    if (!s)
        return;
    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
    }
}

char *str_concat(const char *a, const char *b)
{
    if (!a || !b)
        return NULL;
    size_t na = strlen(a), nb = strlen(b);
    char *p = counted_malloc(na + nb + 1);
    if (p) {
        memcpy(p, a, na);
        memcpy(p + na, b, nb + 1);
    }
    return p;
}

char *str_repeat(const char *s, int n)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    size_t count = n > 0 ? (size_t)n : 0;
    if (len && count > (SIZE_MAX - 1) / len)
        return NULL;
    char *p = counted_malloc(len * count + 1);
    if (!p)
        return NULL;
    for (size_t i = 0; i < count; i++)
        memcpy(p + i * len, s, len);
    p[len * count] = '\0';
    return p;
}

const char *str_format_int(const char *prefix, int n)
{
    static char buf[256];
    snprintf(buf, sizeof(buf), "%s%d", prefix ? prefix : "", n);
    return buf;
}

/* ------------------------------------------------------------------------- */
/* UTF-16, UTF-32 and wchar_t strings                                        */
/* ------------------------------------------------------------------------- */

size_t str16_len(const char16_t *s)
{
    if (!s)
        return (size_t)-1;
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

const char16_t *str16_echo(const char16_t *s) { return s; }

const char16_t *str16_static(int which)
{
    return (which >= 0 && which < TEXT_COUNT) ? texts16[which] : NULL;
}

unsigned int str16_checksum(const char16_t *s)
{
    if (!s)
        return 0;
    uint32_t h = FNV_OFFSET;
    for (; *s; s++)
        h = fnv_step(h, *s);
    return h;
}

int str16_unit_at(const char16_t *s, size_t i) { return s ? (int)s[i] : -1; }

size_t str16_copy_to(char16_t *dst, size_t cap, const char16_t *src)
{
    if (!src)
        return (size_t)-1;
    size_t n = str16_len(src);
    if (dst && cap > 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(dst, src, k * sizeof(char16_t));
        dst[k] = 0;
    }
    return n;
}

char16_t *str16_dup(const char16_t *s)
{
    if (!s)
        return NULL;
    size_t bytes = (str16_len(s) + 1) * sizeof(char16_t);
    char16_t *p = counted_malloc(bytes);
    if (p)
        memcpy(p, s, bytes);
    return p;
}

size_t str32_len(const char32_t *s)
{
    if (!s)
        return (size_t)-1;
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

const char32_t *str32_echo(const char32_t *s) { return s; }

const char32_t *str32_static(int which)
{
    return (which >= 0 && which < TEXT_COUNT) ? texts32[which] : NULL;
}

unsigned int str32_checksum(const char32_t *s)
{
    if (!s)
        return 0;
    uint32_t h = FNV_OFFSET;
    for (; *s; s++)
        h = fnv_step(h, *s);
    return h;
}

long long str32_unit_at(const char32_t *s, size_t i) { return s ? (long long)s[i] : -1; }

size_t str32_copy_to(char32_t *dst, size_t cap, const char32_t *src)
{
    if (!src)
        return (size_t)-1;
    size_t n = str32_len(src);
    if (dst && cap > 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(dst, src, k * sizeof(char32_t));
        dst[k] = 0;
    }
    return n;
}

size_t wstr_len(const wchar_t *s) { return s ? wcslen(s) : (size_t)-1; }
const wchar_t *wstr_echo(const wchar_t *s) { return s; }

const wchar_t *wstr_static(int which)
{
    return (which >= 0 && which < TEXT_COUNT) ? textsw[which] : NULL;
}

unsigned int wstr_checksum(const wchar_t *s)
{
    if (!s)
        return 0;
    uint32_t h = FNV_OFFSET;
    for (; *s; s++)
        h = fnv_step(h, (uint32_t)*s);
    return h;
}

int wchar_size(void) { return (int)sizeof(wchar_t); }

const char *const *str_array_static(void) { return texts8; }

int str_array_count(const char *const *arr)
{
    if (!arr)
        return -1;
    int n = 0;
    while (arr[n])
        n++;
    return n;
}

size_t str_array_total_len(const char *const *arr, size_t n)
{
    size_t total = 0;
    if (!arr)
        return 0;
    for (size_t i = 0; i < n; i++)
        total += arr[i] ? strlen(arr[i]) : 0;
    return total;
}

const char *str_array_get(const char *const *arr, size_t n, size_t i)
{
    return (arr && i < n) ? arr[i] : NULL;
}

/* ------------------------------------------------------------------------- */
/* Pointers and memory access                                                */
/* ------------------------------------------------------------------------- */

void *ptr_add(void *p, intptr_t delta) { return (void *)((uintptr_t)p + (uintptr_t)delta); }
intptr_t ptr_diff(const void *a, const void *b) { return (intptr_t)((uintptr_t)a - (uintptr_t)b); }
intptr_t ptr_to_int(void *p) { return (intptr_t)p; }
void *int_to_ptr(intptr_t v) { return (void *)v; }
void *ptr_null(void) { return NULL; }
int ptr_is_null(void *p) { return p == NULL; }
int ptr_equal(const void *a, const void *b) { return a == b; }
int ptr_aligned(const void *p, size_t align) { return align ? (uintptr_t)p % align == 0 : 0; }

int read_i32_at(const int *p) { return *p; }
void write_i32_at(int *p, int v) { *p = v; }
long long read_i64_at(const long long *p) { return *p; }
void write_i64_at(long long *p, long long v) { *p = v; }
uint8_t read_u8_at(const uint8_t *p) { return *p; }
void write_u8_at(uint8_t *p, uint8_t v) { *p = v; }
double read_double_at(const double *p) { return *p; }
void write_double_at(double *p, double v) { *p = v; }
float read_float_at(const float *p) { return *p; }
void write_float_at(float *p, float v) { *p = v; }
void *read_ptr_at(void *const *p) { return *p; }
void write_ptr_at(void **p, void *v) { *p = v; }
int read_i32_pp(int *const *pp) { return **pp; }
void fill_bytes(void *p, int byte, size_t n) { memset(p, byte, n); }
void copy_bytes(void *dst, const void *src, size_t n) { memmove(dst, src, n); }

unsigned int sum_bytes(const unsigned char *p, size_t n)
{
    unsigned int sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    return sum;
}

/* ------------------------------------------------------------------------- */
/* Arrays                                                                    */
/* ------------------------------------------------------------------------- */

long long sum_i32_array(const int32_t *a, size_t n)
{
    long long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += a[i];
    return sum;
}

long long sum_i16_array(const int16_t *a, size_t n)
{
    long long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += a[i];
    return sum;
}

long long sum_i8_array(const int8_t *a, size_t n)
{
    long long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += a[i];
    return sum;
}

uint64_t sum_u64_array(const uint64_t *a, size_t n)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += a[i];
    return sum;
}

double sum_double_array(const double *a, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += a[i];
    return sum;
}

double sum_float_array(const float *a, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)a[i];
    return sum;
}

void fill_i32_seq(int32_t *a, size_t n, int32_t start, int32_t step)
{
    for (size_t i = 0; i < n; i++)
        a[i] = (int32_t)((int64_t)start + (int64_t)i * step);
}

void scale_i32_array(int32_t *a, size_t n, int32_t factor)
{
    for (size_t i = 0; i < n; i++)
        a[i] *= factor;
}

void fill_double_seq(double *a, size_t n, double start, double step)
{
    for (size_t i = 0; i < n; i++)
        a[i] = start + (double)i * step;
}

static const int32_t static_array[8] = {1, 2, 3, 5, 8, 13, 21, 34};
const int32_t *static_i32_array(void) { return static_array; }
size_t static_i32_array_len(void) { return sizeof(static_array) / sizeof(static_array[0]); }

/* ------------------------------------------------------------------------- */
/* Output / in-out parameters                                                */
/* ------------------------------------------------------------------------- */

#define OUT_BODY(out, value) \
    do {                     \
        if (!(out))          \
            return 0;        \
        *(out) = (value);    \
        return 1;            \
    } while (0)

int out_i32(int32_t *out, int32_t v) { OUT_BODY(out, v); }
int out_i64(int64_t *out, int64_t v) { OUT_BODY(out, v); }
int out_u8(uint8_t *out, uint8_t v) { OUT_BODY(out, v); }
int out_double(double *out, double v) { OUT_BODY(out, v); }
int out_float(float *out, float v) { OUT_BODY(out, v); }
int out_bool(bool *out, bool v) { OUT_BODY(out, v); }
int out_ptr(void **out, void *v) { OUT_BODY(out, v); }
int out_str(const char **out, int which) { OUT_BODY(out, str_static(which)); }
int out_str16(const char16_t **out, int which) { OUT_BODY(out, str16_static(which)); }
int out_str_dup(char **out, const char *s) { OUT_BODY(out, str_dup(s)); }

void inc_i32(int32_t *p) { ++*p; }
void inc_double(double *p) { *p += 1.0; }

void swap_i32(int32_t *a, int32_t *b)
{
    int32_t t = *a;
    *a = *b;
    *b = t;
}

int div_mod(int a, int b, int *quot, int *rem)
{
    if (b == 0)
        return 0;
    if (quot)
        *quot = a / b;
    if (rem)
        *rem = a % b;
    return 1;
}

/* ------------------------------------------------------------------------- */
/* errno                                                                     */
/* ------------------------------------------------------------------------- */

int set_errno_ret(int e, int ret)
{
    errno = e;
    return ret;
}

void set_errno(int e) { errno = e; }
int get_errno(void) { return errno; }

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */

void call_cb_void(void (*cb)(void)) { cb(); }
int call_cb_bool(bool (*cb)(bool), bool v) { return cb(v) ? 1 : 0; }
long long call_cb_i8(int8_t (*cb)(int8_t), int8_t v) { return cb(v); }
unsigned long long call_cb_u8(uint8_t (*cb)(uint8_t), uint8_t v) { return cb(v); }
long long call_cb_i16(int16_t (*cb)(int16_t), int16_t v) { return cb(v); }
unsigned long long call_cb_u16(uint16_t (*cb)(uint16_t), uint16_t v) { return cb(v); }
long long call_cb_i32(int32_t (*cb)(int32_t), int32_t v) { return cb(v); }
unsigned long long call_cb_u32(uint32_t (*cb)(uint32_t), uint32_t v) { return cb(v); }
long long call_cb_i64(int64_t (*cb)(int64_t), int64_t v) { return cb(v); }
unsigned long long call_cb_u64(uint64_t (*cb)(uint64_t), uint64_t v) { return cb(v); }
float call_cb_float(float (*cb)(float), float v) { return cb(v); }
double call_cb_double(double (*cb)(double), double v) { return cb(v); }
void *call_cb_ptr(void *(*cb)(void *), void *v) { return cb(v); }
double call_cb_int_double(double (*cb)(int, double), int a, double b) { return cb(a, b); }

long long call_cb_n_times(int (*cb)(int), int n)
{
    long long sum = 0;
    for (int i = 0; i < n; i++)
        sum += cb(i);
    return sum;
}

int call_cb_str(int (*cb)(const char *), int which) { return cb(str_static(which)); }
int call_cb_str16(int (*cb)(const char16_t *), int which) { return cb(str16_static(which)); }
size_t call_cb_ret_str_len(const char *(*cb)(void)) { return str_len(cb()); }

size_t call_cb_fill_buf(void (*cb)(char *buf, size_t cap))
{
    char buf[64];
    memset(buf, 0, sizeof(buf));
    cb(buf, sizeof(buf));
    return strnlen(buf, sizeof(buf));
}

static int (*stored_cb)(int);

void cb_store(int (*cb)(int)) { stored_cb = cb; }
int cb_call_stored(int v) { return stored_cb ? stored_cb(v) : -1; }
int cb_has_stored(void) { return stored_cb != NULL; }

struct cb_thread {
    pthread_t thread;
    int (*cb)(int);
    int value;
    int delay_ms;
    int result;
};

static void *cb_thread_main(void *arg)
{
    struct cb_thread *t = arg;
    if (t->delay_ms > 0) {
        struct timespec ts = {t->delay_ms / 1000, (long)(t->delay_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    t->result = t->cb(t->value);
    return NULL;
}

void *thread_call_cb_start(int (*cb)(int), int v, int delay_ms)
{
    struct cb_thread *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cb = cb;
    t->value = v;
    t->delay_ms = delay_ms;
    if (pthread_create(&t->thread, NULL, cb_thread_main, t) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

int thread_call_cb_join(void *handle)
{
    struct cb_thread *t = handle;
    if (!t)
        return -1;
    pthread_join(t->thread, NULL);
    int result = t->result;
    free(t);
    return result;
}

int thread_call_cb_sync(int (*cb)(int), int v)
{
    return thread_call_cb_join(thread_call_cb_start(cb, v, 0));
}

/* ------------------------------------------------------------------------- */
/* Variadic functions                                                        */
/* ------------------------------------------------------------------------- */

long long variadic_sum_i(int n, ...)
{
    va_list ap;
    long long sum = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        sum += va_arg(ap, int);
    va_end(ap);
    return sum;
}

double variadic_sum_d(int n, ...)
{
    va_list ap;
    double sum = 0.0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        sum += va_arg(ap, double);
    va_end(ap);
    return sum;
}

double variadic_mixed(const char *types, ...)
{
    va_list ap;
    int ok = 1;
    rec_begin();
    if (!types)
        return NAN;
    va_start(ap, types);
    for (const char *t = types; *t && ok; t++) {
        switch (*t) {
        case 'i':
            rec_int(va_arg(ap, int));
            break;
        case 'u':
            rec_int(va_arg(ap, unsigned int));
            break;
        case 'l':
            rec_int(va_arg(ap, long long));
            break;
        case 'd':
            rec_fp(va_arg(ap, double));
            break;
        case 'p':
            rec_int((long long)(intptr_t)va_arg(ap, void *));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            rec_int(s ? (long long)strlen(s) : -1);
            break;
        }
        default:
            ok = 0;
            break;
        }
    }
    va_end(ap);
    return ok ? rec_weighted_sum() : NAN;
}

int cp_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

/* ------------------------------------------------------------------------- */
/* Stack alignment probes                                                    */
/* ------------------------------------------------------------------------- */
/* __builtin_frame_address(0) forces a frame pointer: after "push rbp; mov rbp, rsp" the
 * caller's stack pointer at the call was rbp + 2 words (the return address, the saved rbp),
 * and it must be 16-byte aligned (x86-64, and i386 as GCC on Linux assumes).
 * The volatile round trip stops the compiler from assuming that alignment. */

static int frame_mod16(uintptr_t frame)
{
    volatile uintptr_t v = frame + 2 * sizeof(void *);
    return (int)(v % 16);
}

int stack_align_mod16(void)
{
    return frame_mod16((uintptr_t)__builtin_frame_address(0));
}

int stack_align_mod16_args(int a0, int a1, int a2, int a3, int a4, int a5, int a6, double d0,
                           double d1, double d2, double d3, double d4, double d5, double d6,
                           double d7, double d8)
{
    (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
    (void)d0, (void)d1, (void)d2, (void)d3, (void)d4, (void)d5, (void)d6, (void)d7, (void)d8;
    return frame_mod16((uintptr_t)__builtin_frame_address(0));
}

/* ------------------------------------------------------------------------- */
/* Exported variables                                                        */
/* ------------------------------------------------------------------------- */

int cptest_global_int = 123456;
const char cptest_global_str[] = "callplan";
double cptest_global_double = 2.5;
const char *cptest_global_strptr = "pointer to callplan";
int32_t cptest_global_array[8] = {10, 20, 30, 40, 50, 60, 70, 80};

int get_global_int(void) { return cptest_global_int; }
void set_global_int(int v) { cptest_global_int = v; }
double get_global_double(void) { return cptest_global_double; }

int32_t get_global_array_at(int i)
{
    return (i >= 0 && i < 8) ? cptest_global_array[i] : 0;
}

/* ------------------------------------------------------------------------- */
/* By-value structs for the benchmark                                        */
/* ------------------------------------------------------------------------- */

Vec2 vec2_add(Vec2 a, Vec2 b)
{
    Vec2 r = { a.x + b.x, a.y + b.y };
    return r;
}

Mixed3 mixed3_make(int i, double d, float f)
{
    Mixed3 r = { i, d, f };
    return r;
}

/* ------------------------------------------------------------------------- */
/* i386 calling conventions (test/i386.test.js)                              */
/* ------------------------------------------------------------------------- */

#if defined(__i386__)
#define I386_STD __attribute__((stdcall))
#define I386_FAST __attribute__((fastcall))
#define I386_THIS __attribute__((thiscall))

typedef struct { int32_t a; double b; int8_t c; } I386Big; /* returned through a hidden pointer */

/* a - b * 2 + c * 3: the order of the arguments shows in the result. */
int I386_STD i386_std_mix(int a, int b, int c) { return a - b * 2 + c * 3; }
int64_t I386_STD i386_std_i64(int64_t a, int32_t b) { return a * 3 + b; }
double I386_STD i386_std_double(double a, float b, int c) { return a * b + c; }
float I386_STD i386_std_float(float a, int b) { return a / (float)b; }
I386Big I386_STD i386_std_big(int32_t a, double b) { I386Big r = { a * 2, b / 2, (int8_t)(a + 1) }; return r; }

/* fastcall: a in ecx, c in edx (b is 64-bit: on the stack), then d, e on the stack. */
int64_t I386_FAST i386_fast_mix(int a, int64_t b, int c, double d, int e) { return a - b * 10 + c * 100 + (int64_t)d * 1000 + e * 10000; }
float I386_FAST i386_fast_float(short a, float b, char c) { return a * b - c; }
I386Big I386_FAST i386_fast_big(int a, int b) { I386Big r = { a - b, a * 0.25, (int8_t)b }; return r; }

/* thiscall: `self` in ecx. */
typedef struct { int32_t base; int32_t scale; } I386Obj;
int I386_THIS i386_this_apply(I386Obj *self, int x, int y) { return self->base + self->scale * x - y; }
double I386_THIS i386_this_double(I386Obj *self, double x) { return self->base + x * self->scale; }

/* add_int under each convention (test/calls.test.js declares each with its own). */
int I386_STD add_int_stdcall(int a, int b) { return a + b; }
int I386_FAST add_int_fastcall(int a, int b) { return a + b; }
int I386_THIS add_int_thiscall(int a, int b) { return a + b; }

/* cdecl, for the wrong-convention check and variadic calls. */
int i386_cdecl_mix(int a, int b, int c) { return a - b * 2 + c * 3; }
int64_t i386_cdecl_i64(int64_t a, uint64_t b) { return a - (int64_t)b; }
float i386_cdecl_float(float a, float b) { return a * b; }
double i386_cdecl_sum(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    double s = 0;
    for (int i = 0; i < n; i++) {
        int kind = va_arg(ap, int);
        if (kind == 0) s += va_arg(ap, int);
        else if (kind == 1) s += va_arg(ap, double);
        else s += (double)va_arg(ap, long long);
    }
    va_end(ap);
    return s;
}

/* Callbacks through each convention. */
typedef int (I386_STD *I386StdCb)(int a, int b, int c);
typedef double (I386_STD *I386StdCbD)(int a, double b);
typedef float (I386_STD *I386StdCbF)(float a, int64_t b);
typedef int64_t (I386_STD *I386StdCbL)(int64_t a, int b);
typedef I386Big (I386_STD *I386StdCbBig)(int a);
typedef float (*I386CdeclCbF)(float a, float b);
typedef I386Big (*I386CdeclCbBig)(int a, double b);
typedef int (I386_FAST *I386FastCb)(int a, int b, int c);
typedef int (I386_THIS *I386ThisCb)(I386Obj *self, int x);

/* Each runs the callback twice: a callback that pops the wrong number of bytes would move
 * %esp, and the check of `guard` (and of esp itself, through the frame) fails. */
#define I386_TWICE(expr) \
    volatile int guard = 0x5a5a5a5a; \
    __typeof__(expr) r1 = (expr); \
    __typeof__(expr) r2 = (expr); \
    if (guard != 0x5a5a5a5a) abort(); \
    (void)r2;
int i386_call_std(I386StdCb cb, int a, int b, int c) { I386_TWICE(cb(a, b, c)) return r1 == r2 ? r1 : -999999; }
double i386_call_std_double(I386StdCbD cb, int a, double b) { I386_TWICE(cb(a, b)) return r1 == r2 ? r1 : -999999; }
float i386_call_std_float(I386StdCbF cb, float a, int64_t b) { I386_TWICE(cb(a, b)) return r1 == r2 ? r1 : -999999; }
int64_t i386_call_std_i64(I386StdCbL cb, int64_t a, int b) { I386_TWICE(cb(a, b)) return r1 == r2 ? r1 : -999999; }
int i386_call_std_big(I386StdCbBig cb, int a, double *b, int8_t *c)
{
    I386Big r = cb(a);
    I386Big r2 = cb(a + 1);
    *b = r.b + r2.b;
    *c = r.c;
    return r.a;
}
float i386_call_cdecl_float(I386CdeclCbF cb, float a, float b) { I386_TWICE(cb(a, b)) return r1 == r2 ? r1 : -999999; }
double i386_call_cdecl_big(I386CdeclCbBig cb, int a, double b)
{
    I386Big r = cb(a, b);
    I386Big r2 = cb(a, b);
    return r.a + r.b + r.c + r2.a;
}
int i386_call_fast(I386FastCb cb, int a, int b, int c) { I386_TWICE(cb(a, b, c)) return r1 == r2 ? r1 : -999999; }
int i386_call_this(I386ThisCb cb, I386Obj *self, int x) { I386_TWICE(cb(self, x)) return r1 == r2 ? r1 : -999999; }
/* Floats in st(0) many times in a row: an x87 stack left unbalanced by a callback overflows. */
double i386_call_std_double_many(I386StdCbD cb, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += cb(i, 0.5);
    return s;
}
#endif
