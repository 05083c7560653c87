#!/usr/bin/env bash
# Remakes the QR fixtures in this folder with tools other than authv: qrencode draws the codes,
# ImageMagick (convert) turns them into each image format and each kind of damage, Python writes
# the Google Authenticator export payloads byte by byte and the oversized PNG.
# expected.tsv lists each file with the payloads a scan must return (in reading order, separated by
# " | ") or the error it must give. Run from anywhere:  Fixtures/qr/make.sh
# Needs: qrencode, imagemagick, webp (cwebp), python3.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The payloads (test secrets only; none belongs to a real account).
P1='otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example'
P2='otpauth://totp/GitHub:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub&algorithm=SHA256&digits=8'
P3='otpauth://hotp/Corp%20VPN:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Corp%20VPN&counter=5'
URL='https://example.com/not-a-secret'

qr() { qrencode -l M -s "${3:-8}" -m "${4:-4}" -o "$2" "$1"; }

qr "$P1" "$work/p1.png"
convert "$work/p1.png" -colorspace Gray -define png:color-type=0 -define png:bit-depth=8 png-grey.png
convert "$work/p1.png" -define png:color-type=2 png-rgb.png
qrencode -l M -s 8 -m 4 --foreground=202020FF --background=FFFFFF00 -o png-rgba-transparent.png "$P1"
# Transparent black around the code: shown over white (as a viewer shows it) only if alpha is honoured.
qrencode -l M -s 8 -m 4 --foreground=202020FF --background=00000000 -o png-transparent-black.png "$P1"
convert "$work/p1.png" -fill '#3050a0' -opaque black -colors 4 PNG8:png-palette.png
convert "$work/p1.png" -depth 16 -define png:color-type=2 PNG48:png-16bit.png
convert "$work/p1.png" -interlace PNG png-interlaced.png
convert "$work/p1.png" -quality 90 jpeg-baseline.jpg
convert "$work/p1.png" -quality 90 -interlace JPEG jpeg-progressive.jpg
convert "$work/p1.png" gif.gif
convert "$work/p1.png" -type TrueColor bmp.bmp
convert "$work/p1.png" -compress lzw tiff.tiff
cwebp -quiet -lossless "$work/p1.png" -o webp.webp
qrencode -l M -t SVG -s 4 -m 4 -o svg.svg "$P1"

# Real pictures: a small code in a large screenshot, a photographed code, low contrast, no quiet
# zone, light on dark, one pixel per module.
qr "$P2" "$work/p2.png" 3 4
convert -size 1920x1080 xc:'#f4f4f8' \
    -fill '#2b3990' -draw 'rectangle 0,0 1920,64' \
    -fill '#dddddd' -draw 'rectangle 160,140 1760,980' \
    -fill white -draw 'rectangle 180,160 1740,960' \
    -fill '#888888' -draw 'rectangle 220,200 900,230' -draw 'rectangle 220,260 1200,280' -draw 'rectangle 220,300 1100,320' \
    "$work/p2.png" -geometry +1240+520 -composite screenshot-1920x1080.png
qr "$P1" "$work/p1big.png" 10 4
convert "$work/p1big.png" -virtual-pixel white -background white \
    -distort Perspective '0,0 30,20  410,0 380,40  0,410 10,400  410,410 400,390' \
    -rotate 11 -blur 0x1.2 -attenuate 0.4 -seed 7 +noise Gaussian -resize 800x800 -quality 85 photo-skewed-noisy.jpg
convert "$work/p1.png" -level 0%,100% +level 38%,66% low-contrast.png
qr "$P1" no-quiet-zone.png 6 0
convert "$work/p1.png" -negate inverted.png
qr "$P1" one-pixel-modules.png 1 4

# Several codes in one image: read in order, top to bottom then left to right.
qr "$P3" "$work/p3.png" 6 4
qr "$P2" "$work/p2b.png" 6 4
qr "$P1" "$work/p1s.png" 6 4
convert -size 900x700 xc:white "$work/p3.png" -geometry +520+20 -composite "$work/p1s.png" -geometry +20+30 -composite \
    "$work/p2b.png" -geometry +40+380 -composite three-codes.png
# A QR that is not an otpauth URI, alone and beside one that is.
qr "$URL" not-otpauth.png
qr "$URL" "$work/url.png" 6 4
convert -size 700x360 xc:white "$work/url.png" -geometry +10+10 -composite "$work/p1s.png" -geometry +360+10 -composite mixed-url-and-otpauth.png
# An image with no QR code at all.
convert -size 400x300 xc:white -fill '#3366cc' -draw 'circle 200,150 260,150' -fill black -draw 'rectangle 20,20 120,40' no-qr.png

# A Google Authenticator export in two QR codes (protobuf MigrationPayload written byte by byte).
python3 - "$work" <<'PY'
import base64, sys, urllib.parse
def field(n, b): return bytes([n << 3 | 2, len(b)]) + b
def varint(n, v): return bytes([n << 3, v])
def entry(secret, name, issuer, algo, digits, typ, counter=None):
    e = field(1, secret) + field(2, name.encode()) + field(3, issuer.encode()) + varint(4, algo) + varint(5, digits) + varint(6, typ)
    if counter is not None: e += varint(7, counter)
    return field(1, e)
part1 = entry(b"Hello!\xde\xad\xbe\xef", "Example:alice@example.com", "Example", 1, 1, 2) \
      + entry(b"12345678901234567890", "GitHub:bob", "GitHub", 2, 2, 2) \
      + varint(2, 1) + varint(3, 2) + varint(4, 0) + varint(5, 42)
part2 = entry(b"abcdefghij", "Corp VPN:carol", "Corp VPN", 1, 1, 1, 5) \
      + varint(2, 1) + varint(3, 2) + varint(4, 1) + varint(5, 42)
for i, p in enumerate([part1, part2], 1):
    uri = "otpauth-migration://offline?data=" + urllib.parse.quote(base64.b64encode(p).decode(), safe="")
    open(f"{sys.argv[1]}/export-{i}.txt", "w").write(uri)
PY
qrencode -l M -s 6 -m 4 -o google-export-1-of-2.png "$(cat "$work/export-1.txt")"
qrencode -l M -s 6 -m 4 -o google-export-2-of-2.png "$(cat "$work/export-2.txt")"
E1=$(cat "$work/export-1.txt"); E2=$(cat "$work/export-2.txt")

# Characters: raw UTF-8 in byte mode without an ECI (qrencode -8), and Shift JIS bytes likewise.
U1='otpauth://totp/Ünïcödé:bob?secret=JBSWY3DPEHPK3PXP&issuer=Ünïcödé'
printf '%s' "$U1" | qrencode -8 -l M -s 6 -o utf8-byte-mode.png -r /dev/stdin
printf '%s' 'テスト' | iconv -f UTF-8 -t SHIFT_JIS | qrencode -8 -l M -s 6 -o shift-jis-byte-mode.png -r /dev/stdin
# Byte mode after an ECI header (libqrencode's QRinput_appendECIheader; qrencode's command has no option
# for it): ISO 8859-1 bytes that are also valid Shift JIS (read without the ECI: a kanji), and Shift JIS.
E3='otpauth://totp/Renée:zoe?secret=JBSWY3DPEHPK3PXP&issuer=Renée'
/usr/bin/python3 - <<'PY'
import ctypes, sys
from PIL import Image
lib = ctypes.CDLL("libqrencode.so.4")
class QRcode(ctypes.Structure):
    _fields_ = [("version", ctypes.c_int), ("width", ctypes.c_int), ("data", ctypes.POINTER(ctypes.c_ubyte))]
lib.QRinput_new2.restype = ctypes.c_void_p
lib.QRinput_new2.argtypes = [ctypes.c_int, ctypes.c_int]
lib.QRinput_appendECIheader.argtypes = [ctypes.c_void_p, ctypes.c_uint]
lib.QRinput_append.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_char_p]
lib.QRcode_encodeInput.restype = ctypes.POINTER(QRcode)
lib.QRcode_encodeInput.argtypes = [ctypes.c_void_p]
def make(path, eci, data):
    qi = lib.QRinput_new2(0, 1)  # any version, level M
    assert lib.QRinput_appendECIheader(qi, eci) == 0
    assert lib.QRinput_append(qi, 2, len(data), data) == 0  # QR_MODE_8
    code = lib.QRcode_encodeInput(qi).contents
    w, scale, margin = code.width, 6, 4
    img = Image.new("L", ((w + 2 * margin) * scale,) * 2, 255)
    for y in range(w):
        for x in range(w):
            if code.data[y * w + x] & 1:
                for dy in range(scale):
                    for dx in range(scale):
                        img.putpixel(((x + margin) * scale + dx, (y + margin) * scale + dy), 0)
    img.save(path)
# ECI 000003: ISO 8859-1 bytes; ECI 000020: Shift JIS bytes.
make("eci-iso-8859-1.png", 3, "otpauth://totp/Renée:zoe?secret=JBSWY3DPEHPK3PXP&issuer=Renée".encode("iso-8859-1"))
make("eci-shift-jis.png", 20, "テスト".encode("shift_jis"))
PY

# Hostile and broken inputs.
: > empty.png
head -c 4096 /dev/urandom > random-bytes.png
head -c 700 png-rgb.png > truncated.png
# One byte of the image data flipped (its chunk CRC no longer matches either): a damaged PNG.
python3 -c '
b = bytearray(open("png-rgb.png", "rb").read())
i = b.index(b"IDAT") + 8
b[i] ^= 0xFF
open("crc-error.png", "wb").write(b)'
head -c "$(( $(stat -c %s jpeg-baseline.jpg) / 2 ))" jpeg-baseline.jpg > truncated.jpg
printf 'GIF89a\x10\x00' > truncated-header.gif
# gdk-pixbuf accepts these cut short without an error; their headers declare the full length.
head -c 3000 bmp.bmp > truncated.bmp
head -c "$(( $(stat -c %s webp.webp) / 2 ))" webp.webp > truncated.webp
# A real JPEG whose frame header (SOF) claims 65500 x 65500 pixels.
python3 - <<'PY'
d = bytearray(open("jpeg-baseline.jpg", "rb").read())
i = 2
while not (d[i] == 0xFF and d[i + 1] in (0xC0, 0xC1, 0xC2)):
    i += 2 + int.from_bytes(d[i + 2:i + 4], "big")
d[i + 5:i + 9] = (65500).to_bytes(2, "big") * 2
open("jpeg-header-65500x65500.jpg", "wb").write(d)
PY
# 20000 x 20000 single-colour PNG: a few kilobytes on disk, 400 megapixels when decoded.
python3 - <<'PY'
import struct, zlib
w = h = 20000
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
c = zlib.compressobj(9)
row = b"\x00" + b"\xff" * (w // 8)
body = b"".join(c.compress(row) for _ in range(h)) + c.flush()
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
open("huge-20000x20000.png", "wb").write(png)
PY

cat > expected.tsv <<TSV
# file	expected payloads in reading order (" | " between them), or error:REASON
png-grey.png	$P1
png-rgb.png	$P1
png-rgba-transparent.png	$P1
png-transparent-black.png	$P1
png-palette.png	$P1
png-16bit.png	$P1
png-interlaced.png	$P1
jpeg-baseline.jpg	$P1
jpeg-progressive.jpg	$P1
gif.gif	$P1
bmp.bmp	$P1
tiff.tiff	$P1
webp.webp	$P1
svg.svg	$P1
screenshot-1920x1080.png	$P2
photo-skewed-noisy.jpg	$P1
low-contrast.png	$P1
no-quiet-zone.png	$P1
inverted.png	$P1
one-pixel-modules.png	$P1
three-codes.png	$P1 | $P3 | $P2
not-otpauth.png	$URL
mixed-url-and-otpauth.png	$URL | $P1
google-export-1-of-2.png	$E1
google-export-2-of-2.png	$E2
utf8-byte-mode.png	$U1
shift-jis-byte-mode.png	テスト
eci-iso-8859-1.png	$E3
eci-shift-jis.png	テスト
no-qr.png	error:noQRCode
empty.png	error:empty
random-bytes.png	error:notAnImage
truncated.png	error:truncated
crc-error.png	error:corrupt
truncated.jpg	error:truncated
truncated-header.gif	error:corrupt
truncated.bmp	error:truncated
truncated.webp	error:truncated
jpeg-header-65500x65500.jpg	error:tooLarge
huge-20000x20000.png	error:tooLarge
TSV
echo "made $(wc -l < expected.tsv) rows"
