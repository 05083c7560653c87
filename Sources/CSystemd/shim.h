// sd-bus from libsystemd: the small synchronous D-Bus client that `list` and `code` read the keyring
// with; imported by Vault alone, for its declarations: Vault opens the library with dlopen
// (Sources/Vault/SDBus.swift).
#include <systemd/sd-bus.h>
