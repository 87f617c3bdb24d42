/* consumer.c - libcp_consumer.so: uses cp_provided_value() without linking to
 * libcp_provider.so (the symbol is undefined at link time, no DT_NEEDED entry).
 *   provider loaded RTLD_GLOBAL first, then consumer with RTLD_NOW: loads,
 *     consumer_get() returns 4243;
 *   provider loaded RTLD_LOCAL (or not at all): dlopen(consumer, RTLD_NOW) fails
 *     with "undefined symbol: cp_provided_value".
 */
#include "cp_export.h"

extern int cp_provided_value(void);

CPTEST_EXPORT int consumer_get(void);

int consumer_get(void) { return cp_provided_value() + 1; }
