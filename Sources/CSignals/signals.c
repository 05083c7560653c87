#include "CSignals.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught = 0;
static volatile sig_atomic_t wake = -1;

static void on_signal(int signal) {
    int saved = errno;  // write(2) may change it; the interrupted code may be reading it
    if (signal != SIGWINCH) caught = signal;
    if (wake >= 0) {
        char byte = 1;
        (void)!write(wake, &byte, 1);
    }
    errno = saved;
}

int authv_watch_signals(int wake_fd) {
    wake = wake_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}

int authv_caught_signal(void) { return caught; }

void authv_set_caught_signal(int signal) { caught = signal; }
