"""The canonical accounts (canonical.json) for the fixture generators in this folder.

Every generator imports this module and writes the same accounts in its app's format, from the facts in
docs/formats/, with Debian's /usr/bin/python3 and its cryptography / PyNaCl packages: never with authv.
"""
import base64
import json
import os
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))

#: The password of every encrypted fixture (tests give it with --password-file).
PASSWORD = "correct horse battery staple"


def accounts():
    """The canonical accounts: dicts with issuer, name, type (totp/hotp/steam), algorithm, digits,
    period (TOTP/Steam), counter (HOTP: the counter the next code uses), secret (Base32), note, and
    secret_bytes (the decoded secret)."""
    with open(os.path.join(HERE, "canonical.json"), encoding="utf-8") as f:
        entries = json.load(f)["accounts"]
    for entry in entries:
        entry["secret_bytes"] = b32decode(entry["secret"])
    return entries


def b32decode(text):
    text = text.upper().rstrip("=")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def b32encode(data):
    return base64.b32encode(data).decode().rstrip("=")


def b64(data):
    return base64.b64encode(data).decode()


def otpauth(entry, extra=None):
    """The account's otpauth:// URI (Google's Key Uri Format), with extra parameters appended."""
    label = urllib.parse.quote(entry["issuer"], safe="") + ":" + urllib.parse.quote(entry["name"], safe="@")
    kind = "totp" if entry["type"] == "steam" else entry["type"]
    query = [("secret", entry["secret"]), ("issuer", entry["issuer"]), ("algorithm", entry["algorithm"]),
             ("digits", str(entry["digits"]))]
    if entry["type"] == "hotp":
        query.append(("counter", str(entry["counter"])))
    else:
        query.append(("period", str(entry["period"])))
    if entry["type"] == "steam":
        query.append(("encoder", "steam"))
    query += list((extra or {}).items())
    return "otpauth://%s/%s?%s" % (kind, label, urllib.parse.urlencode(query, quote_via=urllib.parse.quote))


def write(name, data):
    """Writes a fixture file (bytes or text) into this folder."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def write_json(name, value, **options):
    write(name, json.dumps(value, ensure_ascii=False, **options))


def pbkdf2(password, salt, iterations, hash_name="sha256", length=32):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
    algorithm = {"sha1": hashes.SHA1(), "sha256": hashes.SHA256(), "sha512": hashes.SHA512()}[hash_name]
    return PBKDF2HMAC(algorithm=algorithm, length=length, salt=salt, iterations=iterations).derive(password.encode())


def aes_gcm(key, nonce, plaintext, aad=None):
    """AES-GCM ciphertext with the 16-byte tag appended (as the cryptography package returns it)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    return AESGCM(key).encrypt(nonce, plaintext, aad)


def flip(data, offset):
    """`data` with one bit of the byte at `offset` flipped (a damaged file)."""
    data = bytearray(data)
    data[offset] ^= 0x01
    return bytes(data)
