/* Node-API "floor" for the callplan benchmark.
 *
 * Each export converts its arguments with the plainest Node-API calls, calls
 * the C function, and converts the result back. No FFI machinery, no type
 * tables, no caching: this is roughly the least work any binding can do per
 * call, so it is the reference the FFI contenders are compared against.
 *
 * libc functions are linked normally. The test library functions (add_int,
 * mixed8) are resolved once with dlopen/dlsym by loadTestlib(path), because
 * the library path is only known at run time; calling through the resolved
 * pointer costs the same as calling through the PLT.
 *
 * Only node_api.h is used. */

#include <node_api.h>

#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int (*add_int_fn)(int, int);
typedef double (*mixed8_fn)(int, double, float, long long, short, double, unsigned int, float);

static void *testlib_handle = NULL;
static add_int_fn p_add_int = NULL;
static mixed8_fn p_mixed8 = NULL;

static napi_value throw_type(napi_env env, const char *msg)
{
    napi_throw_type_error(env, NULL, msg);
    return NULL;
}

#define CHECK(call, msg) \
    do { \
        if ((call) != napi_ok) \
            return throw_type(env, (msg)); \
    } while (0)

/* int rand(void) */
static napi_value js_rand(napi_env env, napi_callback_info info)
{
    (void)info;
    napi_value out;
    napi_create_int32(env, rand(), &out);
    return out;
}

/* int atoi(const char *) */
static napi_value js_atoi(napi_env env, napi_callback_info info)
{
    size_t argc = 1;
    napi_value argv[1];
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    if (argc < 1)
        return throw_type(env, "atoi expects 1 argument");

    char stack_buf[256];
    size_t len = 0;
    CHECK(napi_get_value_string_utf8(env, argv[0], stack_buf, sizeof(stack_buf), &len),
          "atoi expects a string");

    int ret;
    if (len < sizeof(stack_buf) - 1) {
        ret = atoi(stack_buf);
    } else {
        /* Possibly truncated: measure, then convert into a heap buffer. */
        CHECK(napi_get_value_string_utf8(env, argv[0], NULL, 0, &len), "atoi expects a string");
        char *heap = malloc(len + 1);
        if (!heap)
            return throw_type(env, "out of memory");
        napi_get_value_string_utf8(env, argv[0], heap, len + 1, &len);
        ret = atoi(heap);
        free(heap);
    }

    napi_value out;
    napi_create_int32(env, ret, &out);
    return out;
}

/* void *memset(void *, int, size_t) with a Buffer (or any TypedArray) as the pointer */
static napi_value js_memset(napi_env env, napi_callback_info info)
{
    size_t argc = 3;
    napi_value argv[3];
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    if (argc < 3)
        return throw_type(env, "memset expects 3 arguments");

    void *data = NULL;
    size_t byte_len = 0;
    if (napi_get_buffer_info(env, argv[0], &data, &byte_len) != napi_ok) {
        napi_typedarray_type type;
        size_t length;
        napi_value ab;
        size_t offset;
        CHECK(napi_get_typedarray_info(env, argv[0], &type, &length, &data, &ab, &offset),
              "memset expects a Buffer or TypedArray");
    }
    int32_t c;
    int64_t n;
    CHECK(napi_get_value_int32(env, argv[1], &c), "memset expects a number");
    CHECK(napi_get_value_int64(env, argv[2], &n), "memset expects a number");

    void *ret = memset(data, c, (size_t)n);

    /* Koffi 3 returns pointers as BigInt addresses; do the same. */
    napi_value out;
    napi_create_bigint_uint64(env, (uint64_t)(uintptr_t)ret, &out);
    return out;
}

/* int add_int(int, int) */
static napi_value js_add_int(napi_env env, napi_callback_info info)
{
    size_t argc = 2;
    napi_value argv[2];
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    if (argc < 2)
        return throw_type(env, "add_int expects 2 arguments");

    int32_t a, b;
    CHECK(napi_get_value_int32(env, argv[0], &a), "add_int expects numbers");
    CHECK(napi_get_value_int32(env, argv[1], &b), "add_int expects numbers");

    napi_value out;
    napi_create_int32(env, p_add_int(a, b), &out);
    return out;
}

/* double mixed8(int, double, float, long long, short, double, unsigned int, float) */
static napi_value js_mixed8(napi_env env, napi_callback_info info)
{
    size_t argc = 8;
    napi_value argv[8];
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    if (argc < 8)
        return throw_type(env, "mixed8 expects 8 arguments");

    int32_t a, e;
    double b, c, f, h;
    int64_t d;
    uint32_t g;
    CHECK(napi_get_value_int32(env, argv[0], &a), "mixed8 expects numbers");
    CHECK(napi_get_value_double(env, argv[1], &b), "mixed8 expects numbers");
    CHECK(napi_get_value_double(env, argv[2], &c), "mixed8 expects numbers");
    CHECK(napi_get_value_int64(env, argv[3], &d), "mixed8 expects numbers");
    CHECK(napi_get_value_int32(env, argv[4], &e), "mixed8 expects numbers");
    CHECK(napi_get_value_double(env, argv[5], &f), "mixed8 expects numbers");
    CHECK(napi_get_value_uint32(env, argv[6], &g), "mixed8 expects numbers");
    CHECK(napi_get_value_double(env, argv[7], &h), "mixed8 expects numbers");

    double ret = p_mixed8(a, b, (float)c, (long long)d, (short)e, f, g, (float)h);

    napi_value out;
    napi_create_double(env, ret, &out);
    return out;
}

/* loadTestlib(path): dlopen the C test library and resolve its functions. */
static napi_value js_load_testlib(napi_env env, napi_callback_info info)
{
    size_t argc = 1;
    napi_value argv[1];
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    if (argc < 1)
        return throw_type(env, "loadTestlib expects a path");

    char path[4096];
    size_t len;
    CHECK(napi_get_value_string_utf8(env, argv[0], path, sizeof(path), &len),
          "loadTestlib expects a string");

    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *err = dlerror();
        napi_throw_error(env, NULL, err ? err : "dlopen failed");
        return NULL;
    }
    add_int_fn add = (add_int_fn)dlsym(h, "add_int");
    mixed8_fn mix = (mixed8_fn)dlsym(h, "mixed8");
    if (!add || !mix) {
        dlclose(h);
        napi_throw_error(env, NULL, "add_int or mixed8 not found in test library");
        return NULL;
    }
    /* Keep the previous handle open: functions resolved from it may still be in use. */
    testlib_handle = h;
    p_add_int = add;
    p_mixed8 = mix;

    napi_value out;
    napi_get_boolean(env, true, &out);
    return out;
}

static napi_value init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        { "rand", NULL, js_rand, NULL, NULL, NULL, napi_enumerable, NULL },
        { "atoi", NULL, js_atoi, NULL, NULL, NULL, napi_enumerable, NULL },
        { "memset", NULL, js_memset, NULL, NULL, NULL, napi_enumerable, NULL },
        { "add_int", NULL, js_add_int, NULL, NULL, NULL, napi_enumerable, NULL },
        { "mixed8", NULL, js_mixed8, NULL, NULL, NULL, napi_enumerable, NULL },
        { "loadTestlib", NULL, js_load_testlib, NULL, NULL, NULL, napi_enumerable, NULL },
    };
    if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok)
        return NULL;
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
