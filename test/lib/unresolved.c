/* unresolved.c - libcp_unresolved.so, for load-flag tests.
 *
 * unresolved_caller() calls cp_missing_symbol_xyz(), which no library defines.
 * The library is linked without -Wl,--no-undefined and with -Wl,-z,lazy, so:
 *   dlopen(RTLD_NOW)  fails ("undefined symbol: cp_missing_symbol_xyz");
 *   dlopen(RTLD_LAZY) succeeds, unresolved_ok() returns 7, and calling
 *                     unresolved_caller() kills the process with a
 *                     "symbol lookup error" (never call it in-process).
 * LD_BIND_NOW=1 in the environment turns RTLD_LAZY into RTLD_NOW.
 */
#include "cp_export.h"

extern int cp_missing_symbol_xyz(void);

CPTEST_EXPORT int unresolved_caller(void);
CPTEST_EXPORT int unresolved_ok(void);

int unresolved_caller(void) { return cp_missing_symbol_xyz(); }
int unresolved_ok(void) { return 7; }
