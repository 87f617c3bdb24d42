/* provider.c - libcp_provider.so: defines cp_provided_value() for libcp_consumer.so.
 * Load it with RTLD_GLOBAL to make the symbol visible to libraries loaded later. */
#include "cp_export.h"

CPTEST_EXPORT int cp_provided_value(void);

int cp_provided_value(void) { return 4242; }
