#!/usr/bin/python3
"""Writes bitwarden.json, bitwarden.csv and bitwarden-mixed.json: Bitwarden's unencrypted exports as
docs/formats/bitwarden.md describes them, holding the canonical accounts (canonical.json).

How they are made: plain json and csv (RFC 4180 quoting) from Python's standard library. Each `totp`
value takes one of the three forms Bitwarden stores: an otpauth URI (most accounts), `steam://SECRET`
(the Steam account) and a bare Base32 secret (the first account that needs no parameters), so every
form is read. Items without a TOTP (a password-only login, a secure note) are there too and are not
entries. bitwarden-mixed.json adds one entry authv cannot carry (a value of no known form).
"""
import csv
import io
import json

from formats_b import accounts, b32, uri, write


def totp_value(a, bare_done):
    if a["type"] == "steam":
        return "steam://" + b32(a["bytes"]), bare_done
    plain = a["type"] == "totp" and a["algorithm"] == "SHA1" and a["digits"] == 6 and a["period"] == 30
    if plain and not bare_done and a["issuer"]:
        return b32(a["bytes"]), True
    return uri(a), bare_done


def items(rows):
    out, bare = [], False
    for n, a in enumerate(rows):
        value, bare = totp_value(a, bare)
        out.append({
            "id": "00000000-0000-4000-8000-%012d" % n, "organizationId": None, "folderId": None,
            "type": 1, "reprompt": 0, "name": a["issuer"] or a["name"], "notes": a["note"] or None,
            "favorite": n == 0, "fields": [],
            "login": {"uris": [{"match": None, "uri": "https://example.com/%d" % n}],
                      "username": a["name"], "password": "pw-%d" % n, "totp": value},
            "collectionIds": None,
        })
        if n == 1:  # a login without a TOTP and a secure note: password items, not entries
            out.append({"id": "00000000-0000-4000-9000-000000000001", "type": 1, "name": "No 2FA here",
                        "notes": None, "favorite": False,
                        "login": {"uris": [], "username": "someone", "password": "x", "totp": None}})
            out.append({"id": "00000000-0000-4000-9000-000000000002", "type": 2, "name": "A note",
                        "notes": "text, with commas\nand lines", "favorite": False, "secureNote": {"type": 0}})
    return out


def main():
    rows = accounts()
    vault = {"encrypted": False, "folders": [], "items": items(rows)}
    write("bitwarden.json", json.dumps(vault, indent=2, ensure_ascii=False) + "\n")

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["folder", "favorite", "type", "name", "notes", "fields", "reprompt", "login_uri",
                "login_username", "login_password", "login_totp"])
    for item in vault["items"]:
        login = item.get("login") or {}
        w.writerow(["", "1" if item["favorite"] else "", "login" if item["type"] == 1 else "note",
                    item["name"], item["notes"] or "", "", "0",
                    ",".join(u["uri"] for u in login.get("uris") or []),
                    login.get("username") or "", login.get("password") or "", login.get("totp") or ""])
    write("bitwarden.csv", buf.getvalue())

    mixed = {"encrypted": False, "folders": [], "items": items(rows[:2])}
    mixed["items"].insert(1, {"id": "00000000-0000-4000-a000-000000000001", "type": 1, "name": "Yandex",
                              "notes": None, "favorite": False,
                              "login": {"username": "ivan", "password": "x", "totp": "yaotp://ABCDEFGH"}})
    write("bitwarden-mixed.json", json.dumps(mixed, indent=2, ensure_ascii=False) + "\n")


main()
