#!/usr/bin/python3
"""Writes the Aegis import fixtures from docs/vault.md (not with authv): the canonical accounts as plain
vaults of content versions 1, 2 and 3, an encrypted vault (scrypt slot, AES-256-GCM), the same with one
byte of its content's ciphertext flipped, and a vault mixing mOTP and Yandex entries.

  make_aegis.py                  the fixtures in this folder
  make_aegis.py bench N PATH     an encrypted vault of N generated accounts (Benchmarks/run)
"""
import base64
import json
import os
import sys
import uuid

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

import canonical


def entry(account, version):
    info = {"secret": account["secret"], "algo": account["algorithm"], "digits": account["digits"]}
    if account["type"] == "hotp":
        info["counter"] = account["counter"]
    else:
        info["period"] = account["period"]
    e = {"type": account["type"], "uuid": str(uuid.uuid4()), "name": account["name"], "issuer": account["issuer"],
         "icon": None, "info": info}
    if version >= 2:
        e.update({"note": account["note"], "favorite": False, "icon_mime": None})
    if version == 2:
        e["group"] = None
    if version >= 3:
        e.update({"icon_hash": None, "groups": []})
    return e


def plain(entries, version=3):
    content = {"version": version, "entries": entries}
    if version >= 3:
        content["groups"] = []
    return {"version": 1, "header": {"slots": None, "params": None}, "db": content}


def encrypted(entries, flip_at=None, n=2**15):
    master = os.urandom(32)
    salt = os.urandom(32)
    derived = Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(canonical.PASSWORD.encode())
    knonce = os.urandom(12)
    wrapped = canonical.aes_gcm(derived, knonce, master)
    slot = {"type": 1, "uuid": str(uuid.uuid4()), "key": wrapped[:-16].hex(),
            "key_params": {"nonce": knonce.hex(), "tag": wrapped[-16:].hex()},
            "n": n, "r": 8, "p": 1, "salt": salt.hex(), "repaired": True, "is_backup": False}
    nonce = os.urandom(12)
    sealed = canonical.aes_gcm(master, nonce, json.dumps({"version": 3, "entries": entries, "groups": []}).encode())
    ciphertext, tag = sealed[:-16], sealed[-16:]
    if flip_at is not None:
        ciphertext = canonical.flip(ciphertext, flip_at)
    return {"version": 1, "header": {"slots": [slot], "params": {"nonce": nonce.hex(), "tag": tag.hex()}},
            "db": base64.b64encode(ciphertext).decode()}


def main():
    accounts = canonical.accounts()
    for version in (1, 2, 3):
        canonical.write_json("aegis-v%d-plain.json" % version, plain([entry(a, version) for a in accounts], version), indent=4)
    entries = [entry(a, 3) for a in accounts]
    canonical.write_json("aegis-encrypted.json", encrypted(entries), indent=4)
    canonical.write_json("aegis-flipped.json", encrypted(entries, flip_at=30), indent=4)
    motp = {"type": "motp", "uuid": str(uuid.uuid4()), "name": "pin", "issuer": "Old VPN", "note": "",
            "icon": None, "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "MD5", "digits": 6, "period": 10, "pin": "1234"}}
    yandex = {"type": "yandex", "uuid": str(uuid.uuid4()), "name": "ivan", "issuer": "Yandex", "note": "",
              "icon": None, "info": {"secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "algo": "SHA256", "digits": 8,
                                     "period": 30, "pin": "5678"}}
    canonical.write_json("aegis-mixed.json", plain([entries[0], motp, entries[1], yandex]), indent=4)


def bench(count, path, plain_file=False):
    entries = []
    for i in range(count):
        secret = canonical.b32encode(os.urandom(20))
        entries.append(entry({"type": "totp", "issuer": "Service %d" % i, "name": "user%d@example.com" % i,
                              "secret": secret, "algorithm": "SHA1", "digits": 6, "period": 30, "note": ""}, 3))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(plain(entries) if plain_file else encrypted(entries), f)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in ("bench", "bench-plain"):
        bench(int(sys.argv[2]), sys.argv[3], plain_file=sys.argv[1] == "bench-plain")
    else:
        main()
