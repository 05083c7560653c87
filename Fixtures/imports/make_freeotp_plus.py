#!/usr/bin/python3
"""Writes the FreeOTP+ fixtures from docs/formats/freeotp-plus.md (not with authv): the canonical accounts
that FreeOTP+ can hold (TOTP and HOTP; it has no Steam tokens and no notes) as its JSON export, secrets as
signed bytes, and an export mixing tokens authv cannot carry."""
import canonical


def token(account):
    secret = [b - 256 if b > 127 else b for b in account["secret_bytes"]]
    return {"algo": account["algorithm"], "counter": account.get("counter", 0), "digits": account["digits"],
            "issuerExt": account["issuer"], "label": account["name"], "period": account.get("period", 30),
            "secret": secret, "type": account["type"].upper()}


def main():
    accounts = [a for a in canonical.accounts() if a["type"] != "steam"]
    tokens = [token(a) for a in accounts]
    order = ["%s:%s" % (a["issuer"], a["name"]) for a in accounts]
    canonical.write_json("freeotp-plus.json", {"tokens": tokens, "tokenOrder": order})
    mixed = [token(a) for a in accounts[:3]]
    mixed[1] = dict(mixed[1], secret=[])
    mixed.append(dict(token(accounts[3]), algo="MD5"))
    canonical.write_json("freeotp-plus-mixed.json", {"tokens": mixed, "tokenOrder": order[:4]})


if __name__ == "__main__":
    main()
