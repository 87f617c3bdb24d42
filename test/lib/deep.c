/* deep.c - libcp_deep.so, for RTLD_DEEPBIND tests.
 *
 * Defines its own cp_deep_which() (returns 2) and deep_call_which(), which calls
 * cp_deep_which() through the PLT: the symbol has default visibility and the
 * library is built without -Bsymbolic and with -fsemantic-interposition, so the
 * call binds to the first definition in the lookup scope.
 *   libcp_deep_global.so loaded RTLD_GLOBAL, then libcp_deep.so normally:
 *     deep_call_which() == 1 (interposed by deep_global);
 *   same, but libcp_deep.so loaded with RTLD_DEEPBIND:
 *     deep_call_which() == 2 (its own definition wins);
 *   libcp_deep.so alone (or deep_global loaded RTLD_LOCAL): 2.
 * deep_which_direct() returns 2 without a PLT call, as a control.
 */
#include "cp_export.h"

CPTEST_EXPORT int cp_deep_which(void);
CPTEST_EXPORT int deep_call_which(void);
CPTEST_EXPORT int deep_which_direct(void);

int cp_deep_which(void) { return 2; }
int deep_call_which(void) { return cp_deep_which(); }
int deep_which_direct(void) { return 2; }
