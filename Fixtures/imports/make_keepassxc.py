#!/usr/bin/python3
"""Writes keepassxc.csv and keepassxc-legacy.csv (docs/formats/keepassxc.md) holding the canonical TOTP
and Steam accounts (KeePassXC has no HOTP).

How they are made: csv with every field quoted, as KeePassXC's CsvExporter writes.
- keepassxc.csv: KeePassXC's own columns; the TOTP column as Totp::writeSettings(forceOtp) writes it:
  `otpauth://totp/TITLE:USER?secret=...&period=P&digits=D&issuer=TITLE`, `&encoder=steam` for Steam
  (digits 5), `&algorithm=` when not SHA1, Base32 with its `=` padding percent-encoded. Rows without a
  TOTP (password entries) are there too.
- keepassxc-legacy.csv: a CSV with `TOTP Seed` and `TOTP Settings` columns (KeePassXC's attribute
  names) and the two older forms: KeeOtp `key=...&size=...&step=...[&otpHashMode=...]` in the TOTP
  column, and the legacy `PERIOD;DIGITS` / `PERIOD;S` settings with the seed beside them.
"""
import base64
import csv
import io
from urllib.parse import quote

from formats_b import accounts, b32, write

HEADER = ["Group", "Title", "Username", "Password", "URL", "Notes", "TOTP", "Icon", "Last Modified", "Created"]


def padded(raw):
    return base64.b32encode(raw).decode()


def otp_url(a):
    title = quote(a["issuer"], safe="") if a["issuer"] else "KeePassXC"
    user = quote(a["name"], safe="") if a["name"] else "none"
    digits = 5 if a["type"] == "steam" else a["digits"]
    url = "otpauth://totp/%s:%s?secret=%s&period=%d&digits=%d&issuer=%s" % (
        title, user, quote(padded(a["bytes"]), safe=""), a["period"], digits, title)
    if a["type"] == "steam":
        url += "&encoder=steam"
    if a["algorithm"] != "SHA1" and a["type"] != "steam":
        url += "&algorithm=" + a["algorithm"]
    return url


def table(rows):
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for row in rows:
        w.writerow(row)
    return buf.getvalue()


def main():
    usable = [a for a in accounts() if a["type"] in ("totp", "steam")]
    rows = [HEADER]
    for n, a in enumerate(usable):
        rows.append(["Root/2FA" if n % 2 else "Root", a["issuer"], a["name"], "pw-%d" % n, "https://example.com",
                     a["note"], otp_url(a), "0", "2026-11-01T10:00:00Z", "2026-11-01T09:00:00Z"])
        if n == 0:
            rows.append(["Root", "Mail", "alice", "pw", "", "no \"2FA\", yet", "", "0",
                         "2026-11-01T10:00:00Z", "2026-11-01T09:00:00Z"])
    write("keepassxc.csv", table(rows))

    rows = [["Group", "Title", "Username", "Password", "URL", "Notes", "TOTP", "TOTP Seed", "TOTP Settings"]]
    for n, a in enumerate(usable):
        if n < 3 and a["type"] == "totp":
            value = "key=%s&size=%d&step=%d" % (b32(a["bytes"]), a["digits"], a["period"])
            if a["algorithm"] != "SHA1":
                value += "&otpHashMode=" + a["algorithm"]
            rows.append(["Root", a["issuer"], a["name"], "", "", a["note"], value, "", ""])
        elif a["algorithm"] == "SHA1":
            settings = "%d;S" % a["period"] if a["type"] == "steam" else "%d;%d" % (a["period"], a["digits"])
            # The legacy form: the settings in the TOTP column or only in TOTP Settings, the seed beside them.
            totp = settings if n % 2 == 0 else ""
            rows.append(["Root", a["issuer"], a["name"], "", "", a["note"], totp, b32(a["bytes"]), settings])
    write("keepassxc-legacy.csv", table(rows))


main()
