#!/usr/bin/python3
"""Writes 1password.1pux: a 1Password unencrypted export (docs/formats/1password.md) holding the
canonical TOTP accounts (1Password has no HOTP and no Steam Guard, so those are left out).

How it is made: zipfile (deflate) with export.attributes and export.data written by json. One login
item per account in two vaults; the one-time password field holds an otpauth URI without the default
parameters (as 1Password writes them) or, for the first plain account, the bare Base32 secret, with
the item's title and username field giving issuer and account. An archived item, an item with no TOTP
and a secure note are there too.
"""
import io
import json
import zipfile

from formats_b import accounts, b32, uri, write


def item(n, a, value, state="active"):
    return {
        "uuid": "item%04d" % n, "favIndex": 0, "createdAt": 1700000000 + n, "updatedAt": 1700000100 + n,
        "state": state, "categoryUuid": "001",
        "details": {
            "loginFields": [
                {"value": a["name"], "id": "", "name": "username", "fieldType": "T", "designation": "username"},
                {"value": "pw-%d" % n, "id": "", "name": "password", "fieldType": "P", "designation": "password"},
            ],
            "notesPlain": a["note"],
            "sections": [
                {"title": "", "name": "add more", "fields": [
                    {"title": "one-time password", "id": "TOTP_%04d" % n, "value": {"totp": value},
                     "guarded": False, "multiline": False, "dontGenerate": False,
                     "inputTraits": {"keyboard": "default", "correction": "default", "capitalization": "default"}},
                    {"title": "PIN", "id": "pin%d" % n, "value": {"concealed": "1234"}, "guarded": True,
                     "multiline": False, "dontGenerate": False,
                     "inputTraits": {"keyboard": "default", "correction": "default", "capitalization": "default"}},
                ]},
            ],
            "passwordHistory": [],
        },
        "overview": {"subtitle": a["name"], "urls": [], "title": a["issuer"], "url": "", "ps": 0, "pbe": 0.0,
                     "pgrng": False, "tags": []},
    }


def main():
    totp = [a for a in accounts() if a["type"] == "totp"]
    items, bare = [], False
    for n, a in enumerate(totp):
        plain = a["algorithm"] == "SHA1" and a["digits"] == 6 and a["period"] == 30 and a["issuer"]
        if plain and not bare:
            value, bare = b32(a["bytes"]), True
        else:
            value = uri(a, defaults=False)
        items.append(item(n, a, value, state="archived" if n == 2 else "active"))
    no_totp = {"uuid": "plainlogin", "favIndex": 0, "createdAt": 1, "updatedAt": 1, "state": "active",
               "categoryUuid": "001", "details": {"loginFields": [], "notesPlain": "", "sections": [],
                                                  "passwordHistory": []},
               "overview": {"subtitle": "", "title": "No 2FA", "url": "", "urls": [], "tags": []}}
    note = {"uuid": "note", "favIndex": 0, "createdAt": 1, "updatedAt": 1, "state": "active",
            "categoryUuid": "003", "details": {"notesPlain": "otpauth://totp/NotAField?secret=JBSWY3DPEHPK3PXP",
                                               "sections": [], "passwordHistory": []},
            "overview": {"subtitle": "", "title": "A note", "url": "", "tags": []}}
    half = len(items) // 2
    data = {"accounts": [{
        "attrs": {"accountName": "Family", "name": "Alice", "avatar": "", "email": "alice@example.com",
                  "uuid": "ACCOUNT1", "domain": "https://example.1password.com/"},
        "vaults": [
            {"attrs": {"uuid": "vault1", "desc": "", "avatar": "", "name": "Personal", "type": "P"},
             "items": items[:half] + [no_totp]},
            {"attrs": {"uuid": "vault2", "desc": "", "avatar": "", "name": "Work", "type": "U"},
             "items": [note] + items[half:]},
        ]}]}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export.attributes", json.dumps(
            {"version": 3, "description": "1Password Unencrypted Export", "createdAt": 1700000200}))
        z.writestr("export.data", json.dumps(data, ensure_ascii=False))
        z.writestr("files/", b"")
    write("1password.1pux", buf.getvalue())


main()
