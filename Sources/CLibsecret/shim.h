// libsecret (Secret Service client); imported by Vault alone, for its declarations: Vault opens the
// library with dlopen (Sources/Vault/Libsecret.swift).
// The path-based calls (secret_service_search_for_dbus_paths_sync and
// secret_service_get_secrets_for_dbus_paths_sync) read every secret in a few D-Bus round trips
// instead of one proxy per item; libsecret only declares them under this define.
#define SECRET_API_SUBJECT_TO_CHANGE 1
#include <libsecret/secret.h>
