/* deep_global.c - libcp_deep_global.so: a competing definition of cp_deep_which()
 * (returns 1).  Loaded with RTLD_GLOBAL it interposes the one in libcp_deep.so
 * unless libcp_deep.so is loaded with RTLD_DEEPBIND.  See deep.c. */
#include "cp_export.h"

CPTEST_EXPORT int cp_deep_which(void);

int cp_deep_which(void) { return 1; }
