#!/usr/bin/python3
"""Writes freeotp2-backup.xml and freeotp2-flipped.xml: FreeOTP 2's backup (docs/formats/freeotp.md,
"FreeOTP 2"), a Java-serialized java.util.HashMap<String, String> despite its name, holding the
canonical accounts encrypted under canonical.PASSWORD.

How they are made: the Java Object Serialization stream is written field by field with struct (magic
ACED 0005, the HashMap class descriptor, capacity and size, then key and value strings); the master
key is random, wrapped with AES-GCM under PBKDF2-HMAC-SHA512 of the password (additional data "AES"),
and each secret is sealed with AES-GCM under the master key (additional data "HmacSHA1" etc.), by the
`cryptography` package; GCM parameters are DER (SEQUENCE { OCTET STRING nonce, INTEGER 16 }).
FreeOTP 2 keeps the next HOTP counter (as otpauth does). freeotp2-flipped.xml has one byte of one
token's ciphertext flipped.
"""
import json
import os
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import canonical
from formats_b import accounts, signed, write

ITERATIONS = 100000


def java_string(text):
    raw = text.encode("utf-8")
    assert len(raw) < 65536 and "\0" not in text
    return b"\x74" + struct.pack(">H", len(raw)) + raw


def hashmap(pairs):
    out = b"\xac\xed\x00\x05"                       # magic, version
    out += b"\x73\x72"                              # TC_OBJECT, TC_CLASSDESC
    name = b"java.util.HashMap"
    out += struct.pack(">H", len(name)) + name + struct.pack(">q", 362498820763181265)
    out += b"\x03" + struct.pack(">H", 2)           # SC_WRITE_METHOD | SC_SERIALIZABLE, two fields
    for kind, field in ((b"F", b"loadFactor"), (b"I", b"threshold")):
        out += kind + struct.pack(">H", len(field)) + field
    out += b"\x78\x70"                              # TC_ENDBLOCKDATA, no superclass (TC_NULL)
    out += struct.pack(">fi", 0.75, 16)             # loadFactor, threshold
    out += b"\x77\x08" + struct.pack(">ii", 16, len(pairs))  # TC_BLOCKDATA: capacity, size
    for key, value in pairs:
        out += java_string(key) + java_string(value)
    return out + b"\x78"                            # TC_ENDBLOCKDATA


def sealed(key, plaintext, token, flip=False):
    nonce = os.urandom(12)
    data = bytearray(AESGCM(key).encrypt(nonce, plaintext, token.encode()))
    if flip:
        data[0] ^= 0x01
    parameters = b"\x30\x11\x04\x0c" + nonce + b"\x02\x01\x10"
    return {"mCipher": "AES/GCM/NoPadding", "mCipherText": signed(bytes(data)),
            "mParameters": signed(parameters), "mToken": token}


def backup(flip_index=None):
    salt = os.urandom(32)
    master = os.urandom(32)
    wrapping = canonical.pbkdf2(canonical.PASSWORD, salt, ITERATIONS, "sha512")
    pairs = [("masterKey", json.dumps({"mAlgorithm": "PBKDF2withHmacSHA512",
                                       "mEncryptedKey": sealed(wrapping, master, "AES"),
                                       "mIterations": ITERATIONS, "mSalt": signed(salt)}))]
    usable = [a for a in accounts() if a["type"] != "steam" or a["issuer"] == "Steam"]
    for n, a in enumerate(usable):
        uuid = "00000000-0000-4000-8000-%012d" % n
        token = {"algo": a["algorithm"], "counter": a["counter"] if a["type"] == "hotp" else 0,
                 "digits": 6 if a["type"] == "steam" else a["digits"], "issuerExt": a["issuer"],
                 "label": a["name"], "period": a["period"], "type": "HOTP" if a["type"] == "hotp" else "TOTP"}
        key = sealed(master, a["bytes"], "Hmac" + a["algorithm"], flip=(n == flip_index))
        pairs.append((uuid, json.dumps({"key": json.dumps(key)})))
        pairs.append((uuid + "-token", json.dumps(token, ensure_ascii=False)))
    return hashmap(pairs)


write("freeotp2-backup.xml", backup())
write("freeotp2-flipped.xml", backup(flip_index=2))
