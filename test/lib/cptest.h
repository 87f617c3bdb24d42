/* cptest.h - exact C prototypes of libcptest.so, the main callplan test library.
 *
 * Built by scripts/build-testlib.mjs into build/testlib/libcptest.so (see
 * build/testlib/paths.json, key "cptest").  Plain C11, x86-64 SysV / LP64:
 *   char = signed 8-bit, short = 16, int = 32, long = 64, long long = 64,
 *   wchar_t = signed 32-bit, char16_t = uint16 code unit, char32_t = uint32 code unit,
 *   size_t / intptr_t / pointers = 64-bit, bool = C11 _Bool (1 byte).
 *
 * Conventions
 *   id_<type>      returns its argument unchanged (same C type in and out).
 *   widen_<type>   returns its argument converted to a 64-bit integer exactly as the
 *                  callee saw it, so a wrong sign/zero extension by the caller shows.
 *   trunc_<type>   returns (<type>)v of an int: GCC leaves the upper register bits
 *                  "dirty" (e.g. trunc_i8(0x1ff) leaves eax = 0x1ff), so an FFI that
 *                  does not narrow small return values itself gets the wrong answer.
 *                  trunc_i32(-1) leaves rax = 0x00000000ffffffff (upper half zero), so
 *                  the FFI must sign-extend 32-bit returns itself.
 *   sum_<k>N       N arguments of one type, returns sum over i of (i+1) * a_i
 *                  (a_0 = first argument), so swapped or shifted arguments show.
 *   mixedN         mixed-type arguments, returns sum over i of (i+1) * (double)a_i and
 *                  records every argument (see get_last_arg / get_last_argc).
 *   call_cb_<type> calls a callback once and returns what it returned.
 *   str* / str16* / str32* / wstr*  UTF-8 / UTF-16 / UTF-32 / wchar_t strings.
 *   NULL handling: length functions return (size_t)-1 for NULL, checksums return 0,
 *   echo functions return NULL, str_dup/str_concat return NULL.
 *
 * Checksums (str_checksum, str16_checksum, str32_checksum, wstr_checksum) are 32-bit
 * FNV-1a over the units of the string excluding the terminator: bytes for UTF-8,
 * 16-bit code units for UTF-16, 32-bit units for UTF-32/wchar_t.  Each unit is XORed
 * in whole, then multiplied.  JavaScript reference:
 *     function fnv1a(units) {            // units: iterable of unsigned integers
 *       let h = 0x811c9dc5;
 *       for (const u of units) h = Math.imul((h ^ u) >>> 0, 0x01000193) >>> 0;
 *       return h;                        // str_checksum returns it as int: h | 0
 *     }
 *   UTF-8:  fnv1a(Buffer.from(s, 'utf8'))             -> compare with str_checksum(s) >>> 0
 *   UTF-16: fnv1a([...Array(s.length).keys()].map(i => s.charCodeAt(i)))
 *   UTF-32: fnv1a(Array.from(s, c => c.codePointAt(0)))
 *
 * Static strings (str_static / str16_static / str32_static / wstr_static, same texts):
 *   0: "hello"                 5 bytes,  5 UTF-16 units,  5 code points
 *   1: "héllo wörld 😀 ✓"      22 bytes, 16 UTF-16 units, 15 code points
 *   2: ""                      empty (a valid pointer to a terminator, not NULL)
 *   3: "日本語 ∑ 𝄞 🎉"           23 bytes, 11 UTF-16 units,  9 code points
 *   which < 0 or which >= str_static_count() returns NULL.
 */
#ifndef CPTEST_H
#define CPTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uchar.h>

#include "cp_export.h"

/* ------------------------------------------------------------------------- */
/* Basics (also used by the benchmarks)                                      */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT void cp_noop(void);
CPTEST_EXPORT int cp_char_is_signed(void);
CPTEST_EXPORT int cp_wchar_is_signed(void);
CPTEST_EXPORT int add_int(int a, int b);
CPTEST_EXPORT long long add_i64(long long a, long long b);
CPTEST_EXPORT float add_float(float a, float b);
CPTEST_EXPORT double add_double(double a, double b);
/* Plain (unweighted) sum of all eight arguments as double.  Records its arguments
 * like the mixedN functions (get_last_argc() == 8). */
CPTEST_EXPORT double mixed8(int a, double b, float c, long long d, short e, double f,
                            unsigned int g, float h);

/* Side-effect counter for void calls. */
CPTEST_EXPORT void counter_inc(void);
CPTEST_EXPORT void counter_add(int n);
CPTEST_EXPORT int counter_get(void);
CPTEST_EXPORT void counter_reset(void);

/* ------------------------------------------------------------------------- */
/* Identity functions for every primitive                                    */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT bool id_bool(bool v);
CPTEST_EXPORT int8_t id_i8(int8_t v);
CPTEST_EXPORT uint8_t id_u8(uint8_t v);
CPTEST_EXPORT int16_t id_i16(int16_t v);
CPTEST_EXPORT uint16_t id_u16(uint16_t v);
CPTEST_EXPORT int32_t id_i32(int32_t v);
CPTEST_EXPORT uint32_t id_u32(uint32_t v);
CPTEST_EXPORT int64_t id_i64(int64_t v);
/* id_u64 can also be bound with a narrower parameter type on the FFI side to look
 * at the whole 64-bit register the FFI passed (bits above the declared width are
 * unspecified by the ABI, except that small ints are extended to 32 bits in practice). */
CPTEST_EXPORT uint64_t id_u64(uint64_t v);
CPTEST_EXPORT float id_float(float v);
CPTEST_EXPORT double id_double(double v);
CPTEST_EXPORT char id_char(char v);
CPTEST_EXPORT signed char id_schar(signed char v);
CPTEST_EXPORT unsigned char id_uchar(unsigned char v);
CPTEST_EXPORT short id_short(short v);
CPTEST_EXPORT unsigned short id_ushort(unsigned short v);
CPTEST_EXPORT int id_int(int v);
CPTEST_EXPORT unsigned int id_uint(unsigned int v);
CPTEST_EXPORT long id_long(long v);
CPTEST_EXPORT unsigned long id_ulong(unsigned long v);
CPTEST_EXPORT long long id_longlong(long long v);
CPTEST_EXPORT unsigned long long id_ulonglong(unsigned long long v);
CPTEST_EXPORT size_t id_size(size_t v);
CPTEST_EXPORT ptrdiff_t id_ptrdiff(ptrdiff_t v);
CPTEST_EXPORT intptr_t id_intptr(intptr_t v);
CPTEST_EXPORT uintptr_t id_uintptr(uintptr_t v);
CPTEST_EXPORT void *id_ptr(void *v);
CPTEST_EXPORT wchar_t id_wchar(wchar_t v);
CPTEST_EXPORT char16_t id_char16(char16_t v);
CPTEST_EXPORT char32_t id_char32(char32_t v);

/* ------------------------------------------------------------------------- */
/* Widening probes: the argument as C received it, as a 64-bit value         */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT int widen_bool(bool v);                       /* 0 or 1 */
CPTEST_EXPORT long long widen_i8(int8_t v);
CPTEST_EXPORT unsigned long long widen_u8(uint8_t v);
CPTEST_EXPORT long long widen_i16(int16_t v);
CPTEST_EXPORT unsigned long long widen_u16(uint16_t v);
CPTEST_EXPORT long long widen_i32(int32_t v);
CPTEST_EXPORT unsigned long long widen_u32(uint32_t v);
CPTEST_EXPORT long long widen_char(char v);
CPTEST_EXPORT unsigned long long widen_uchar(unsigned char v);
CPTEST_EXPORT long long widen_short(short v);
CPTEST_EXPORT unsigned long long widen_ushort(unsigned short v);
CPTEST_EXPORT long long widen_wchar(wchar_t v);
CPTEST_EXPORT unsigned long long widen_char16(char16_t v);
CPTEST_EXPORT unsigned long long widen_char32(char32_t v);
/* Eight narrow arguments at once (six in registers, two on the stack); returns
 * them widened and packed: the sum of (i+1) * (long long)a_i. */
CPTEST_EXPORT long long widen_many(int8_t a0, uint8_t a1, int16_t a2, uint16_t a3, int8_t a4,
                                   uint8_t a5, int16_t a6, uint16_t a7);

/* ------------------------------------------------------------------------- */
/* Narrowing return probes: return (<type>)v with dirty upper register bits  */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT bool trunc_bool(int v);           /* v != 0 */
CPTEST_EXPORT int8_t trunc_i8(int v);
CPTEST_EXPORT uint8_t trunc_u8(int v);
CPTEST_EXPORT int16_t trunc_i16(int v);
CPTEST_EXPORT uint16_t trunc_u16(int v);
CPTEST_EXPORT int32_t trunc_i32(long long v);
CPTEST_EXPORT uint32_t trunc_u32(long long v);
CPTEST_EXPORT float trunc_float(double v);      /* (float)v */

/* ------------------------------------------------------------------------- */
/* Byte order                                                                */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT uint16_t bytes_u16(uint16_t v);   /* identity */
CPTEST_EXPORT uint32_t bytes_u32(uint32_t v);   /* identity */
CPTEST_EXPORT uint64_t bytes_u64(uint64_t v);   /* identity */
CPTEST_EXPORT uint16_t swap16(uint16_t v);
CPTEST_EXPORT uint32_t swap32(uint32_t v);
CPTEST_EXPORT uint64_t swap64(uint64_t v);
/* Byte i (0 = lowest address) of v as stored in native (little-endian) memory;
 * -1 if i is out of range. */
CPTEST_EXPORT int mem_byte_u16(uint16_t v, int i);
CPTEST_EXPORT int mem_byte_u32(uint32_t v, int i);
CPTEST_EXPORT int mem_byte_u64(uint64_t v, int i);
CPTEST_EXPORT int is_little_endian(void);       /* 1 on x86-64 */

/* ------------------------------------------------------------------------- */
/* Floating point bit patterns and specials                                  */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT uint32_t float_bits(float v);
CPTEST_EXPORT float float_from_bits(uint32_t bits);
CPTEST_EXPORT uint64_t double_bits(double v);
CPTEST_EXPORT double double_from_bits(uint64_t bits);
CPTEST_EXPORT double float_to_double(float v);
CPTEST_EXPORT float double_to_float(double v);
CPTEST_EXPORT int double_is_nan(double v);
CPTEST_EXPORT int double_signbit(double v);     /* 1 for -0.0 and negatives */
CPTEST_EXPORT int float_is_nan(float v);
CPTEST_EXPORT int float_signbit(float v);
CPTEST_EXPORT double double_nan(void);
CPTEST_EXPORT double double_inf(int negative);
CPTEST_EXPORT float float_nan(void);
CPTEST_EXPORT float float_inf(int negative);
CPTEST_EXPORT double double_neg_zero(void);

/* ------------------------------------------------------------------------- */
/* Many arguments (x86-64 SysV: 6 integer and 8 SSE argument registers)      */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT int sum_i0(void);                 /* returns 42 */
CPTEST_EXPORT long long sum_i1(int a0);
CPTEST_EXPORT long long sum_i2(int a0, int a1);
CPTEST_EXPORT long long sum_i3(int a0, int a1, int a2);
CPTEST_EXPORT long long sum_i4(int a0, int a1, int a2, int a3);
CPTEST_EXPORT long long sum_i5(int a0, int a1, int a2, int a3, int a4);
CPTEST_EXPORT long long sum_i6(int a0, int a1, int a2, int a3, int a4, int a5);
CPTEST_EXPORT long long sum_i7(int a0, int a1, int a2, int a3, int a4, int a5, int a6);
CPTEST_EXPORT long long sum_i8(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7);
CPTEST_EXPORT long long sum_i9(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8);
CPTEST_EXPORT long long sum_i10(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9);
CPTEST_EXPORT long long sum_i11(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10);
CPTEST_EXPORT long long sum_i12(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11);
CPTEST_EXPORT long long sum_i13(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int a12);
CPTEST_EXPORT long long sum_i14(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int a12, int a13);
CPTEST_EXPORT long long sum_i15(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int a12, int a13, int a14);
CPTEST_EXPORT long long sum_i16(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int a12, int a13, int a14, int a15);
CPTEST_EXPORT long long sum_i17(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int a12, int a13, int a14, int a15, int a16);
CPTEST_EXPORT long long sum_i18(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int a12, int a13, int a14, int a15, int a16, int a17);
CPTEST_EXPORT long long sum_i19(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int a12, int a13, int a14, int a15, int a16, int a17, int a18);
CPTEST_EXPORT long long sum_i20(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int a12, int a13, int a14, int a15, int a16, int a17, int a18, int a19);

CPTEST_EXPORT double sum_d1(double a0);
CPTEST_EXPORT double sum_d2(double a0, double a1);
CPTEST_EXPORT double sum_d3(double a0, double a1, double a2);
CPTEST_EXPORT double sum_d4(double a0, double a1, double a2, double a3);
CPTEST_EXPORT double sum_d5(double a0, double a1, double a2, double a3, double a4);
CPTEST_EXPORT double sum_d6(double a0, double a1, double a2, double a3, double a4, double a5);
CPTEST_EXPORT double sum_d7(double a0, double a1, double a2, double a3, double a4, double a5, double a6);
CPTEST_EXPORT double sum_d8(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7);
CPTEST_EXPORT double sum_d9(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8);
CPTEST_EXPORT double sum_d10(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9);
CPTEST_EXPORT double sum_d11(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9, double a10);
CPTEST_EXPORT double sum_d12(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9, double a10, double a11);
CPTEST_EXPORT double sum_d13(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9, double a10, double a11, double a12);
CPTEST_EXPORT double sum_d14(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9, double a10, double a11, double a12, double a13);
CPTEST_EXPORT double sum_d15(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9, double a10, double a11, double a12, double a13, double a14);
CPTEST_EXPORT double sum_d16(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9, double a10, double a11, double a12, double a13, double a14, double a15);
CPTEST_EXPORT double sum_d17(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9, double a10, double a11, double a12, double a13, double a14, double a15, double a16);
CPTEST_EXPORT double sum_d18(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9, double a10, double a11, double a12, double a13, double a14, double a15, double a16, double a17);
CPTEST_EXPORT double sum_d19(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9, double a10, double a11, double a12, double a13, double a14, double a15, double a16, double a17, double a18);
CPTEST_EXPORT double sum_d20(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7, double a8, double a9, double a10, double a11, double a12, double a13, double a14, double a15, double a16, double a17, double a18, double a19);

CPTEST_EXPORT float sum_f1(float a0);
CPTEST_EXPORT float sum_f2(float a0, float a1);
CPTEST_EXPORT float sum_f3(float a0, float a1, float a2);
CPTEST_EXPORT float sum_f4(float a0, float a1, float a2, float a3);
CPTEST_EXPORT float sum_f5(float a0, float a1, float a2, float a3, float a4);
CPTEST_EXPORT float sum_f6(float a0, float a1, float a2, float a3, float a4, float a5);
CPTEST_EXPORT float sum_f7(float a0, float a1, float a2, float a3, float a4, float a5, float a6);
CPTEST_EXPORT float sum_f8(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7);
CPTEST_EXPORT float sum_f9(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8);
CPTEST_EXPORT float sum_f10(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9);
CPTEST_EXPORT float sum_f11(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10);
CPTEST_EXPORT float sum_f12(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11);
CPTEST_EXPORT float sum_f13(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11, float a12);
CPTEST_EXPORT float sum_f14(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11, float a12, float a13);
CPTEST_EXPORT float sum_f15(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11, float a12, float a13, float a14);
CPTEST_EXPORT float sum_f16(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11, float a12, float a13, float a14, float a15);
CPTEST_EXPORT float sum_f17(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11, float a12, float a13, float a14, float a15, float a16);
CPTEST_EXPORT float sum_f18(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11, float a12, float a13, float a14, float a15, float a16, float a17);
CPTEST_EXPORT float sum_f19(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11, float a12, float a13, float a14, float a15, float a16, float a17, float a18);
CPTEST_EXPORT float sum_f20(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11, float a12, float a13, float a14, float a15, float a16, float a17, float a18, float a19);

/* ------------------------------------------------------------------------- */
/* Mixed argument lists                                                      */
/* ------------------------------------------------------------------------- */
/* All return sum over i of (i+1) * (double)a_i and record each argument:
 *   get_last_argc()    number of arguments of the last recorded call
 *   get_last_arg(i)    argument i converted to double (NaN if i is out of range)
 *   get_last_arg_i64(i) integer argument i exactly (0 for float/double arguments)
 *   reset_last_args()  clears the record (argc = 0, all arguments 0)
 * INT = integer register class, SSE = float/double register class; "stack" marks
 * the arguments that no longer fit in registers on x86-64 SysV.
 *
 * mixed10: 7 INT + 3 SSE; the 7th INT argument (a9, uint16_t) goes on the stack.
 *   a0 int8_t, a1 double, a2 int, a3 uint16_t, a4 float, a5 int64_t, a6 int, a7 double,
 *   a8 int8_t, a9 uint16_t[stack]
 * mixed14: 4 INT + 10 SSE; the 9th and 10th SSE arguments (a11 double, a13 float) spill.
 *   a0 double, a1 float, a2 int, a3 double, a4 float, a5 double, a6 int64_t, a7 float,
 *   a8 double, a9 int8_t, a10 float, a11 double[stack], a12 uint16_t, a13 float[stack]
 * mixed17: 8 INT + 9 SSE; both classes spill, interleaved on the stack: a13, a15, a16.
 *   a0 float, a1 int, a2 double, a3 int8_t, a4 float, a5 int64_t, a6 double, a7 uint16_t,
 *   a8 float, a9 int, a10 double, a11 int64_t, a12 float, a13 int8_t[stack], a14 double,
 *   a15 uint16_t[stack], a16 float[stack]
 * mixed20: 10 INT + 10 SSE; stack: a11 int, a13 int64_t, a15 int8_t, a17 uint16_t,
 *   a18 float, a19 double (narrow ints and a float in 8-byte stack slots).
 *   a0 int8_t, a1 uint16_t, a2 float, a3 double, a4 int, a5 int64_t, a6 float, a7 int8_t,
 *   a8 double, a9 uint16_t, a10 float, a11 int[stack], a12 double, a13 int64_t[stack],
 *   a14 float, a15 int8_t[stack], a16 double, a17 uint16_t[stack], a18 float[stack],
 *   a19 double[stack]
 */
CPTEST_EXPORT double mixed10(int8_t a0, double a1, int a2, uint16_t a3, float a4, int64_t a5,
                             int a6, double a7, int8_t a8, uint16_t a9);
CPTEST_EXPORT double mixed14(double a0, float a1, int a2, double a3, float a4, double a5,
                             int64_t a6, float a7, double a8, int8_t a9, float a10, double a11,
                             uint16_t a12, float a13);
CPTEST_EXPORT double mixed17(float a0, int a1, double a2, int8_t a3, float a4, int64_t a5,
                             double a6, uint16_t a7, float a8, int a9, double a10, int64_t a11,
                             float a12, int8_t a13, double a14, uint16_t a15, float a16);
CPTEST_EXPORT double mixed20(int8_t a0, uint16_t a1, float a2, double a3, int a4, int64_t a5,
                             float a6, int8_t a7, double a8, uint16_t a9, float a10, int a11,
                             double a12, int64_t a13, float a14, int8_t a15, double a16,
                             uint16_t a17, float a18, double a19);

CPTEST_EXPORT double get_last_arg(int i);
CPTEST_EXPORT long long get_last_arg_i64(int i);
CPTEST_EXPORT int get_last_argc(void);
CPTEST_EXPORT void reset_last_args(void);
/* The recorded arguments themselves (32 entries). */
CPTEST_EXPORT extern double last_args[32];

/* Callback function types with the mixedN signatures, and forwarders that pass
 * their own arguments unchanged to cb and return what cb returned (tests the
 * callback path with stack-passed arguments).  They do not record arguments. */
typedef double (*mixed10_cb)(int8_t, double, int, uint16_t, float, int64_t, int, double, int8_t,
                             uint16_t);
typedef double (*mixed14_cb)(double, float, int, double, float, double, int64_t, float, double,
                             int8_t, float, double, uint16_t, float);
typedef double (*mixed17_cb)(float, int, double, int8_t, float, int64_t, double, uint16_t, float,
                             int, double, int64_t, float, int8_t, double, uint16_t, float);
typedef double (*mixed20_cb)(int8_t, uint16_t, float, double, int, int64_t, float, int8_t, double,
                             uint16_t, float, int, double, int64_t, float, int8_t, double,
                             uint16_t, float, double);
CPTEST_EXPORT double call_mixed10_cb(mixed10_cb cb, int8_t a0, double a1, int a2, uint16_t a3,
                                     float a4, int64_t a5, int a6, double a7, int8_t a8,
                                     uint16_t a9);
CPTEST_EXPORT double call_mixed14_cb(mixed14_cb cb, double a0, float a1, int a2, double a3,
                                     float a4, double a5, int64_t a6, float a7, double a8,
                                     int8_t a9, float a10, double a11, uint16_t a12, float a13);
CPTEST_EXPORT double call_mixed17_cb(mixed17_cb cb, float a0, int a1, double a2, int8_t a3,
                                     float a4, int64_t a5, double a6, uint16_t a7, float a8,
                                     int a9, double a10, int64_t a11, float a12, int8_t a13,
                                     double a14, uint16_t a15, float a16);
CPTEST_EXPORT double call_mixed20_cb(mixed20_cb cb, int8_t a0, uint16_t a1, float a2, double a3,
                                     int a4, int64_t a5, float a6, int8_t a7, double a8,
                                     uint16_t a9, float a10, int a11, double a12, int64_t a13,
                                     float a14, int8_t a15, double a16, uint16_t a17, float a18,
                                     double a19);

/* ------------------------------------------------------------------------- */
/* UTF-8 strings                                                             */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT size_t str_len(const char *s);              /* strlen; (size_t)-1 for NULL */
CPTEST_EXPORT const char *str_echo(const char *s);        /* returns s itself */
CPTEST_EXPORT char *str_dup(const char *s);               /* malloc'ed copy; free() or cp_free() */
CPTEST_EXPORT const char *str_static(int which);          /* see table above */
CPTEST_EXPORT int str_static_count(void);                 /* 4 */
CPTEST_EXPORT int str_is_null(const char *s);
CPTEST_EXPORT int str_checksum(const char *s);            /* FNV-1a of the bytes, as int */
CPTEST_EXPORT int str_equal(const char *a, const char *b);  /* strcmp == 0; NULL == NULL only */
CPTEST_EXPORT int str_byte_at(const char *s, size_t i);   /* unsigned byte i, -1 if NULL */
/* Copies src into dst (at most cap-1 bytes, always terminated if cap > 0) and
 * returns strlen(src) (snprintf-like; (size_t)-1 if src is NULL, dst untouched). */
CPTEST_EXPORT size_t str_copy_to(char *dst, size_t cap, const char *src);
CPTEST_EXPORT void str_upper_inplace(char *s);            /* ASCII a-z -> A-Z in place */
CPTEST_EXPORT char *str_concat(const char *a, const char *b);  /* malloc'ed a + b */
CPTEST_EXPORT char *str_repeat(const char *s, int n);     /* malloc'ed s repeated n times */
/* Writes "<prefix><n>" into a static buffer and returns it (overwritten by the
 * next call).  Handy for "returned string must be copied" tests. */
CPTEST_EXPORT const char *str_format_int(const char *prefix, int n);

/* ------------------------------------------------------------------------- */
/* UTF-16, UTF-32 and wchar_t strings                                        */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT size_t str16_len(const char16_t *s);        /* code units; (size_t)-1 for NULL */
CPTEST_EXPORT const char16_t *str16_echo(const char16_t *s);
CPTEST_EXPORT const char16_t *str16_static(int which);
CPTEST_EXPORT unsigned int str16_checksum(const char16_t *s);
CPTEST_EXPORT int str16_unit_at(const char16_t *s, size_t i);  /* code unit i, -1 if NULL */
CPTEST_EXPORT size_t str16_copy_to(char16_t *dst, size_t cap, const char16_t *src);
CPTEST_EXPORT char16_t *str16_dup(const char16_t *s);     /* malloc'ed copy */

CPTEST_EXPORT size_t str32_len(const char32_t *s);        /* code points; (size_t)-1 for NULL */
CPTEST_EXPORT const char32_t *str32_echo(const char32_t *s);
CPTEST_EXPORT const char32_t *str32_static(int which);
CPTEST_EXPORT unsigned int str32_checksum(const char32_t *s);
CPTEST_EXPORT long long str32_unit_at(const char32_t *s, size_t i);  /* -1 if NULL */
CPTEST_EXPORT size_t str32_copy_to(char32_t *dst, size_t cap, const char32_t *src);

CPTEST_EXPORT size_t wstr_len(const wchar_t *s);          /* (size_t)-1 for NULL */
CPTEST_EXPORT const wchar_t *wstr_echo(const wchar_t *s);
CPTEST_EXPORT const wchar_t *wstr_static(int which);
CPTEST_EXPORT unsigned int wstr_checksum(const wchar_t *s);
CPTEST_EXPORT int wchar_size(void);                       /* sizeof(wchar_t) == 4 */

/* String arrays. */
CPTEST_EXPORT const char *const *str_array_static(void);  /* NULL-terminated, str_static texts */
CPTEST_EXPORT int str_array_count(const char *const *arr);  /* entries before NULL; -1 if arr NULL */
/* Sum of strlen over arr[0..n-1]; NULL entries count 0. */
CPTEST_EXPORT size_t str_array_total_len(const char *const *arr, size_t n);
/* arr[i] (NULL if out of range or arr is NULL). */
CPTEST_EXPORT const char *str_array_get(const char *const *arr, size_t n, size_t i);

/* ------------------------------------------------------------------------- */
/* Pointers, memory access, arrays and output parameters                     */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT void *ptr_add(void *p, intptr_t delta);     /* (char *)p + delta */
CPTEST_EXPORT intptr_t ptr_diff(const void *a, const void *b);  /* (char *)a - (char *)b */
CPTEST_EXPORT intptr_t ptr_to_int(void *p);
CPTEST_EXPORT void *int_to_ptr(intptr_t v);
CPTEST_EXPORT void *ptr_null(void);
CPTEST_EXPORT int ptr_is_null(void *p);
CPTEST_EXPORT int ptr_equal(const void *a, const void *b);
CPTEST_EXPORT int ptr_aligned(const void *p, size_t align);  /* 1 if p % align == 0 */

CPTEST_EXPORT int read_i32_at(const int *p);
CPTEST_EXPORT void write_i32_at(int *p, int v);
CPTEST_EXPORT long long read_i64_at(const long long *p);
CPTEST_EXPORT void write_i64_at(long long *p, long long v);
CPTEST_EXPORT uint8_t read_u8_at(const uint8_t *p);
CPTEST_EXPORT void write_u8_at(uint8_t *p, uint8_t v);
CPTEST_EXPORT double read_double_at(const double *p);
CPTEST_EXPORT void write_double_at(double *p, double v);
CPTEST_EXPORT float read_float_at(const float *p);
CPTEST_EXPORT void write_float_at(float *p, float v);
CPTEST_EXPORT void *read_ptr_at(void *const *p);
CPTEST_EXPORT void write_ptr_at(void **p, void *v);
CPTEST_EXPORT int read_i32_pp(int *const *pp);            /* **pp */
CPTEST_EXPORT void fill_bytes(void *p, int byte, size_t n);    /* memset */
CPTEST_EXPORT unsigned int sum_bytes(const unsigned char *p, size_t n);
CPTEST_EXPORT void copy_bytes(void *dst, const void *src, size_t n);  /* memmove */

/* Arrays (n elements). */
CPTEST_EXPORT long long sum_i32_array(const int32_t *a, size_t n);
CPTEST_EXPORT long long sum_i16_array(const int16_t *a, size_t n);
CPTEST_EXPORT long long sum_i8_array(const int8_t *a, size_t n);
CPTEST_EXPORT uint64_t sum_u64_array(const uint64_t *a, size_t n);
CPTEST_EXPORT double sum_double_array(const double *a, size_t n);
CPTEST_EXPORT double sum_float_array(const float *a, size_t n);
CPTEST_EXPORT void fill_i32_seq(int32_t *a, size_t n, int32_t start, int32_t step);  /* a[i] = start + i*step */
CPTEST_EXPORT void scale_i32_array(int32_t *a, size_t n, int32_t factor);  /* in place */
CPTEST_EXPORT void fill_double_seq(double *a, size_t n, double start, double step);
CPTEST_EXPORT const int32_t *static_i32_array(void);      /* {1, 2, 3, 5, 8, 13, 21, 34} */
CPTEST_EXPORT size_t static_i32_array_len(void);          /* 8 */

/* Output / in-out parameters.  Functions returning int return 1 if they wrote
 * through the pointer and 0 if it was NULL. */
CPTEST_EXPORT int out_i32(int32_t *out, int32_t v);
CPTEST_EXPORT int out_i64(int64_t *out, int64_t v);
CPTEST_EXPORT int out_u8(uint8_t *out, uint8_t v);
CPTEST_EXPORT int out_double(double *out, double v);
CPTEST_EXPORT int out_float(float *out, float v);
CPTEST_EXPORT int out_bool(bool *out, bool v);
CPTEST_EXPORT int out_ptr(void **out, void *v);
CPTEST_EXPORT int out_str(const char **out, int which);   /* *out = str_static(which) */
CPTEST_EXPORT int out_str16(const char16_t **out, int which);
CPTEST_EXPORT int out_str_dup(char **out, const char *s); /* *out = str_dup(s) */
CPTEST_EXPORT void inc_i32(int32_t *p);                   /* ++*p */
CPTEST_EXPORT void inc_double(double *p);                 /* *p += 1.0 */
CPTEST_EXPORT void swap_i32(int32_t *a, int32_t *b);
/* Quotient and remainder; returns 0 (outputs untouched) if b == 0, else 1. */
CPTEST_EXPORT int div_mod(int a, int b, int *quot, int *rem);

/* ------------------------------------------------------------------------- */
/* Memory owned by the library                                               */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT void *cp_alloc(size_t n);       /* calloc(1, n) (n == 0 allocates 1 byte) */
CPTEST_EXPORT void cp_free(void *p);          /* free(p); counts calls with p != NULL */
CPTEST_EXPORT int cp_free_count(void);
CPTEST_EXPORT void cp_free_count_reset(void);
CPTEST_EXPORT int cp_alloc_count(void);       /* cp_alloc/str_dup/str_concat/... allocations */

/* ------------------------------------------------------------------------- */
/* errno                                                                     */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT int set_errno_ret(int e, int ret);  /* errno = e; return ret */
CPTEST_EXPORT void set_errno(int e);
CPTEST_EXPORT int get_errno(void);

/* ------------------------------------------------------------------------- */
/* Callbacks                                                                 */
/* ------------------------------------------------------------------------- */
/* call_cb_<type>(cb, v) returns cb(v), widened like the widen_* probes so a
 * callback returning a wrongly extended narrow value shows. */

CPTEST_EXPORT void call_cb_void(void (*cb)(void));
CPTEST_EXPORT int call_cb_bool(bool (*cb)(bool), bool v);
CPTEST_EXPORT long long call_cb_i8(int8_t (*cb)(int8_t), int8_t v);
CPTEST_EXPORT unsigned long long call_cb_u8(uint8_t (*cb)(uint8_t), uint8_t v);
CPTEST_EXPORT long long call_cb_i16(int16_t (*cb)(int16_t), int16_t v);
CPTEST_EXPORT unsigned long long call_cb_u16(uint16_t (*cb)(uint16_t), uint16_t v);
CPTEST_EXPORT long long call_cb_i32(int32_t (*cb)(int32_t), int32_t v);
CPTEST_EXPORT unsigned long long call_cb_u32(uint32_t (*cb)(uint32_t), uint32_t v);
CPTEST_EXPORT long long call_cb_i64(int64_t (*cb)(int64_t), int64_t v);
CPTEST_EXPORT unsigned long long call_cb_u64(uint64_t (*cb)(uint64_t), uint64_t v);
CPTEST_EXPORT float call_cb_float(float (*cb)(float), float v);
CPTEST_EXPORT double call_cb_double(double (*cb)(double), double v);
CPTEST_EXPORT void *call_cb_ptr(void *(*cb)(void *), void *v);
/* cb(a, b) with two arguments of different classes. */
CPTEST_EXPORT double call_cb_int_double(double (*cb)(int, double), int a, double b);
/* Sum of cb(i) for i = 0 .. n-1 (calls cb n times). */
CPTEST_EXPORT long long call_cb_n_times(int (*cb)(int), int n);
/* cb(str_static(which)); returns what cb returned. */
CPTEST_EXPORT int call_cb_str(int (*cb)(const char *), int which);
CPTEST_EXPORT int call_cb_str16(int (*cb)(const char16_t *), int which);
/* str_len(cb()): a callback returning a string. */
CPTEST_EXPORT size_t call_cb_ret_str_len(const char *(*cb)(void));
/* cb(buf, cap) fills a caller-owned buffer; returns the bytes before the first NUL
 * (cap is 64). The buffer is zeroed before the call. */
CPTEST_EXPORT size_t call_cb_fill_buf(void (*cb)(char *buf, size_t cap));
/* Stored callback: cb_store(NULL) clears it; cb_call_stored returns -1 if none. */
CPTEST_EXPORT void cb_store(int (*cb)(int));
CPTEST_EXPORT int cb_call_stored(int v);
CPTEST_EXPORT int cb_has_stored(void);

/* Callback from another thread.  thread_call_cb_start starts a thread that waits
 * delay_ms, calls cb(v) and keeps the result; it returns an opaque handle (NULL on
 * failure).  thread_call_cb_join waits for that thread, frees the handle and returns
 * the result.  Do not join from the JS thread before the callback has run if the FFI
 * needs the JS thread to run it (that would deadlock): await a promise resolved by
 * the callback first, then join.  Also keep the event loop alive meanwhile (e.g. a
 * pending timer): Koffi, for one, does not, and if node exits while the thread is
 * still about to call back, the process crashes. */
CPTEST_EXPORT void *thread_call_cb_start(int (*cb)(int), int v, int delay_ms);
CPTEST_EXPORT int thread_call_cb_join(void *handle);
/* Calls cb(v) synchronously in a new thread and waits for it (for FFIs that can run
 * callbacks on foreign threads without the JS thread). Returns cb's result. */
CPTEST_EXPORT int thread_call_cb_sync(int (*cb)(int), int v);

/* ------------------------------------------------------------------------- */
/* Variadic functions                                                        */
/* ------------------------------------------------------------------------- */

/* Sum of n variadic int arguments. */
CPTEST_EXPORT long long variadic_sum_i(int n, ...);
/* Sum of n variadic double arguments (floats are promoted to double by C rules). */
CPTEST_EXPORT double variadic_sum_d(int n, ...);
/* One variadic argument per character of types:
 *   'i' int   'u' unsigned int   'l' long long   'd' double (also promoted float)
 *   'p' void * (recorded as its address)   's' const char * (recorded as strlen, -1 for NULL)
 * Records each argument like mixedN and returns sum of (i+1) * value; stops at an
 * unknown character (returns NaN). */
CPTEST_EXPORT double variadic_mixed(const char *types, ...);
/* vsnprintf into buf. */
CPTEST_EXPORT int cp_snprintf(char *buf, size_t cap, const char *fmt, ...);

/* ------------------------------------------------------------------------- */
/* Stack alignment probes                                                    */
/* ------------------------------------------------------------------------- */
/* Return the callee's frame address modulo 16: 0 when the caller kept rsp 16-byte
 * aligned at the call as the ABI requires. */
CPTEST_EXPORT int stack_align_mod16(void);
CPTEST_EXPORT int stack_align_mod16_args(int a0, int a1, int a2, int a3, int a4, int a5, int a6,
                                         double d0, double d1, double d2, double d3, double d4,
                                         double d5, double d6, double d7, double d8);

/* ------------------------------------------------------------------------- */
/* Exported variables                                                        */
/* ------------------------------------------------------------------------- */

CPTEST_EXPORT extern int cptest_global_int;             /* 123456 */
CPTEST_EXPORT extern const char cptest_global_str[];    /* "callplan" */
CPTEST_EXPORT extern double cptest_global_double;       /* 2.5 */
CPTEST_EXPORT extern const char *cptest_global_strptr;  /* points to "pointer to callplan" */
CPTEST_EXPORT extern int32_t cptest_global_array[8];    /* {10, 20, ..., 80} */
CPTEST_EXPORT int get_global_int(void);
CPTEST_EXPORT void set_global_int(int v);
CPTEST_EXPORT double get_global_double(void);
CPTEST_EXPORT int32_t get_global_array_at(int i);       /* 0 if out of range */

/* ------------------------------------------------------------------------- */
/* By-value structs for the benchmark (perf/cases.js: vec2_add, mixed3)      */
/* ------------------------------------------------------------------------- */

/* 16 bytes, class SSE/SSE: passed in xmm registers, returned in xmm0:xmm1. */
typedef struct Vec2 { double x, y; } Vec2;
/* Member-wise sum: { a.x + b.x, a.y + b.y }. */
CPTEST_EXPORT Vec2 vec2_add(Vec2 a, Vec2 b);

/* 24 bytes (int, pad, double, float, pad): class MEMORY, returned through the
 * hidden pointer the caller passes in rdi. */
typedef struct Mixed3 { int i; double d; float f; } Mixed3;
/* Returns { i, d, f } unchanged. */
CPTEST_EXPORT Mixed3 mixed3_make(int i, double d, float f);

#endif /* CPTEST_H */
