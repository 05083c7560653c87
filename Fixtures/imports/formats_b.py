"""What the import-b fixture generators share: the canonical accounts and the encodings the apps use.

The generators write each app's file from its description in docs/formats/ with Python's standard
library only (json, csv, zipfile, xml.sax.saxutils); none of them runs authv.
"""
import base64
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def accounts():
    """The canonical accounts (canonical.py), with the secret's bytes as `bytes` and every field present."""
    import canonical
    rows = canonical.accounts()
    for row in rows:
        row["bytes"] = row["secret_bytes"]
        row.setdefault("period", 30)
        row.setdefault("counter", 0)
    return rows


def b32(raw):
    """Base32 without padding, as most apps write it."""
    return base64.b32encode(raw).decode().rstrip("=")


def uri(a, label_issuer=True, defaults=True):
    """The account's otpauth URI (percent-encoded label and parameters)."""
    from urllib.parse import quote
    kind = "totp" if a["type"] == "steam" else a["type"]
    label = quote(a["name"], safe="@")
    if a["issuer"] and label_issuer:
        label = quote(a["issuer"], safe="") + ":" + label
    q = "secret=" + b32(a["bytes"])
    if a["issuer"]:
        q += "&issuer=" + quote(a["issuer"], safe="")
    if a["type"] == "steam":
        return "otpauth://totp/%s?%s&encoder=steam" % (label, q)
    if defaults or a["algorithm"] != "SHA1":
        q += "&algorithm=" + a["algorithm"]
    if defaults or a["digits"] != 6:
        q += "&digits=%d" % a["digits"]
    if a["type"] == "hotp":
        q += "&counter=%d" % a["counter"]
    elif defaults or a["period"] != 30:
        q += "&period=%d" % a["period"]
    return "otpauth://%s/%s?%s" % (kind, label, q)


def signed(raw):
    """Bytes as Java's signed bytes (-128...127), as FreeOTP writes a secret."""
    return [b - 256 if b > 127 else b for b in raw]


def write(name, data):
    path = os.path.join(HERE, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    print("wrote", os.path.relpath(path))
