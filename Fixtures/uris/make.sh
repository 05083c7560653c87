#!/usr/bin/env bash
# The URI-list fixtures. accounts.txt is written by hand here: one canonical set of accounts, each rule
# of the otpauth format exercised once (label forms, issuer parameter winning, algorithms, digits,
# periods, HOTP, both Steam spellings, an unknown parameter, a lower-case spaced secret). expected.tsv
# is the same set as the tests must read it: type, issuer, account, algorithm, digits, period, counter,
# secret as hex. google-export.txt holds the two QR payloads of Fixtures/qr/google-export-*.png (made by
# Fixtures/qr/make.sh), as a text file.
set -euo pipefail
cd "$(dirname "$0")"
cat > accounts.txt <<'TXT'
# authv test accounts: test secrets only
otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30
otpauth://totp/GitHub%3A%20alice?secret=jbsw%20y3dp%20ehpk%203pxp
otpauth://totp/Old%20Name:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=New%20Name&algorithm=SHA256&digits=8&period=60

otpauth://totp/carol@example.com?secret=MFRGGZDFMZTWQ2LK&algorithm=SHA512&digits=10&image=https%3A%2F%2Fexample.com%2Flogo.png
otpauth://hotp/Corp%20VPN:dave?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Corp%20VPN&counter=42
otpauth://steam/Steam:gabe?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK
otpauth://totp/Steam:gordon?secret=MZXW6YTBOI&encoder=steam&digits=5
TXT
cat > expected.tsv <<'TSV'
totp	ACME Co	john.doe@email.com	SHA1	6	30	0	3dc6caa4824a6d288767b2331e20b43166cb85d9
totp	GitHub	alice	SHA1	6	30	0	48656c6c6f21deadbeef
totp	New Name	bob	SHA256	8	60	0	3132333435363738393031323334353637383930
totp		carol@example.com	SHA512	10	30	0	6162636465666768696a
hotp	Corp VPN	dave	SHA1	6	30	42	3132333435363738393031323334353637383930
steam	Steam	gabe	SHA1	5	30	0	f6c241d850caa70b3c92045048afa39ce051266a
steam	Steam	gordon	SHA1	5	30	0	666f6f626172
TSV
sed -n '/^google-export-1-of-2.png\t/s/^[^\t]*\t//p; /^google-export-2-of-2.png\t/s/^[^\t]*\t//p' ../qr/expected.tsv > google-export.txt
