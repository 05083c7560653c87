#!/usr/bin/python3
"""Writes the Ente Auth fixtures from docs/formats/ente-auth.md (not with authv), with PyNaCl (libsodium):
the canonical accounts as Ente's plain text export (otpauth URIs with the codeDisplay parameter, notes
in it), as its encrypted export (Argon2id + XChaCha20-Poly1305 secretstream), the encrypted export with
one ciphertext byte flipped, and a plain export mixing lines authv cannot carry."""
import json
import os
import urllib.parse

import nacl.bindings as sodium
import nacl.pwhash

import canonical

# Small Argon2id limits keep the tests fast; Ente itself writes larger ones into the same fields.
OPS_LIMIT = 2
MEM_LIMIT = 16 << 20


def line(account, position):
    display = {"pinned": False, "trashed": False, "lastUsedAt": 0, "tapCount": 0, "tags": [],
               "note": account["note"], "position": position, "iconSrc": "", "iconID": ""}
    uri = canonical.otpauth(account)
    if account["type"] == "steam":
        uri = uri.replace("otpauth://totp/", "otpauth://steam/", 1).replace("&encoder=steam", "")
    return uri + "&codeDisplay=" + urllib.parse.quote(json.dumps(display, ensure_ascii=False, separators=(",", ":")), safe="")


def encrypted(text, flip_at=None):
    salt = os.urandom(nacl.pwhash.argon2id.SALTBYTES)
    key = nacl.pwhash.argon2id.kdf(32, canonical.PASSWORD.encode(), salt, opslimit=OPS_LIMIT, memlimit=MEM_LIMIT)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    data = sodium.crypto_secretstream_xchacha20poly1305_push(state, text.encode(), None,
                                                            sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL)
    if flip_at is not None:
        data = canonical.flip(data, flip_at)
    return {"version": 1, "kdfParams": {"memLimit": MEM_LIMIT, "opsLimit": OPS_LIMIT, "salt": canonical.b64(salt)},
            "encryptedData": canonical.b64(data), "encryptionNonce": canonical.b64(header)}


def main():
    accounts = canonical.accounts()
    text = "".join(line(a, i) + "\n" for i, a in enumerate(accounts))
    canonical.write("ente-plain.txt", text)
    canonical.write_json("ente-encrypted.json", encrypted(text))
    canonical.write_json("ente-flipped.json", encrypted(text, flip_at=40))
    lines = [line(a, i) for i, a in enumerate(accounts[:3])]
    lines[1] = lines[1].replace("secret=" + accounts[1]["secret"], "secret=")
    lines.append("otpauth://yandex/Yandex:ivan?secret=JBSWY3DPEHPK3PXP&codeDisplay=%7B%7D")
    canonical.write("ente-mixed.txt", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
