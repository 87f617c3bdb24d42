/* Stand-in for the two libcptest functions the benchmark needs.
 *
 * The real test library is build/testlib/libcptest.so (built by
 * scripts/build-testlib.mjs). perf/lib/env.js only compiles this file when
 * that library is missing and cannot be built, so the benchmark still runs.
 * Keep these definitions identical to the real ones. */

#define EXPORT __attribute__((visibility("default")))

EXPORT int add_int(int a, int b)
{
    return a + b;
}

EXPORT double mixed8(int a, double b, float c, long long d, short e, double f,
                     unsigned int g, float h)
{
    return (double)a + b + (double)c + (double)d + (double)e + f + (double)g + (double)h;
}
