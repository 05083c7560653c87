#!/usr/bin/python3
"""Writes the Proton Authenticator fixtures from docs/formats/proton-authenticator.md (not with authv): the
canonical accounts Proton Authenticator can hold (TOTP and Steam; it has no HOTP) as its JSON export,
with notes, and an export mixing entries authv cannot carry."""
import uuid

import canonical


def entry(account):
    if account["type"] == "steam":
        content = {"uri": "steam://" + account["secret"], "entry_type": "Steam", "name": account["name"]}
    else:
        content = {"uri": canonical.otpauth(account), "entry_type": "Totp", "name": account["name"]}
    return {"id": str(uuid.uuid4()), "content": content, "note": account["note"] or None}


def main():
    accounts = [a for a in canonical.accounts() if a["type"] != "hotp"]
    canonical.write_json("proton-authenticator.json", {"version": 1, "entries": [entry(a) for a in accounts]})
    mixed = [entry(a) for a in accounts[:3]]
    mixed[1]["content"]["uri"] = "otpauth://totp/Example:bob?issuer=Example"
    mixed.append(dict(entry(accounts[3]), content={"uri": "otpauth://totp/X:y?secret=JBSWY3DP", "entry_type": "Hotp", "name": "y"}))
    canonical.write_json("proton-authenticator-mixed.json", {"version": 1, "entries": mixed})


if __name__ == "__main__":
    main()
