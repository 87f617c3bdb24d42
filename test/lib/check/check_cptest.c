/* check_cptest.c - C-side sanity checks of libcptest.so (linked directly), so a
 * failing FFI test can be blamed on the FFI rather than on the test library.
 * Expected values are hard-coded or computed independently of cptest.c; the
 * checksums were computed with the JavaScript reference in cptest.h.
 * Run by "node scripts/build-testlib.mjs --check".
 */
#define _GNU_SOURCE 1

#include "cptest.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_checks, g_failures;

#define CHECK(cond)                                                              \
    do {                                                                         \
        g_checks++;                                                              \
        if (!(cond)) {                                                           \
            g_failures++;                                                        \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);      \
        }                                                                        \
    } while (0)

#define CHECK_EQ_LL(a, b)                                                        \
    do {                                                                         \
        long long va_ = (long long)(a), vb_ = (long long)(b);                    \
        g_checks++;                                                              \
        if (va_ != vb_) {                                                        \
            g_failures++;                                                        \
            fprintf(stderr, "FAIL %s:%d: %s == %lld, expected %lld\n", __FILE__, \
                    __LINE__, #a, va_, vb_);                                     \
        }                                                                        \
    } while (0)

#define CHECK_EQ_D(a, b)                                                         \
    do {                                                                         \
        double va_ = (double)(a), vb_ = (double)(b);                             \
        g_checks++;                                                              \
        if (va_ != vb_) {                                                        \
            g_failures++;                                                        \
            fprintf(stderr, "FAIL %s:%d: %s == %.17g, expected %.17g\n",         \
                    __FILE__, __LINE__, #a, va_, vb_);                           \
        }                                                                        \
    } while (0)

static int cb_add1(int v) { return v + 1; }
static int cb_square(int v) { return v * v; }
static int8_t cb_i8_neg(int8_t v) { return (int8_t)-v; }
static uint16_t cb_u16_not(uint16_t v) { return (uint16_t)~v; }
static int cb_strlen(const char *s) { return s ? (int)strlen(s) : -1; }
static const char *cb_ret_str(void) { return "seven!!"; }
static void cb_fill(char *buf, size_t cap) { snprintf(buf, cap, "filled"); }
static int g_void_calls;
static void cb_void(void) { g_void_calls++; }

static double cb_mixed20(int8_t a0, uint16_t a1, float a2, double a3, int a4, int64_t a5,
                         float a6, int8_t a7, double a8, uint16_t a9, float a10, int a11,
                         double a12, int64_t a13, float a14, int8_t a15, double a16,
                         uint16_t a17, float a18, double a19)
{
    return mixed20(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16,
                   a17, a18, a19);
}

static void check_basics(void)
{
    CHECK_EQ_LL(add_int(2, 3), 5);
    CHECK_EQ_LL(add_int(-7, 3), -4);
    CHECK_EQ_D(mixed8(1, 2.5, 3.5f, 4, -5, 6.25, 7u, 0.5f), 19.75);
    CHECK_EQ_LL(get_last_argc(), 8);
    CHECK_EQ_D(get_last_arg(4), -5);
    counter_reset();
    counter_inc();
    counter_add(10);
    CHECK_EQ_LL(counter_get(), 11);
    cp_noop();
}

static void check_identity_and_widen(void)
{
    CHECK(id_bool(true) == true && id_bool(false) == false);
    CHECK_EQ_LL(id_i8(-128), -128);
    CHECK_EQ_LL(id_u8(255), 255);
    CHECK_EQ_LL(id_i16(-32768), -32768);
    CHECK_EQ_LL(id_u16(65535), 65535);
    CHECK_EQ_LL(id_i32(INT32_MIN), INT32_MIN);
    CHECK(id_u32(UINT32_MAX) == UINT32_MAX);
    CHECK(id_i64(INT64_MIN) == INT64_MIN);
    CHECK(id_u64(UINT64_MAX) == UINT64_MAX);
    CHECK_EQ_D(id_float(1.5f), 1.5);
    CHECK_EQ_D(id_double(-2.25), -2.25);
    CHECK_EQ_LL(id_char(-1), -1);
    CHECK(id_wchar(L'\U0001F600') == 0x1F600);
    CHECK(id_char16(0xD83D) == 0xD83D);
    CHECK(id_char32(0x10FFFF) == 0x10FFFF);
    int x;
    CHECK(id_ptr(&x) == &x);

    CHECK_EQ_LL(widen_i8(-1), -1);
    CHECK(widen_u8(255) == 255u);
    CHECK_EQ_LL(widen_i16(-2), -2);
    CHECK(widen_u16(0xFFFF) == 0xFFFFu);
    CHECK_EQ_LL(widen_i32(-3), -3);
    CHECK(widen_u32(0xFFFFFFFFu) == 0xFFFFFFFFull);
    CHECK_EQ_LL(widen_bool(true), 1);
    CHECK_EQ_LL(widen_char(-128), -128);
    CHECK_EQ_LL(widen_wchar(-5), -5);
    CHECK_EQ_LL(widen_many(-1, 255, -300, 65000, -128, 1, 32767, 2),
                -1 + 2 * 255 + 3 * -300 + 4 * 65000 + 5 * -128 + 6 * 1 + 7 * 32767 + 8 * 2);

    CHECK_EQ_LL(trunc_i8(0x1ff), -1);
    CHECK_EQ_LL(trunc_u8(0x1ff), 255);
    CHECK_EQ_LL(trunc_i16(0x18000), -32768);
    CHECK_EQ_LL(trunc_u16(-1), 65535);
    CHECK_EQ_LL(trunc_i32(0x1ffffffffLL), -1);
    CHECK(trunc_u32(-1) == 0xFFFFFFFFu);
    CHECK(trunc_bool(256) == true);
}

static void check_bytes_and_floats(void)
{
    CHECK(swap16(0x1234) == 0x3412);
    CHECK(swap32(0x12345678u) == 0x78563412u);
    CHECK(swap64(0x0102030405060708ull) == 0x0807060504030201ull);
    CHECK(bytes_u32(0xdeadbeef) == 0xdeadbeef);
    CHECK_EQ_LL(mem_byte_u32(0x11223344u, 0), 0x44);
    CHECK_EQ_LL(mem_byte_u64(0x1122334455667788ull, 7), 0x11);
    CHECK_EQ_LL(mem_byte_u16(1, 2), -1);
    CHECK_EQ_LL(is_little_endian(), 1);

    CHECK(float_bits(1.0f) == 0x3f800000u);
    CHECK(double_bits(-2.0) == 0xc000000000000000ull);
    CHECK_EQ_D(float_from_bits(0x40490fdbu), 3.1415927410125732);
    CHECK(double_signbit(double_neg_zero()) == 1 && double_neg_zero() == 0.0);
    CHECK(double_is_nan(double_nan()) && float_is_nan(float_nan()));
    CHECK(isinf(double_inf(1)) && double_inf(1) < 0 && float_inf(0) > 0);
    CHECK_EQ_D(float_to_double(0.1f), (double)0.1f);
}

static void check_sums(void)
{
    CHECK_EQ_LL(sum_i0(), 42);
    CHECK_EQ_LL(sum_i1(5), 5);
    CHECK_EQ_LL(sum_i7(1, 2, 3, 4, 5, 6, 7), 1 + 4 + 9 + 16 + 25 + 36 + 49);
    long long ei = 0;
    double ed = 0.0;
    float ef = 0.0f;
    for (int i = 1; i <= 20; i++) {
        ei += (long long)i * (i * 1000 - 7);
        ed += (double)i * (i + 0.25);
        ef += (float)i * (float)(21 - i);
    }
    CHECK_EQ_LL(sum_i20(993, 1993, 2993, 3993, 4993, 5993, 6993, 7993, 8993, 9993, 10993, 11993,
                        12993, 13993, 14993, 15993, 16993, 17993, 18993, 19993),
                ei);
    CHECK_EQ_D(sum_d20(1.25, 2.25, 3.25, 4.25, 5.25, 6.25, 7.25, 8.25, 9.25, 10.25, 11.25, 12.25,
                       13.25, 14.25, 15.25, 16.25, 17.25, 18.25, 19.25, 20.25),
               ed);
    CHECK_EQ_D(sum_f20(20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1), ef);
    CHECK_EQ_D(sum_d9(1, 0, 0, 0, 0, 0, 0, 0, 1), 10.0);
    CHECK_EQ_D(sum_f9(0, 0, 0, 0, 0, 0, 0, 0, 2), 18.0);
    CHECK_EQ_LL(sum_i13(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1), -13);
}

static void check_mixed(void)
{
    /* mixed20 with a_i = distinct values; expected = sum (i+1) * a_i. */
    double r = mixed20(-1, 60000, 0.5f, 1e10, -4, -5000000000LL, 6.5f, 127, -8.25, 9, 10.5f, 11,
                       12.125, 1LL << 40, -14.5f, -128, 16.0, 65535, 18.75f, -19.0);
    double exp = 1 * -1.0 + 2 * 60000.0 + 3 * 0.5 + 4 * 1e10 + 5 * -4.0 + 6 * -5000000000.0
                 + 7 * 6.5 + 8 * 127.0 + 9 * -8.25 + 10 * 9.0 + 11 * 10.5 + 12 * 11.0
                 + 13 * 12.125 + 14 * 1099511627776.0 + 15 * -14.5 + 16 * -128.0 + 17 * 16.0
                 + 18 * 65535.0 + 19 * 18.75 + 20 * -19.0;
    CHECK_EQ_D(r, exp);
    CHECK_EQ_LL(get_last_argc(), 20);
    CHECK_EQ_LL(get_last_arg_i64(13), 1LL << 40);
    CHECK_EQ_LL(get_last_arg_i64(5), -5000000000LL);
    CHECK_EQ_D(get_last_arg(18), 18.75);
    CHECK(isnan(get_last_arg(20)));
    CHECK_EQ_D(last_args[1], 60000);

    CHECK_EQ_D(mixed10(-2, 1.5, 3, 4, 5.5f, 6, 7, 8.5, 9, 10),
               1 * -2 + 2 * 1.5 + 3 * 3 + 4 * 4 + 5 * 5.5 + 6 * 6 + 7 * 7 + 8 * 8.5 + 9 * 9
                   + 10 * 10);
    CHECK_EQ_LL(get_last_argc(), 10);
    CHECK_EQ_D(mixed14(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14), 1015.0);
    CHECK_EQ_D(mixed17(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17), 1785.0);
    CHECK_EQ_D(get_last_arg(16), 17);

    CHECK_EQ_D(call_mixed20_cb(cb_mixed20, -1, 60000, 0.5f, 1e10, -4, -5000000000LL, 6.5f, 127,
                               -8.25, 9, 10.5f, 11, 12.125, 1LL << 40, -14.5f, -128, 16.0, 65535,
                               18.75f, -19.0),
               exp);
    reset_last_args();
    CHECK_EQ_LL(get_last_argc(), 0);
}

static void check_strings(void)
{
    static const size_t len8[] = {5, 22, 0, 23}, len16[] = {5, 16, 0, 11}, len32[] = {5, 15, 0, 9};
    static const unsigned int ck8[] = {0x4f9f2cab, 0xf91aa4c8, 0x811c9dc5, 0x1c40dd01};
    static const unsigned int ck16[] = {0x4f9f2cab, 0xa366f502, 0x811c9dc5, 0x2c07a3dc};
    static const unsigned int ck32[] = {0x4f9f2cab, 0xe0e5e103, 0x811c9dc5, 0xde4a3074};

    CHECK_EQ_LL(str_static_count(), 4);
    for (int i = 0; i < 4; i++) {
        CHECK(str_len(str_static(i)) == len8[i]);
        CHECK(str16_len(str16_static(i)) == len16[i]);
        CHECK(str32_len(str32_static(i)) == len32[i]);
        CHECK(wstr_len(wstr_static(i)) == len32[i]);
        CHECK((unsigned int)str_checksum(str_static(i)) == ck8[i]);
        CHECK(str16_checksum(str16_static(i)) == ck16[i]);
        CHECK(str32_checksum(str32_static(i)) == ck32[i]);
        CHECK(wstr_checksum(wstr_static(i)) == ck32[i]);
    }
    CHECK(str_static(-1) == NULL && str_static(4) == NULL && str16_static(-1) == NULL);
    CHECK(str32_static(9) == NULL && wstr_static(-3) == NULL);
    CHECK(strcmp(str_static(1), "h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x98\x80 \xe2\x9c\x93") == 0);
    CHECK_EQ_LL(str16_unit_at(str16_static(1), 12), 0xD83D);
    CHECK_EQ_LL(str16_unit_at(str16_static(1), 13), 0xDE00);
    CHECK_EQ_LL(str32_unit_at(str32_static(1), 12), 0x1F600);
    CHECK_EQ_LL(str_byte_at(str_static(1), 1), 0xc3);
    CHECK(str_len(NULL) == (size_t)-1 && str16_len(NULL) == (size_t)-1);
    CHECK(str32_len(NULL) == (size_t)-1 && wstr_len(NULL) == (size_t)-1);
    CHECK(str_checksum(NULL) == 0 && str_is_null(NULL) && !str_is_null(""));

    const char *s = "abc";
    CHECK(str_echo(s) == s);
    char *d = str_dup(s);
    CHECK(d && d != s && strcmp(d, s) == 0);
    int frees = cp_free_count();
    cp_free(d);
    CHECK_EQ_LL(cp_free_count(), frees + 1);
    CHECK(str_dup(NULL) == NULL);

    char buf[8];
    CHECK(str_copy_to(buf, sizeof(buf), "0123456789") == 10 && strcmp(buf, "0123456") == 0);
    str_upper_inplace(buf);
    char up[] = "mixed Case é";
    str_upper_inplace(up);
    CHECK(strcmp(up, "MIXED CASE \xc3\xa9") == 0);
    char *cat = str_concat("foo", "bar");
    CHECK(cat && strcmp(cat, "foobar") == 0);
    free(cat);
    char *rep = str_repeat("ab", 3);
    CHECK(rep && strcmp(rep, "ababab") == 0);
    free(rep);
    CHECK(strcmp(str_format_int("n=", -42), "n=-42") == 0);
    CHECK(str_equal("x", "x") && !str_equal("x", "y") && str_equal(NULL, NULL) && !str_equal("", NULL));

    char16_t b16[4];
    CHECK(str16_copy_to(b16, 4, str16_static(0)) == 5 && str16_len(b16) == 3);
    char16_t *d16 = str16_dup(u"x\U0001F600");
    CHECK(d16 && str16_len(d16) == 3);
    free(d16);
    CHECK_EQ_LL(wchar_size(), 4);

    const char *const *arr = str_array_static();
    CHECK_EQ_LL(str_array_count(arr), 4);
    CHECK(str_array_total_len(arr, 4) == 50);
    CHECK(str_array_get(arr, 4, 1) == str_static(1) && str_array_get(arr, 4, 4) == NULL);
}

static void check_pointers(void)
{
    int32_t arr[5] = {0};
    CHECK(ptr_add(arr, 8) == (void *)&arr[2]);
    CHECK(ptr_diff(&arr[3], &arr[0]) == 12);
    CHECK(int_to_ptr(ptr_to_int(arr)) == (void *)arr);
    CHECK(ptr_null() == NULL && ptr_is_null(NULL) && !ptr_is_null(arr));
    write_i32_at(&arr[1], -77);
    CHECK_EQ_LL(read_i32_at(&arr[1]), -77);
    double dv = 0;
    write_double_at(&dv, 3.25);
    CHECK_EQ_D(read_double_at(&dv), 3.25);
    void *pv = NULL;
    write_ptr_at(&pv, arr);
    CHECK(read_ptr_at(&pv) == (void *)arr);
    int *pp = &arr[1];
    CHECK_EQ_LL(read_i32_pp(&pp), -77);
    unsigned char bytes[16];
    fill_bytes(bytes, 0xAB, sizeof(bytes));
    CHECK(sum_bytes(bytes, sizeof(bytes)) == 16u * 0xAB);

    fill_i32_seq(arr, 5, 10, -3);
    CHECK(arr[0] == 10 && arr[4] == -2);
    CHECK_EQ_LL(sum_i32_array(arr, 5), 10 + 7 + 4 + 1 - 2);
    scale_i32_array(arr, 5, 2);
    CHECK_EQ_LL(sum_i32_array(arr, 5), 40);
    CHECK_EQ_LL(sum_i32_array(static_i32_array(), static_i32_array_len()), 87);
    const int8_t i8s[3] = {-1, -2, 127};
    CHECK_EQ_LL(sum_i8_array(i8s, 3), 124);

    int32_t o32 = 0;
    const char *os = NULL;
    CHECK(out_i32(&o32, 5) == 1 && o32 == 5 && out_i32(NULL, 5) == 0);
    CHECK(out_str(&os, 0) == 1 && os == str_static(0));
    inc_i32(&o32);
    CHECK_EQ_LL(o32, 6);
    int q = 0, r = 0;
    CHECK(div_mod(17, 5, &q, &r) == 1 && q == 3 && r == 2 && div_mod(1, 0, &q, &r) == 0);
    int32_t a = 1, b = 2;
    swap_i32(&a, &b);
    CHECK(a == 2 && b == 1);
}

static void check_errno_globals_callbacks(void)
{
    CHECK_EQ_LL(set_errno_ret(ERANGE, -1), -1);
    CHECK_EQ_LL(get_errno(), ERANGE);
    CHECK_EQ_LL(errno, ERANGE);
    set_errno(0);
    CHECK_EQ_LL(get_errno(), 0);

    CHECK_EQ_LL(cptest_global_int, 123456);
    CHECK(strcmp(cptest_global_str, "callplan") == 0);
    set_global_int(7);
    CHECK_EQ_LL(cptest_global_int, 7);
    cptest_global_int = 123456;
    CHECK_EQ_D(get_global_double(), 2.5);
    CHECK_EQ_LL(get_global_array_at(7), 80);
    CHECK(strcmp(cptest_global_strptr, "pointer to callplan") == 0);

    CHECK_EQ_LL(call_cb_i32(cb_add1, 41), 42);
    CHECK_EQ_LL(call_cb_i8(cb_i8_neg, -128), -128);
    CHECK(call_cb_u16(cb_u16_not, 0) == 0xFFFF);
    CHECK_EQ_LL(call_cb_n_times(cb_square, 4), 0 + 1 + 4 + 9);
    CHECK_EQ_LL(call_cb_str(cb_strlen, 1), 22);
    CHECK_EQ_LL(call_cb_str(cb_strlen, -1), -1);
    CHECK(call_cb_ret_str_len(cb_ret_str) == 7);
    CHECK(call_cb_fill_buf(cb_fill) == 6);
    g_void_calls = 0;
    call_cb_void(cb_void);
    CHECK_EQ_LL(g_void_calls, 1);
    cb_store(NULL);
    CHECK_EQ_LL(cb_call_stored(1), -1);
    cb_store(cb_add1);
    CHECK(cb_has_stored() && cb_call_stored(1) == 2);
    cb_store(NULL);
    CHECK_EQ_LL(thread_call_cb_sync(cb_square, 9), 81);
    void *h = thread_call_cb_start(cb_add1, 99, 20);
    CHECK(h != NULL);
    CHECK_EQ_LL(thread_call_cb_join(h), 100);
}

static void check_variadic_and_stack(void)
{
    CHECK_EQ_LL(variadic_sum_i(4, 1, -2, 3, 40), 42);
    CHECK_EQ_D(variadic_sum_d(3, 0.5, 1.25, (double)2.0f), 3.75);
    int x;
    CHECK_EQ_D(variadic_mixed("iuldps", -1, 2u, 3LL, 4.5, (void *)0, "hello"),
               -1 + 2 * 2 + 3 * 3 + 4 * 4.5 + 0 + 6 * 5);
    CHECK_EQ_LL(get_last_argc(), 6);
    variadic_mixed("p", (void *)&x);
    CHECK(get_last_arg_i64(0) == (long long)(intptr_t)&x);
    CHECK(isnan(variadic_mixed("iz", 1, 2)));
    char buf[32];
    CHECK(cp_snprintf(buf, sizeof(buf), "%d-%s-%.1f", 7, "x", 2.5) == 7 && strcmp(buf, "7-x-2.5") == 0);

    CHECK_EQ_LL(stack_align_mod16(), 0);
    CHECK_EQ_LL(stack_align_mod16_args(0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 7, 8), 0);
}

int main(void)
{
    check_basics();
    check_identity_and_widen();
    check_bytes_and_floats();
    check_sums();
    check_mixed();
    check_strings();
    check_pointers();
    check_errno_globals_callbacks();
    check_variadic_and_stack();
    printf("check_cptest: %d checks, %d failed\n", g_checks, g_failures);
    return g_failures ? 1 : 0;
}
