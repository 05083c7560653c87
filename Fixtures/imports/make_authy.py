#!/usr/bin/python3
"""Writes authy.xml and authy-mixed.xml: the Authy Android app's token file
(docs/formats/authy.md), the JSON array XML-escaped inside one <string> of a SharedPreferences map.

How they are made: json, then xml.sax.saxutils.escape (with quotes as &quot;, as Android writes).
Authy's third-party tokens are SHA1 and 30 s, so authy.xml holds the canonical TOTP accounts with those
parameters (any digits). The names take Authy's forms: `originalName` `Issuer:account`, `name`
`Issuer: account`, `originalIssuer` on some tokens only. authy-mixed.xml adds a token with no secret,
an entry authv cannot carry. authy-encrypted.xml holds the same tokens with their secrets encrypted as
Authy does with a backup password (canonical.PASSWORD): PBKDF2-HMAC-SHA1 over the token's `salt` text
(1000 iterations when the token names none, else `key_derivation_iterations`), AES-256-CBC with a zero
IV and PKCS#7 padding, by the `cryptography` package; authy-flipped.xml has one ciphertext byte flipped.
"""
import base64
import json
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

import canonical
from formats_b import accounts, b32, write


def encrypt(token, n, flip=False):
    t = dict(token)
    salt = "salt-%d-%s" % (n, "x" * n)
    iterations = 1000 if n % 2 == 0 else 100000
    key = canonical.pbkdf2(canonical.PASSWORD, salt.encode(), iterations, "sha1")
    padder = padding.PKCS7(128).padder()
    data = padder.update(t.pop("decryptedSecret").encode()) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    sealed = bytearray(enc.update(data) + enc.finalize())
    if flip:
        sealed[-1] ^= 0x01
    t["encryptedSecret"] = base64.b64encode(bytes(sealed)).decode()
    t["salt"] = salt
    if iterations != 1000:
        t["key_derivation_iterations"] = iterations
    return t


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
    locked = dict(tokens[0], name="Locked: bob", originalName="Locked:bob", originalIssuer="Locked")
    del locked["decryptedSecret"]
    write("authy-mixed.xml", document([tokens[0], locked] + tokens[1:]))
    write("authy-encrypted.xml", document([encrypt(t, n) for n, t in enumerate(tokens)]))
    write("authy-flipped.xml", document([encrypt(t, n, flip=(n == len(tokens) - 1)) for n, t in enumerate(tokens)]))


main()
