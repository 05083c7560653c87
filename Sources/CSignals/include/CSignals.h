// authv's signal handler, in C: a handler may touch only a `volatile sig_atomic_t` and call only
// async-signal-safe functions (write(2) here), which Swift cannot promise for its own globals. One
// handler serves `watch` (which runs until a signal) and the writes that must end all or nothing
// (`add` of several accounts, Vault's Interruption), which hold SIGINT, SIGTERM and SIGHUP off; another
// puts the terminal back when a signal ends a password prompt (Vault's VaultPassword).
#ifndef AUTHV_CSIGNALS_H
#define AUTHV_CSIGNALS_H

#include <termios.h>

// Routes SIGINT, SIGTERM, SIGHUP and SIGWINCH to the handler, which records the signal (SIGWINCH is not
// recorded: it only wakes) and writes one byte to `wake_fd` to wake a poll(2). Returns 0, or -1 with errno.
int authv_watch_signals(int wake_fd);

// Routes SIGINT, SIGTERM and SIGHUP to the handler (system calls restarted), keeping the actions they
// had; calls nest, and the outermost authv_restore_signals puts those actions back. Returns 0, or -1 with
// errno (the actions then unchanged).
int authv_defer_signals(void);
void authv_restore_signals(void);

// For a prompt that turned echo off on the terminal `fd`: should SIGINT, SIGTERM, SIGHUP or SIGQUIT come,
// the handler puts `settings` (the terminal's before) back and the signal then ends the process as it
// would have. authv_unguard_terminal puts the actions those signals had before back.
void authv_guard_terminal(int fd, const struct termios *settings);
void authv_unguard_terminal(void);

// The first SIGINT, SIGTERM or SIGHUP caught (or set by authv_set_caught_signal), 0 for none.
int authv_caught_signal(void);

// Records a signal as if it had been caught (Ctrl-C read as a key while ISIG is off).
void authv_set_caught_signal(int signal);

#endif
