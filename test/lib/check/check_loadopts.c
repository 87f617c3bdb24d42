/* check_loadopts.c - verifies the dlopen behaviour the load-option tests rely on.
 *
 * Usage: check_loadopts <dir containing libcp_*.so>
 * (run by "node scripts/build-testlib.mjs --check").  Each scenario runs in a
 * forked child so RTLD_GLOBAL loads do not leak between scenarios.
 */
#define _GNU_SOURCE 1

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *g_dir;

static const char *lib(const char *name)
{
    static char buf[4][4096];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof(buf[0]), "%s/lib%s.so", g_dir, name);
    return p;
}

static void *load(const char *name, int flags)
{
    void *h = dlopen(lib(name), flags);
    if (!h)
        fprintf(stderr, "    dlopen(%s): %s\n", name, dlerror());
    return h;
}

/* Expects dlopen to fail with an error mentioning `symbol`. */
static int load_fails(const char *name, int flags, const char *symbol)
{
    void *h = dlopen(lib(name), flags);
    if (h) {
        fprintf(stderr, "    dlopen(%s) unexpectedly succeeded\n", name);
        return 0;
    }
    const char *err = dlerror();
    if (!err || !strstr(err, symbol)) {
        fprintf(stderr, "    dlopen(%s) failed, but not because of %s: %s\n", name, symbol,
                err ? err : "(null)");
        return 0;
    }
    printf("    (expected) %s\n", err);
    return 1;
}

static int call_int(void *h, const char *sym)
{
    void *p = dlsym(h, sym);
    int (*fn)(void);
    if (!p) {
        fprintf(stderr, "    dlsym(%s): %s\n", sym, dlerror());
        return -999;
    }
    memcpy(&fn, &p, sizeof(fn));
    return fn();
}

static int expect_call(void *h, const char *sym, int expected)
{
    int got = call_int(h, sym);
    if (got != expected) {
        fprintf(stderr, "    %s() returned %d, expected %d\n", sym, got, expected);
        return 0;
    }
    return 1;
}

/* ---- scenarios: return 1 on success ---- */

static int unresolved_now_fails(void)
{
    return load_fails("cp_unresolved", RTLD_NOW, "cp_missing_symbol_xyz");
}

static int unresolved_lazy_loads(void)
{
    void *h = load("cp_unresolved", RTLD_LAZY);
    return h && expect_call(h, "unresolved_ok", 7);
}

static int unresolved_lazy_call_dies(void)
{
    void *h = load("cp_unresolved", RTLD_LAZY);
    if (!h)
        return 0;
    fflush(stdout);
    call_int(h, "unresolved_caller"); /* ld.so prints "symbol lookup error" and exits 127 */
    fprintf(stderr, "    unresolved_caller() returned\n");
    return 0;
}

static int consumer_alone_fails(void)
{
    return load_fails("cp_consumer", RTLD_NOW, "cp_provided_value");
}

static int consumer_after_local_provider_fails(void)
{
    void *p = load("cp_provider", RTLD_NOW | RTLD_LOCAL);
    return p && expect_call(p, "cp_provided_value", 4242)
           && load_fails("cp_consumer", RTLD_NOW, "cp_provided_value");
}

static int consumer_after_global_provider(void)
{
    void *p = load("cp_provider", RTLD_NOW | RTLD_GLOBAL);
    void *c = p ? load("cp_consumer", RTLD_NOW) : NULL;
    return c && expect_call(c, "consumer_get", 4243);
}

static int consumer_after_promoted_provider(void)
{
    /* RTLD_NOLOAD | RTLD_GLOBAL promotes an already loaded library to global. */
    void *p = load("cp_provider", RTLD_NOW | RTLD_LOCAL);
    void *g = p ? load("cp_provider", RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL) : NULL;
    void *c = g ? load("cp_consumer", RTLD_NOW) : NULL;
    return c && expect_call(c, "consumer_get", 4243);
}

static int deep_alone(void)
{
    void *h = load("cp_deep", RTLD_NOW);
    return h && expect_call(h, "deep_call_which", 2);
}

static int deep_interposed_by_global(void)
{
    void *g = load("cp_deep_global", RTLD_NOW | RTLD_GLOBAL);
    void *h = g ? load("cp_deep", RTLD_NOW) : NULL;
    /* dlsym through the handle still finds deep's own definition. */
    return h && expect_call(h, "deep_call_which", 1) && expect_call(h, "cp_deep_which", 2)
           && expect_call(h, "deep_which_direct", 2);
}

static int deep_local_global_not_interposed(void)
{
    void *g = load("cp_deep_global", RTLD_NOW | RTLD_LOCAL);
    void *h = g ? load("cp_deep", RTLD_NOW) : NULL;
    return h && expect_call(h, "deep_call_which", 2);
}

static int deep_deepbind(void)
{
#ifdef __SANITIZE_ADDRESS__
    printf("    skipped: AddressSanitizer does not support RTLD_DEEPBIND\n");
    return 1;
#else
    void *g = load("cp_deep_global", RTLD_NOW | RTLD_GLOBAL);
    void *h = g ? load("cp_deep", RTLD_NOW | RTLD_DEEPBIND) : NULL;
    return h && expect_call(h, "deep_call_which", 2);
#endif
}

struct scenario {
    const char *name;
    int (*fn)(void);
    int expect_exit;           /* exit status expected from the child (0 = scenario passed) */
    const char *expect_stderr; /* if set: capture the child's stderr, it must contain this */
};

static const struct scenario scenarios[] = {
    {"unresolved: RTLD_NOW fails", unresolved_now_fails, 0, NULL},
    {"unresolved: RTLD_LAZY loads, unresolved_ok() == 7", unresolved_lazy_loads, 0, NULL},
    {"unresolved: RTLD_LAZY, calling unresolved_caller() exits 127", unresolved_lazy_call_dies, 127,
     "symbol lookup error"},
    {"consumer alone: RTLD_NOW fails", consumer_alone_fails, 0, NULL},
    {"consumer after RTLD_LOCAL provider: fails", consumer_after_local_provider_fails, 0, NULL},
    {"consumer after RTLD_GLOBAL provider: consumer_get() == 4243", consumer_after_global_provider, 0, NULL},
    {"consumer after provider promoted with RTLD_NOLOAD|RTLD_GLOBAL: 4243",
     consumer_after_promoted_provider, 0, NULL},
    {"deep alone: deep_call_which() == 2", deep_alone, 0, NULL},
    {"deep after RTLD_GLOBAL deep_global: deep_call_which() == 1", deep_interposed_by_global, 0, NULL},
    {"deep after RTLD_LOCAL deep_global: deep_call_which() == 2", deep_local_global_not_interposed, 0, NULL},
    {"deep with RTLD_DEEPBIND after RTLD_GLOBAL deep_global: 2", deep_deepbind, 0, NULL},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <build/testlib dir>\n", argv[0]);
        return 2;
    }
    g_dir = argv[1];
    if (getenv("LD_BIND_NOW") && *getenv("LD_BIND_NOW"))
        printf("warning: LD_BIND_NOW is set, RTLD_LAZY scenarios will fail\n");

    int failed = 0;
    size_t n = sizeof(scenarios) / sizeof(scenarios[0]);
    for (size_t i = 0; i < n; i++) {
        const struct scenario *sc = &scenarios[i];
        int fds[2] = {-1, -1};
        if (sc->expect_stderr && pipe(fds) != 0) {
            perror("pipe");
            return 2;
        }
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 2;
        }
        if (pid == 0) {
            if (sc->expect_stderr) {
                dup2(fds[1], 2);
                close(fds[0]);
                close(fds[1]);
            }
            int ok = sc->fn();
            fflush(stdout);
            _exit(ok ? 0 : 1);
        }
        char captured[4096] = "";
        if (sc->expect_stderr) {
            size_t len = 0;
            ssize_t r;
            close(fds[1]);
            while ((r = read(fds[0], captured + len, sizeof(captured) - 1 - len)) > 0)
                len += (size_t)r;
            captured[len] = '\0';
            close(fds[0]);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        int pass = code == sc->expect_exit;
        if (sc->expect_stderr) {
            char *nl = strchr(captured, '\n');
            if (nl)
                *nl = '\0';
            if (strstr(captured, sc->expect_stderr))
                printf("    (expected) %s\n", captured);
            else {
                printf("     stderr does not contain \"%s\": %s\n", sc->expect_stderr, captured);
                pass = 0;
            }
        }
        printf("%s %s\n", pass ? "ok  " : "FAIL", sc->name);
        if (!pass) {
            printf("     child exit status %d, expected %d\n", code, sc->expect_exit);
            failed++;
        }
    }
    printf("check_loadopts: %zu scenarios, %d failed\n", n, failed);
    return failed ? 1 : 0;
}
