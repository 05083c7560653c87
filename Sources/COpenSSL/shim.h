// The parts of OpenSSL libcrypto that authv uses; imported by AuthvCrypto alone.
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
