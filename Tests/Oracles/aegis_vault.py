#!/usr/bin/python3
"""An independent reader and writer of Aegis vault files, written from docs/vault.md (not from authv's
Swift code), with Python's `cryptography` package. The tests use it as an oracle:

  aegis_vault.py read VAULT [PASSWORD_FILE]    prints the vault's accounts as JSON (see `account_of`)
  aegis_vault.py write ACCOUNTS_JSON PASSWORD_FILE VAULT   writes an encrypted vault of those accounts
  aegis_vault.py write-plain ACCOUNTS_JSON VAULT           the same, unencrypted

An account is {"type", "issuer", "name", "secret" (Base32), "algo", "digits", "period" or "counter",
"note", "recovery": [[code, used], ...]}. Only the first line of PASSWORD_FILE is the password.
"""
import base64
import json
import os
import sys
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MARKER = "authv recovery codes:"


def password_from(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n", 1)[0]


def gcm_open(key, nonce_hex, tag_hex, ciphertext):
    return AESGCM(key).decrypt(bytes.fromhex(nonce_hex), ciphertext + bytes.fromhex(tag_hex), None)


def gcm_seal(key, plaintext):
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext, None)
    return nonce, sealed[:-16], sealed[-16:]


def master_key(header, password):
    for slot in header["slots"]:
        if slot["type"] != 1:
            continue
        derived = Scrypt(salt=bytes.fromhex(slot["salt"]), length=32,
                         n=slot["n"], r=slot["r"], p=slot["p"]).derive(password)
        try:
            return gcm_open(derived, slot["key_params"]["nonce"], slot["key_params"]["tag"],
                            bytes.fromhex(slot["key"]))
        except Exception:
            continue
    raise SystemExit("no password slot opens with this password")


def split_note(note):
    lines = note.split("\n")
    if MARKER not in lines:
        return note, []
    start = len(lines) - 1 - lines[::-1].index(MARKER)
    codes = []
    for line in lines[start + 1:]:
        if line.startswith("- "):
            text = line[2:]
            codes.append([text[:-7], True] if text.endswith(" (used)") else [text, False])
    return "\n".join(lines[:start]).rstrip("\n"), codes


def join_note(note, codes):
    if not codes:
        return note
    block = "\n".join([MARKER] + ["- " + c + (" (used)" if used else "") for c, used in codes])
    return block if not note else note + "\n\n" + block


def account_of(entry):
    info = entry["info"]
    note, codes = split_note(entry.get("note") or "")
    out = {"type": entry["type"], "issuer": entry.get("issuer") or "", "name": entry.get("name") or "",
           "secret": info["secret"].rstrip("=").upper(), "algo": info["algo"], "digits": info["digits"],
           "note": note, "recovery": codes}
    if entry["type"] == "hotp":
        out["counter"] = info["counter"]
    else:
        out["period"] = info["period"]
    if info.get("offset"):
        out["offset"] = info["offset"]  # authv's own field: a verifier's clock offset in seconds
    return out


def read(path, password_file=None):
    with open(path, "rb") as f:
        vault = json.loads(f.read().decode("utf-8"))
    assert vault["version"] == 1, "file version"
    header = vault["header"]
    if header["slots"] is None and header["params"] is None:
        content = vault["db"]
    else:
        key = master_key(header, password_from(password_file))
        plaintext = gcm_open(key, header["params"]["nonce"], header["params"]["tag"], base64.b64decode(vault["db"]))
        content = json.loads(plaintext.decode("utf-8"))
    assert content["version"] in (1, 2, 3), "content version"
    uuids = [e["uuid"] for e in content["entries"]]
    assert len(set(uuids)) == len(uuids), "entry uuids are unique"
    return [account_of(e) for e in content["entries"]]


def entry_of(account):
    info = {"secret": account["secret"], "algo": account["algo"], "digits": account["digits"]}
    if account["type"] == "hotp":
        info["counter"] = account["counter"]
    else:
        info["period"] = account["period"]
    if account.get("offset"):
        info["offset"] = account["offset"]
    return {"type": account["type"], "uuid": str(uuid.uuid4()), "name": account["name"],
            "issuer": account["issuer"], "note": join_note(account.get("note", ""), account.get("recovery", [])),
            "favorite": False, "icon": None, "icon_mime": None, "icon_hash": None, "info": info, "groups": []}


def write(accounts_path, password_file, out_path, plain=False):
    with open(accounts_path, "rb") as f:
        accounts = json.loads(f.read().decode("utf-8"))
    content = {"version": 3, "entries": [entry_of(a) for a in accounts], "groups": []}
    if plain:
        vault = {"version": 1, "header": {"slots": None, "params": None}, "db": content}
    else:
        master = os.urandom(32)
        salt = os.urandom(32)
        derived = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(password_from(password_file))
        knonce, wrapped, ktag = gcm_seal(derived, master)
        slot = {"type": 1, "uuid": str(uuid.uuid4()), "key": wrapped.hex(),
                "key_params": {"nonce": knonce.hex(), "tag": ktag.hex()},
                "n": 2**15, "r": 8, "p": 1, "salt": salt.hex(), "repaired": True}
        nonce, ciphertext, tag = gcm_seal(master, json.dumps(content).encode("utf-8"))
        vault = {"version": 1, "header": {"slots": [slot], "params": {"nonce": nonce.hex(), "tag": tag.hex()}},
                 "db": base64.b64encode(ciphertext).decode("ascii")}
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(vault, f, indent=4)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "read":
        json.dump(read(*args), sys.stdout, ensure_ascii=False)
    elif command == "write":
        write(args[0], args[1], args[2])
    elif command == "write-plain":
        write(args[0], None, args[1], plain=True)
    else:
        raise SystemExit("unknown command " + command)
