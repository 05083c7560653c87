#!/usr/bin/env bash
# Makes the large images that are too big to commit, into Fixtures/qr/large/ (ignored by git):
# a 4000x3000 JPEG "photo" of a QR code on a noisy background, a 108-megapixel (12000x9000) phone
# photo, and a 1920x1080 screenshot copy for the benchmarks. Deterministic (fixed seeds).
# The test and benchmark scripts run it when the files are missing. Needs qrencode, imagemagick.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p large
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
P1='otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example'
qrencode -l M -s 16 -m 4 -o "$work/qr.png" "$P1"
if [ ! -s large/photo-4000x3000.jpg ]; then
    convert -size 1000x750 xc:'#b8b0a0' -seed 3 -attenuate 0.6 +noise Gaussian -blur 0x2 -resize 4000x3000! \
        \( "$work/qr.png" -rotate 7 -background '#c8c0b0' \) -geometry +1500+900 -composite \
        -seed 4 -attenuate 0.3 +noise Gaussian -quality 88 large/photo-4000x3000.jpg
fi
if [ ! -s large/phone-12000x9000.jpg ]; then
    qrencode -l M -s 40 -m 4 -o "$work/qr40.png" "$P1"
    convert -limit area 2GP -limit memory 2GiB -size 1200x900 xc:'#a8a498' -seed 5 -attenuate 0.5 +noise Gaussian \
        -scale 12000x9000! "$work/qr40.png" -geometry +4500+3000 -composite -quality 85 large/phone-12000x9000.jpg
fi
