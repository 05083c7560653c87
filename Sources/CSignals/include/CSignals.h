// The signal handler of `authv watch`, in C: a handler may touch only a `volatile sig_atomic_t` and call
// only async-signal-safe functions (write(2) here), which Swift cannot promise for its own globals.
#ifndef AUTHV_CSIGNALS_H
#define AUTHV_CSIGNALS_H

// Routes SIGINT, SIGTERM, SIGHUP and SIGWINCH to the handler, which records the signal (SIGWINCH is not
// recorded: it only wakes) and writes one byte to `wake_fd` to wake a poll(2). Returns 0, or -1 with errno.
int authv_watch_signals(int wake_fd);

// The last SIGINT, SIGTERM or SIGHUP caught (or set by authv_set_caught_signal), 0 for none.
int authv_caught_signal(void);

// Records a signal as if it had been caught (Ctrl-C read as a key while ISIG is off).
void authv_set_caught_signal(int signal);

#endif
