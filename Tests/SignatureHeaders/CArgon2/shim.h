// libargon2's header, for Tests/SignatureTests alone (Vault opens libargon2.so.1 with dlopen and imports
// no header of it): the test checks Vault's Argon2 table against this declaration.
#include <argon2.h>
