/* Node-API "floor" for the callplan benchmark.
 *
 * Each export converts its arguments with the plainest Node-API calls, calls
 * the C function, and converts the result back. No FFI machinery, no type
 * tables, no caching: this is roughly the least work any binding can do per
 * call, so it is the reference the FFI contenders are compared against.
 *
 * libc functions are linked normally. The test library functions (add_int,
 * mixed8, vec2_add, mixed3_make) are resolved once with dlopen/dlsym by
 * loadTestlib(path), because the library path is only known at run time;
 * calling through the resolved pointer costs the same as calling through the
 * PLT.
 *
 * Structs by value (vec2_add, mixed3_make) are converted from and to plain JS
 * objects, as Koffi does. Property keys: before Node-API 10 (Node 18/20
 * without NAPI_EXPERIMENTAL) an addon cannot keep a string alive across calls
 * (napi_create_reference accepts strings only from Node-API 10, and
 * node_api_create_property_key_* is experimental before that), so the keys are
 * created once per call with napi_create_string_latin1 and reused for every
 * read and write of that member within the call (vec2_add uses each key three
 * times: a.x, b.x, result.x). Where a key is used only once (mixed3_make's
 * result) napi_set_named_property with a C literal does the same work. Keys
 * held in napi_refs (Node-API 10) and internalized keys measured within noise
 * of this on Node 20.
 *
 * Only node_api.h is used. */

#include <node_api.h>

#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int (*add_int_fn)(int, int);
typedef double (*mixed8_fn)(int, double, float, long long, short, double, unsigned int, float);

/* Same layouts as test/lib/cptest.h. */
typedef struct Vec2 { double x, y; } Vec2;
typedef struct Mixed3 { int i; double d; float f; } Mixed3;
typedef Vec2 (*vec2_add_fn)(Vec2, Vec2);
typedef Mixed3 (*mixed3_make_fn)(int, double, float);

static void *testlib_handle = NULL;
static add_int_fn p_add_int = NULL;
static mixed8_fn p_mixed8 = NULL;
static vec2_add_fn p_vec2_add = NULL;
static mixed3_make_fn p_mixed3_make = NULL;

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

/* Reads a {x, y} object into a Vec2. kx/ky are the key strings of this call. */
static int get_vec2(napi_env env, napi_value obj, napi_value kx, napi_value ky, Vec2 *out)
{
    napi_value v;
    if (napi_get_property(env, obj, kx, &v) != napi_ok || napi_get_value_double(env, v, &out->x) != napi_ok)
        return 0;
    if (napi_get_property(env, obj, ky, &v) != napi_ok || napi_get_value_double(env, v, &out->y) != napi_ok)
        return 0;
    return 1;
}

/* Vec2 vec2_add(Vec2, Vec2): objects {x, y} in, a new {x, y} out */
static napi_value js_vec2_add(napi_env env, napi_callback_info info)
{
    size_t argc = 2;
    napi_value argv[2];
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    if (argc < 2)
        return throw_type(env, "vec2_add expects 2 arguments");
    if (!p_vec2_add)
        return throw_type(env, "vec2_add not found in the test library");

    napi_value kx, ky;
    CHECK(napi_create_string_latin1(env, "x", 1, &kx), "cannot create key");
    CHECK(napi_create_string_latin1(env, "y", 1, &ky), "cannot create key");

    Vec2 a, b;
    if (!get_vec2(env, argv[0], kx, ky, &a) || !get_vec2(env, argv[1], kx, ky, &b))
        return throw_type(env, "vec2_add expects objects { x: number, y: number }");

    Vec2 r = p_vec2_add(a, b);

    napi_value out, v;
    CHECK(napi_create_object(env, &out), "cannot create object");
    CHECK(napi_create_double(env, r.x, &v), "cannot create number");
    CHECK(napi_set_property(env, out, kx, v), "cannot set x");
    CHECK(napi_create_double(env, r.y, &v), "cannot create number");
    CHECK(napi_set_property(env, out, ky, v), "cannot set y");
    return out;
}

/* Mixed3 mixed3_make(int, double, float): numbers in, a new {i, d, f} out */
static napi_value js_mixed3_make(napi_env env, napi_callback_info info)
{
    size_t argc = 3;
    napi_value argv[3];
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    if (argc < 3)
        return throw_type(env, "mixed3_make expects 3 arguments");
    if (!p_mixed3_make)
        return throw_type(env, "mixed3_make not found in the test library");

    int32_t i;
    double d, f;
    CHECK(napi_get_value_int32(env, argv[0], &i), "mixed3_make expects numbers");
    CHECK(napi_get_value_double(env, argv[1], &d), "mixed3_make expects numbers");
    CHECK(napi_get_value_double(env, argv[2], &f), "mixed3_make expects numbers");

    Mixed3 r = p_mixed3_make(i, d, (float)f);

    /* Each key is used once, so a C literal costs the same as a key string. */
    napi_value out, v;
    CHECK(napi_create_object(env, &out), "cannot create object");
    CHECK(napi_create_int32(env, r.i, &v), "cannot create number");
    CHECK(napi_set_named_property(env, out, "i", v), "cannot set i");
    CHECK(napi_create_double(env, r.d, &v), "cannot create number");
    CHECK(napi_set_named_property(env, out, "d", v), "cannot set d");
    CHECK(napi_create_double(env, (double)r.f, &v), "cannot create number");
    CHECK(napi_set_named_property(env, out, "f", v), "cannot set f");
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
    /* Optional: the stand-in library (perf/fallback) does not have them; the
     * calls then throw instead of the whole baseline failing. */
    p_vec2_add = (vec2_add_fn)dlsym(h, "vec2_add");
    p_mixed3_make = (mixed3_make_fn)dlsym(h, "mixed3_make");

    napi_value out;
    napi_get_boolean(env, true, &out);
    return out;
}

/* randAsync(callback): rand() on a libuv worker, then callback(null, result) on the JS
 * thread. One napi_async_work per call, as the Node-API documentation describes it: the
 * call state is one small malloc and the callback is held by a reference. (The resource
 * name is created per call: Node-API 9 cannot hold a reference to a string.) */
typedef struct {
    napi_async_work work;
    napi_ref callback;
    int result;
} rand_call;

static void rand_execute(napi_env env, void *data)
{
    (void)env;
    rand_call *call = (rand_call *)data;
    call->result = rand();
}

static void rand_complete(napi_env env, napi_status status, void *data)
{
    rand_call *call = (rand_call *)data;
    napi_value callback, global, argv[2];
    napi_get_reference_value(env, call->callback, &callback);
    napi_get_global(env, &global);
    if (status == napi_ok) {
        napi_get_null(env, &argv[0]);
        napi_create_int32(env, call->result, &argv[1]);
    } else {
        napi_value msg;
        napi_create_string_utf8(env, "randAsync: the call was cancelled", NAPI_AUTO_LENGTH, &msg);
        napi_create_error(env, NULL, msg, &argv[0]);
        napi_get_undefined(env, &argv[1]);
    }
    napi_delete_reference(env, call->callback);
    napi_delete_async_work(env, call->work);
    free(call);
    /* An exception thrown by the callback is left pending: Node reports it as uncaught. */
    napi_call_function(env, global, callback, 2, argv, NULL);
}

static napi_value js_rand_async(napi_env env, napi_callback_info info)
{
    size_t argc = 1;
    napi_value argv[1];
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    napi_valuetype type = napi_undefined;
    if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_function)
        return throw_type(env, "randAsync expects a callback");

    napi_value name;
    CHECK(napi_create_string_utf8(env, "randAsync", NAPI_AUTO_LENGTH, &name), "bad call");

    rand_call *call = (rand_call *)malloc(sizeof(*call));
    if (!call)
        return throw_type(env, "out of memory");
    if (napi_create_reference(env, argv[0], 1, &call->callback) != napi_ok) {
        free(call);
        return throw_type(env, "randAsync: cannot reference the callback");
    }
    if (napi_create_async_work(env, NULL, name, rand_execute, rand_complete, call, &call->work) != napi_ok) {
        napi_delete_reference(env, call->callback);
        free(call);
        return throw_type(env, "randAsync: cannot create the async work");
    }
    if (napi_queue_async_work(env, call->work) != napi_ok) {
        napi_delete_async_work(env, call->work);
        napi_delete_reference(env, call->callback);
        free(call);
        return throw_type(env, "randAsync: cannot queue the async work");
    }
    return NULL;
}

/* qsort(array, n, size, comparator) with a JS comparator, as an FFI has to call it: per
 * comparison a handle scope, the two element pointers as BigInt addresses (Koffi 3 passes
 * pointers as BigInts), napi_call_function with an undefined receiver, and the int32 result.
 * `comparator` is a function, held for the duration of the call (qsort_cb), or what
 * registerComparator(fn) returned: a napi_ref made once and read per comparison (qsort_cb_reg).
 * After an exception or an invalid result, the remaining comparisons return 0 without calling
 * JS, and qsort() throws when libc's qsort returns. */
typedef struct {
    napi_env env;
    napi_value fn;   /* or NULL: read `ref` */
    napi_ref ref;
    napi_value recv;
    int failed;      /* 1: exception pending; 2: the comparator returned no int32 */
} qsort_call;

/* qsort() has no user pointer: the comparator finds its call here (saved and restored around
 * each call, so a comparator may sort too). */
static qsort_call *qsort_current = NULL;

static int qsort_compare(const void *a, const void *b)
{
    qsort_call *c = qsort_current;
    if (c->failed)
        return 0;
    napi_handle_scope scope;
    if (napi_open_handle_scope(c->env, &scope) != napi_ok) {
        c->failed = 1;
        return 0;
    }
    napi_value fn = c->fn, argv[2], result;
    int32_t r = 0;
    if (!fn)
        napi_get_reference_value(c->env, c->ref, &fn);
    napi_create_bigint_uint64(c->env, (uint64_t)(uintptr_t)a, &argv[0]);
    napi_create_bigint_uint64(c->env, (uint64_t)(uintptr_t)b, &argv[1]);
    if (napi_call_function(c->env, c->recv, fn, 2, argv, &result) != napi_ok)
        c->failed = 1;
    else if (napi_get_value_int32(c->env, result, &r) != napi_ok)
        c->failed = 2;
    napi_close_handle_scope(c->env, scope);
    return r;
}

static void delete_comparator(napi_env env, void *data, void *hint)
{
    (void)hint;
    napi_delete_reference(env, (napi_ref)data);
}

/* registerComparator(fn) -> an object for qsort() that holds fn by a napi_ref */
static napi_value js_register_comparator(napi_env env, napi_callback_info info)
{
    size_t argc = 1;
    napi_value argv[1], out;
    napi_valuetype type = napi_undefined;
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_function)
        return throw_type(env, "registerComparator expects a function");
    napi_ref ref;
    CHECK(napi_create_reference(env, argv[0], 1, &ref), "cannot reference the comparator");
    if (napi_create_external(env, ref, delete_comparator, NULL, &out) != napi_ok) {
        napi_delete_reference(env, ref);
        return throw_type(env, "cannot wrap the comparator");
    }
    return out;
}

static napi_value js_qsort(napi_env env, napi_callback_info info)
{
    size_t argc = 4;
    napi_value argv[4];
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    if (argc < 4)
        return throw_type(env, "qsort expects 4 arguments");

    napi_typedarray_type ta_type;
    size_t length, offset;
    void *data;
    napi_value ab;
    int64_t n, size;
    CHECK(napi_get_typedarray_info(env, argv[0], &ta_type, &length, &data, &ab, &offset), "qsort expects a TypedArray");
    CHECK(napi_get_value_int64(env, argv[1], &n), "qsort expects a number");
    CHECK(napi_get_value_int64(env, argv[2], &size), "qsort expects a number");

    qsort_call call = { env, NULL, NULL, NULL, 0 };
    napi_valuetype type = napi_undefined;
    napi_typeof(env, argv[3], &type);
    if (type == napi_function)
        call.fn = argv[3];
    else if (type != napi_external || napi_get_value_external(env, argv[3], (void **)&call.ref) != napi_ok)
        return throw_type(env, "qsort expects a function or a registered comparator");
    napi_get_undefined(env, &call.recv);

    qsort_call *outer = qsort_current;
    qsort_current = &call;
    qsort(data, (size_t)n, (size_t)size, qsort_compare);
    qsort_current = outer;

    /* failed == 1: the exception is pending and propagates when this returns. */
    if (call.failed == 2)
        return throw_type(env, "the comparator returned no int32");
    return NULL;
}

/* readInt32(address): the int32 at a BigInt address (the comparator of the qsort check). */
static napi_value js_read_int32(napi_env env, napi_callback_info info)
{
    size_t argc = 1;
    napi_value argv[1], out;
    uint64_t address;
    bool lossless;
    CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), "bad call");
    if (argc < 1 || napi_get_value_bigint_uint64(env, argv[0], &address, &lossless) != napi_ok || !address)
        return throw_type(env, "readInt32 expects a non-null BigInt address");
    napi_create_int32(env, *(const int32_t *)(uintptr_t)address, &out);
    return out;
}

static napi_value init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        { "rand", NULL, js_rand, NULL, NULL, NULL, napi_enumerable, NULL },
        { "randAsync", NULL, js_rand_async, NULL, NULL, NULL, napi_enumerable, NULL },
        { "atoi", NULL, js_atoi, NULL, NULL, NULL, napi_enumerable, NULL },
        { "memset", NULL, js_memset, NULL, NULL, NULL, napi_enumerable, NULL },
        { "add_int", NULL, js_add_int, NULL, NULL, NULL, napi_enumerable, NULL },
        { "mixed8", NULL, js_mixed8, NULL, NULL, NULL, napi_enumerable, NULL },
        { "vec2_add", NULL, js_vec2_add, NULL, NULL, NULL, napi_enumerable, NULL },
        { "mixed3_make", NULL, js_mixed3_make, NULL, NULL, NULL, napi_enumerable, NULL },
        { "loadTestlib", NULL, js_load_testlib, NULL, NULL, NULL, napi_enumerable, NULL },
        { "qsort", NULL, js_qsort, NULL, NULL, NULL, napi_enumerable, NULL },
        { "registerComparator", NULL, js_register_comparator, NULL, NULL, NULL, napi_enumerable, NULL },
        { "readInt32", NULL, js_read_int32, NULL, NULL, NULL, napi_enumerable, NULL },
    };
    if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok)
        return NULL;
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
