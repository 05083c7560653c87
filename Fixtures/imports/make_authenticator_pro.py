#!/usr/bin/python3
"""Writes the Authenticator Pro / Stratum fixtures from docs/formats/authenticator-pro.md (not with authv):
the canonical accounts as a plain backup, an encrypted backup (Argon2id with 4 lanes, python3-argon2, +
AES-256-GCM), a legacy encrypted backup (PBKDF2-HMAC-SHA1 + AES-256-CBC), each encrypted one also with a
ciphertext byte flipped, and a plain backup mixing mOTP and Yandex entries."""
import json
import os

import argon2.low_level
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

import canonical

TYPES = {"hotp": 1, "totp": 2, "steam": 4}
ALGORITHMS = {"SHA1": 0, "SHA256": 1, "SHA512": 2}


def entry(account, ranking):
    return {"Type": TYPES[account["type"]], "Icon": None, "Issuer": account["issuer"], "Username": account["name"],
            "Secret": account["secret"], "Pin": None, "Algorithm": ALGORITHMS[account["algorithm"]],
            "Digits": account["digits"], "Period": account.get("period", 30), "Counter": account.get("counter", 0),
            "Ranking": ranking, "CopyCount": 0}


def backup(entries):
    return {"Authenticators": entries, "Categories": [], "AuthenticatorCategories": [], "CustomIcons": []}


def current(plaintext, flip_at=None):
    salt, nonce = os.urandom(16), os.urandom(12)
    key = argon2.low_level.hash_secret_raw(canonical.PASSWORD.encode(), salt, time_cost=3, memory_cost=65536,
                                           parallelism=4, hash_len=32, type=argon2.low_level.Type.ID)
    sealed = canonical.aes_gcm(key, nonce, plaintext)
    if flip_at is not None:
        sealed = canonical.flip(sealed, flip_at)
    return b"AUTHENTICATORPRO" + salt + nonce + sealed


def legacy(plaintext, flip_at=None):
    salt, iv = os.urandom(20), os.urandom(16)
    key = canonical.pbkdf2(canonical.PASSWORD, salt, 64000, "sha1")
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    body = encryptor.update(padded) + encryptor.finalize()
    if flip_at is not None:
        body = canonical.flip(body, flip_at)
    return b"AuthenticatorPro" + salt + iv + body


def main():
    accounts = canonical.accounts()
    body = json.dumps(backup([entry(a, i) for i, a in enumerate(accounts)]), ensure_ascii=False).encode()
    canonical.write("authenticator-pro-plain.json", body)
    canonical.write("authenticator-pro-encrypted.authpro", current(body))
    canonical.write("authenticator-pro-flipped.authpro", current(body, flip_at=200))
    canonical.write("authenticator-pro-legacy.authpro", legacy(body))
    # A flip in a late block: the first blocks still show the backup under the right key.
    canonical.write("authenticator-pro-legacy-flipped.authpro", legacy(body, flip_at=len(body) - 40))
    mixed = [entry(a, i) for i, a in enumerate(accounts[:2])]
    mixed.insert(1, dict(entry(accounts[0], 9), Type=3, Issuer="Old VPN", Username="pin", Pin="1234"))
    mixed.append(dict(entry(accounts[1], 9), Type=5, Issuer="Yandex", Username="ivan", Pin="5678"))
    canonical.write_json("authenticator-pro-mixed.json", backup(mixed))


if __name__ == "__main__":
    main()
