// Linux interfaces that Swift's Glibc module leaves out.
// <sys/timex.h>: adjtimex(2), whose return value says whether the kernel considers the clock synchronised.
#include <sys/timex.h>
// posix_spawnattr_setflags' POSIX_SPAWN_SETSID is a GNU extension, hidden without _GNU_SOURCE.
#define AUTHV_POSIX_SPAWN_SETSID 0x80
