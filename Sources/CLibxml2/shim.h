// libxml2's tree parser, for the Android preference files some imports read (Authy, FreeOTP,
// Battle.net); imported by Vault alone, for its declarations: Vault opens libxml2 with dlopen when such a
// file is first read (Sources/Vault/Formats/AndroidPreferences.swift), so code and list never load it.
#include <libxml/parser.h>
#include <libxml/tree.h>
