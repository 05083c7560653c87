// libarchive, for zip exports (1Password's .1pux); imported by Vault alone, for its declarations: Vault
// opens libarchive with dlopen when a zip is first read (Sources/Vault/Formats/ZipArchive.swift).
#include <archive.h>
#include <archive_entry.h>
