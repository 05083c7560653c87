// Linux interfaces that Swift's Glibc module leaves out.
// <sys/timex.h>: adjtimex(2), whose return value says whether the kernel considers the clock synchronised.
#include <sys/timex.h>
// pipe2(2) is a GNU extension, hidden without _GNU_SOURCE: a pipe whose ends are close-on-exec from the
// start, so that no program another thread starts meanwhile inherits them.
#include <fcntl.h>
int pipe2(int pipefd[2], int flags);
static inline int authv_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
// memmem(3) is a GNU extension, hidden without _GNU_SOURCE: a byte search that detection runs over whole files.
#include <string.h>
void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);
// posix_spawnattr_setflags' POSIX_SPAWN_SETSID is a GNU extension, hidden without _GNU_SOURCE.
#define AUTHV_POSIX_SPAWN_SETSID 0x80
// The kernel's key retention service (keyrings(7)) through its system calls, so that no library
// (libkeyutils) is linked: `authv unlock` keeps the vault's master key in the user keyring.
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>
static inline long authv_add_key(const char *type, const char *description, const void *payload, size_t length,
                                 int keyring) {
    return syscall(SYS_add_key, type, description, payload, length, keyring);
}
static inline long authv_keyctl(int operation, unsigned long a, unsigned long b, unsigned long c, unsigned long d) {
    return syscall(SYS_keyctl, operation, a, b, c, d);
}
// prctl(2) is variadic, which Swift cannot call. PR_SET_DUMPABLE 0: no core file of this process, and no
// ptrace or /proc/PID/mem by other processes of the same user (root still can).
#include <sys/prctl.h>
static inline int authv_forbid_dumps(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }
