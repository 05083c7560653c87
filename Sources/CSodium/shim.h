// libsodium's declarations, for Vault's Sodium table (its types: the secretstream's state): header only.
// Vault opens libsodium.so.23 with dlopen the first time an import needs it (Sources/Vault/Sodium.swift).
#include <sodium.h>
