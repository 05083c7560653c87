#!/usr/bin/python3
"""Writes battlenet-bma.xml and battlenet-messenger.xml: the two Battle.net Authenticator preference
files (docs/formats/battle-net.md) for one authenticator, and battlenet.expected with what authv must make
of them (the canonical set has no Battle.net account: its code is 8 digits over a 20-byte secret).

How they are made: the secret is RFC 4226's 20-byte test key (so oathtool can check the codes), the
serial is made up; both are masked with the app's fixed XOR key (from WinAuth) and written as hex; the
restore code is computed as WinAuth's BuildRestoreCode does.
"""
import hashlib

from formats_b import b32, write

MASK = bytes.fromhex("398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a")
SECRET = b"12345678901234567890"
SERIAL = "EU-1234-5678-9012"
RESTORE_ALPHABET = "0123456789ABCDEFGHJKMNPQRTUVWXYZ"


def mask(text):
    raw = text.encode("ascii")
    return bytes(b ^ k for b, k in zip(raw, MASK)).hex()


def restore_code():
    digest = hashlib.sha1(SERIAL.replace("-", "").upper().encode("ascii") + SECRET).digest()
    return "".join(RESTORE_ALPHABET[b & 0x1F] for b in digest[-10:])


def main():
    head = "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n"
    write("battlenet-bma.xml", head +
          '    <int name="com.blizzard.bma.AUTH_STORE_HASH_VERSION" value="20600015" />\n'
          '    <string name="com.blizzard.bma.AUTH_STORE.HASH">%s</string>\n'
          '    <long name="com.blizzard.bma.AUTH_STORE.CLOCK_OFFSET" value="193" />\n'
          '    <long name="com.blizzard.bma.AUTH_STORE.LAST_MODIFIED" value="1668980752290" />\n</map>\n'
          % mask(SECRET.hex() + SERIAL))
    write("battlenet-messenger.xml", head +
          '    <string name="com.blizzard.messenger.AUTHENTICATOR_CREDENTIALS_ENCRYPTION_TYPE">MASK</string>\n'
          '    <boolean name="com.blizzard.messenger.AUTHENTICATOR_SETUP_POSTPONE_LOGIN" value="false" />\n'
          '    <string name="com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET">%s</string>\n'
          '    <string name="com.blizzard.messenger.AUTHENTICATOR_BGS_REGION_CODE">EU</string>\n'
          '    <string name="com.blizzard.messenger.AUTHENTICATOR_SERIAL">%s</string>\n'
          '    <long name="com.blizzard.messenger.AUTHENTICATOR_SERVER_TIME_DIFF" value="15" />\n</map>\n'
          % (mask(SECRET.hex()), mask(SERIAL)))
    # issuer, name, Base32 secret, digits, note: one tab-separated line
    write("battlenet.expected", "Battle.net\t%s\t%s\t8\tBattle.net serial: %s, restore code: %s\n"
          % (SERIAL, b32(SECRET), SERIAL, restore_code()))


main()
