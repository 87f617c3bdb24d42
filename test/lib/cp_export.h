/* Shared export macro for the callplan C test libraries in test/lib/.
 * Libraries are built with -fvisibility=default anyway; the macro makes the
 * intent explicit and keeps working if someone builds with -fvisibility=hidden. */
#ifndef CP_EXPORT_H
#define CP_EXPORT_H

#define CPTEST_EXPORT __attribute__((visibility("default")))

#endif
