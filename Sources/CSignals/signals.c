#include "CSignals.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

// What the handler touches: nothing else. `caught` keeps the first stopping signal.
static volatile sig_atomic_t caught = 0;
static volatile sig_atomic_t wake = -1;

static void on_signal(int signal) {
    int saved = errno;  // write(2) may change it; the interrupted code may be reading it
    if (signal != SIGWINCH && caught == 0) caught = signal;
    if (wake >= 0) {
        char byte = 1;
        (void)!write(wake, &byte, 1);
    }
    errno = saved;
}

static const int stopping[] = {SIGINT, SIGTERM, SIGHUP};
#define STOPPING (sizeof stopping / sizeof stopping[0])

// Routes `signal` to on_signal; the previous action goes to `old` (when not NULL). sigaction fails only
// for an invalid signal or handler, which these are not.
static int route(int signal, int flags, struct sigaction *old) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    return sigaction(signal, &action, old);
}

int authv_watch_signals(int wake_fd) {
    wake = wake_fd;
    for (unsigned i = 0; i < STOPPING; i++) {
        if (route(stopping[i], 0, NULL) != 0) return -1;
    }
    return route(SIGWINCH, 0, NULL);
}

// The actions authv_defer_signals replaced, and how many of its calls are running (the main thread
// alone calls them; the handler never reads these).
static struct sigaction replaced[STOPPING];
static int depth = 0;

int authv_defer_signals(void) {
    if (depth++ > 0) return 0;
    for (unsigned i = 0; i < STOPPING; i++) {
        if (route(stopping[i], SA_RESTART, &replaced[i]) != 0) {
            while (i-- > 0) sigaction(stopping[i], &replaced[i], NULL);
            depth = 0;
            return -1;
        }
    }
    return 0;
}

void authv_restore_signals(void) {
    if (depth == 0 || --depth > 0) return;
    for (unsigned i = 0; i < STOPPING; i++) sigaction(stopping[i], &replaced[i], NULL);
}

// The terminal a password prompt turned echo off on, and its settings before: put back by the handler
// when a signal ends the process mid-prompt. Written by authv_guard_terminal before the handler is routed.
static struct termios terminal_settings;
static volatile sig_atomic_t terminal_fd = -1;
static const int ending[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define ENDING (sizeof ending / sizeof ending[0])
static struct sigaction before_prompt[ENDING];

static void on_ending_signal(int signal) {
    if (terminal_fd >= 0) tcsetattr(terminal_fd, TCSAFLUSH, &terminal_settings);
    // The signal's default action (ending the process), as if authv had not caught it.
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signal, &action, NULL);
    raise(signal);
}

void authv_guard_terminal(int fd, const struct termios *settings) {
    terminal_settings = *settings;
    terminal_fd = fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_ending_signal;
    sigemptyset(&action.sa_mask);
    for (unsigned i = 0; i < ENDING; i++) sigaction(ending[i], &action, &before_prompt[i]);
}

void authv_unguard_terminal(void) {
    for (unsigned i = 0; i < ENDING; i++) sigaction(ending[i], &before_prompt[i], NULL);
    terminal_fd = -1;
}

int authv_caught_signal(void) { return caught; }

void authv_set_caught_signal(int signal) { caught = signal; }
