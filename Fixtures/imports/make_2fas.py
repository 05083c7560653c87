#!/usr/bin/python3
"""Writes the 2FAS fixtures from docs/formats/2fas.md (not with authv): the canonical accounts as schema 4
backups (plain and encrypted), schema 1-3 backups, a backup mixing entries authv cannot carry, and an
encrypted backup with one ciphertext byte flipped."""
import json
import os

import canonical

REFERENCE = ("tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzL"
             "ebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4r"
             "yiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd")


def service(entry, position, schema=4):
    otp = {"label": entry["issuer"] + ":" + entry["name"], "account": entry["name"], "issuer": entry["issuer"],
           "digits": entry["digits"], "algorithm": entry["algorithm"], "source": "Manual"}
    if entry["type"] == "hotp":
        otp["counter"] = entry["counter"]
        otp["period"] = 30
    else:
        otp["period"] = entry["period"]
    if schema >= 3:
        otp["tokenType"] = entry["type"].upper()
    return {"name": entry["issuer"], "secret": entry["secret"], "updatedAt": 1764547200000 + position,
            "otp": otp, "order": {"position": position}, "icon": {"selected": "Label",
            "label": {"text": entry["issuer"][:2].upper(), "backgroundColor": "Orange"}}}


def backup(services, schema=4):
    return {"services": services, "groups": [], "updatedAt": 1764547200000, "schemaVersion": schema,
            "appVersionCode": 5000017, "appVersionName": "5.3.5", "appOrigin": "android"}


def seal(key, salt, plaintext):
    nonce = os.urandom(12)
    return ":".join([canonical.b64(canonical.aes_gcm(key, nonce, plaintext)), canonical.b64(salt), canonical.b64(nonce)])


def encrypted(services, flip_at=None):
    salt = os.urandom(256)
    key = canonical.pbkdf2(canonical.PASSWORD, salt, 10000)
    body = json.dumps(services, ensure_ascii=False, separators=(",", ":")).encode()
    nonce = os.urandom(12)
    sealed = canonical.aes_gcm(key, nonce, body)
    if flip_at is not None:
        sealed = canonical.flip(sealed, flip_at)
    content = backup([])
    content["servicesEncrypted"] = ":".join([canonical.b64(sealed), canonical.b64(salt), canonical.b64(nonce)])
    content["reference"] = seal(key, salt, REFERENCE.encode())
    return content


def main():
    entries = canonical.accounts()
    services = [service(e, i) for i, e in enumerate(entries)]
    canonical.write_json("2fas-v4-plain.2fas", backup(services))
    canonical.write_json("2fas-v4-encrypted.2fas", encrypted(services))
    canonical.write_json("2fas-v4-flipped.2fas", encrypted(services, flip_at=40))
    # Schemas 1 and 2 have no tokenType: every service is TOTP (the app's default), so only TOTP accounts.
    totp = [e for e in entries if e["type"] == "totp"]
    for schema in (1, 2):
        canonical.write_json("2fas-v%d-plain.2fas" % schema, backup([service(e, i, schema) for i, e in enumerate(totp)], schema))
    canonical.write_json("2fas-v3-plain.2fas", backup([service(e, i, 3) for i, e in enumerate(entries)], 3))
    # Entries authv cannot carry, between the supported ones: 2 (no secret) and 4 (MD5).
    mixed = [service(entries[0], 0), service(entries[1], 1), service(entries[2], 2), service(entries[3], 3)]
    mixed[1] = dict(mixed[1], secret="", name="Nosecret")
    mixed[3] = dict(mixed[3], name="Oldhash")
    mixed[3]["otp"] = dict(mixed[3]["otp"], algorithm="MD5", issuer="Oldhash")
    mixed[1]["otp"] = dict(mixed[1]["otp"], issuer="Nosecret")
    canonical.write_json("2fas-mixed.2fas", backup(mixed))


if __name__ == "__main__":
    main()
