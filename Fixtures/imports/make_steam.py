#!/usr/bin/python3
"""Writes steam.maFile: a Steam Desktop Authenticator account file (docs/formats/steam-desktop-authenticator.md)
for the canonical Steam account.

How it is made: json, with `shared_secret` the secret in standard Base64 and the other fields SDA writes
(values made up for the fixture; `identity_secret` and the session are never used by authv).
"""
import base64
import json

from formats_b import accounts, b32, write


def main():
    steam = next(a for a in accounts() if a["type"] == "steam")
    ma = {
        "shared_secret": base64.b64encode(steam["bytes"]).decode(),
        "serial_number": "1234567890123456789",
        "revocation_code": "R12345",
        "uri": "otpauth://totp/Steam:%s?secret=%s&issuer=Steam" % (steam["name"], b32(steam["bytes"])),
        "server_time": 1700000000,
        "account_name": steam["name"],
        "token_gid": "2b0f0e0d0c0b0a09",
        "identity_secret": base64.b64encode(bytes(range(20))).decode(),
        "secret_1": base64.b64encode(bytes(range(20, 40))).decode(),
        "status": 1,
        "device_id": "android:01234567-89ab-cdef-0123-456789abcdef",
        "fully_enrolled": True,
        "Session": {"SteamID": 76561198000000000, "AccessToken": "x", "RefreshToken": "y", "SessionID": "z"},
    }
    write("steam.maFile", json.dumps(ma, indent=2) + "\n")


main()
