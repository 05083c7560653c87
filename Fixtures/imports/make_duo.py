#!/usr/bin/python3
"""Writes duo.json and duo-mixed.json: Duo Mobile's accounts.json (docs/formats/duo.md).

How they are made: json. Duo's third-party accounts are SHA1, 6 digits, 30 s, TOTP or HOTP (with a
`counter`), with one `name` and no issuer: duo.json holds the canonical accounts with those parameters,
`name` being the canonical account name. duo-mixed.json adds a Duo push account (no otpGenerator),
which authv cannot carry.
"""
import json

from formats_b import accounts, b32, write


def entry(n, a):
    gen = {"otpSecret": b32(a["bytes"])}
    if a["type"] == "hotp":
        gen["counter"] = a["counter"]
    return {"version": 1.0, "accountType": "OtpAccount", "name": a["name"], "otpGenerator": gen,
            "logoUri": "file:///data/user/0/com.duosecurity.duomobile/files/duokit/logos/%d.png" % n,
            "pkey": "00000000-0000-4000-8000-%012d" % n, "serviceTypeLabelIsCustom": True}


def main():
    usable = [a for a in accounts() if a["type"] in ("totp", "hotp") and a["algorithm"] == "SHA1"
              and a["digits"] == 6 and (a["type"] == "hotp" or a["period"] == 30)]
    entries = [entry(n, a) for n, a in enumerate(usable)]
    write("duo.json", json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
    push = {"version": 1.0, "accountType": "DuoAccount", "name": "Acme VPN", "akey": "DAXXXXXXXXXXXXXXXXXX",
            "pkey": "DPXXXXXXXXXXXXXXXXXX", "host": "api-0000.duosecurity.com"}
    write("duo-mixed.json", json.dumps([entries[0], push] + entries[1:], indent=2, ensure_ascii=False) + "\n")


main()
