#!/usr/bin/python3
"""Writes freeotp.xml and freeotp-mixed.xml: FreeOTP 1.x's tokens.xml (docs/formats/freeotp.md).

How they are made: one SharedPreferences <string> per token, its JSON XML-escaped, secrets as Java's
signed bytes, plus `tokenOrder`. FreeOTP stores an HOTP counter one less than the otpauth counter (the
code it last showed), so the canonical counter N is written N - 1. The Steam account is a TOTP token
with issuer `Steam`, as FreeOTP keeps it. The tokens are written in an order other than tokenOrder's.
freeotp-mixed.xml adds an MD5 token, which authv cannot carry.
"""
import json
from xml.sax.saxutils import escape, quoteattr

from formats_b import accounts, signed, write


def token(a):
    return {"algo": a["algorithm"], "counter": a["counter"] - 1 if a["type"] == "hotp" else 0,
            "digits": 6 if a["type"] == "steam" else a["digits"], "issuerExt": a["issuer"],
            "issuerInt": a["issuer"], "label": a["name"], "period": a["period"],
            "secret": signed(a["bytes"]), "type": "HOTP" if a["type"] == "hotp" else "TOTP"}


def document(pairs):
    lines = ["<?xml version='1.0' encoding='utf-8' standalone='yes' ?>", "<map>"]
    order = [key for key, _ in pairs]
    for key, t in reversed(pairs):
        value = escape(json.dumps(t, ensure_ascii=False, separators=(",", ":")), {'"': "&quot;"})
        lines.append("    <string name=%s>%s</string>" % (quoteattr(key), value))
    lines.append('    <string name="tokenOrder">%s</string>' % escape(json.dumps(order, ensure_ascii=False), {'"': "&quot;"}))
    lines.append("</map>")
    return "\n".join(lines) + "\n"


def main():
    usable = [a for a in accounts() if a["type"] != "steam" or a["issuer"] == "Steam"]
    pairs = [("%s:%s" % (a["issuer"], a["name"]), token(a)) for a in usable]
    write("freeotp.xml", document(pairs))
    md5 = dict(pairs[0][1], algo="MD5", issuerExt="Old", issuerInt="Old", label="md5")
    write("freeotp-mixed.xml", document(pairs[:1] + [("Old:md5", md5)] + pairs[1:3]))


main()
