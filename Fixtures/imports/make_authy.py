#!/usr/bin/python3
"""Writes authy.xml and authy-mixed.xml: the Authy Android app's token file
(docs/formats/authy.md), the JSON array XML-escaped inside one <string> of a SharedPreferences map.

How they are made: json, then xml.sax.saxutils.escape (with quotes as &quot;, as Android writes).
Authy's third-party tokens are SHA1 and 30 s, so authy.xml holds the canonical TOTP accounts with those
parameters (any digits). The names take Authy's forms: `originalName` `Issuer:account`, `name`
`Issuer: account`, `originalIssuer` on some tokens only. authy-mixed.xml adds a token whose secret the
app keeps encrypted (no `decryptedSecret`), an entry authv cannot carry.
"""
import json
from xml.sax.saxutils import escape

from formats_b import accounts, b32, write


def token(n, a):
    t = {"accountType": "authenticator", "decryptedSecret": b32(a["bytes"]), "digits": a["digits"],
         "logo": a["issuer"], "originalName": "%s:%s" % (a["issuer"], a["name"]),
         "timestamp": 1700000000 + n, "upload_state": "notUploaded", "hidden": False,
         "id": str(1700000000 + n), "isNew": False, "name": "%s: %s" % (a["issuer"], a["name"])}
    if n % 2 == 0:
        t["originalIssuer"] = a["issuer"]
    return t


def document(tokens):
    value = escape(json.dumps(tokens, ensure_ascii=False, separators=(",", ":")), {'"': "&quot;"})
    return ("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n"
            '    <int name="key_version" value="121" />\n'
            '    <string name="com.authy.storage.tokens.authenticator.key">%s</string>\n</map>\n' % value)


def main():
    usable = [a for a in accounts() if a["type"] == "totp" and a["algorithm"] == "SHA1" and a["period"] == 30]
    tokens = [token(n, a) for n, a in enumerate(usable)]
    write("authy.xml", document(tokens))
    locked = dict(tokens[0], name="Locked: bob", originalName="Locked:bob", originalIssuer="Locked",
                  encryptedSecret="q83vEjRWeJA=", salt="c2FsdA==", key_derivation_iterations=100000)
    del locked["decryptedSecret"]
    write("authy-mixed.xml", document([tokens[0], locked] + tokens[1:]))


main()
