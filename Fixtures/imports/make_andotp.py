#!/usr/bin/python3
"""Writes the andOTP fixtures from docs/formats/andotp.md (not with authv): the canonical accounts as a
plain JSON backup, an encrypted backup in the current format (PBKDF2-HMAC-SHA1 + AES-256-GCM) and in the
old one (SHA-256 of the password + AES-256-GCM), each also with one ciphertext byte flipped, and a
plain backup mixing entries authv cannot carry."""
import json
import os
import random
import struct
import hashlib

import canonical


def entry(account):
    e = {"secret": account["secret"], "issuer": account["issuer"], "label": account["name"],
         "digits": account["digits"], "type": account["type"].upper(), "algorithm": account["algorithm"],
         "thumbnail": "Default", "last_used": 1764547200000, "used_frequency": 0, "tags": []}
    if account["type"] == "hotp":
        e["counter"] = account["counter"]
    else:
        e["period"] = account["period"]
    return e


def current(plaintext, flip_at=None):
    iterations = random.randint(140000, 160000)
    salt = os.urandom(12)
    nonce = os.urandom(12)
    key = canonical.pbkdf2(canonical.PASSWORD, salt, iterations, "sha1")
    sealed = canonical.aes_gcm(key, nonce, plaintext)
    if flip_at is not None:
        sealed = canonical.flip(sealed, flip_at)
    return struct.pack(">I", iterations) + salt + nonce + sealed


def old(plaintext, flip_at=None):
    key = hashlib.sha256(canonical.PASSWORD.encode()).digest()
    nonce = os.urandom(12)
    sealed = canonical.aes_gcm(key, nonce, plaintext)
    if flip_at is not None:
        sealed = canonical.flip(sealed, flip_at)
    return nonce + sealed


def main():
    accounts = canonical.accounts()
    body = json.dumps([entry(a) for a in accounts], ensure_ascii=False).encode()
    canonical.write("andotp-plain.json", body)
    canonical.write("andotp-encrypted.json.aes", current(body))
    canonical.write("andotp-flipped.json.aes", current(body, flip_at=20))
    canonical.write("andotp-old-encrypted.json.aes", old(body))
    canonical.write("andotp-old-flipped.json.aes", old(body, flip_at=20))
    mixed = [entry(a) for a in accounts[:3]]
    mixed[1] = dict(mixed[1], secret="")
    mixed.append(dict(entry(accounts[3]), algorithm="MD5"))
    canonical.write_json("andotp-mixed.json", mixed)


if __name__ == "__main__":
    main()
