#!/usr/bin/env bash
# Remakes the recovery-code fixtures: a text file laid out as GitHub hands them out, and a PDF with
# two columns of codes as Google's "Backup codes" page does, written by hand below (a minimal PDF with
# one text page, Helvetica). The codes are made up. expected-*.txt hold the codes each must yield.
set -euo pipefail
cd "$(dirname "$0")"
cat > github-recovery-codes.txt <<'TXT'
Your two-factor recovery codes (keep them somewhere safe):

1. a7c3e-9f21b
2. 04d9b-77ce2
3. 5e1f0-c4a83
4. b82d6-13f7e

Generated 2026-11-29. Each code can be used once.
TXT
printf '%s\n' a7c3e-9f21b 04d9b-77ce2 5e1f0-c4a83 b82d6-13f7e > expected-github.txt
python3 - <<'PY'
lines = ["Backup codes", "Keep these backup codes somewhere safe but accessible.", "",
         "1. 4812 0937        2. 7750 1264", "3. 3306 9921        4. 5168 4470",
         "5. 9023 6655        6. 2741 8309", "", "alice@example.com", "Each code can be used only once."]
text = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join("(%s) Tj T*" % l.replace("(", "\\(").replace(")", "\\)") for l in lines) + " ET"
objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    "<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
]
out = b"%PDF-1.4\n"
offsets = []
for i, body in enumerate(objects, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n%s\nendobj\n" % (i, body.encode())
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
open("google-backup-codes.pdf", "wb").write(out)
PY
printf '%s\n' '4812 0937' '7750 1264' '3306 9921' '5168 4470' '9023 6655' '2741 8309' > expected-google.txt
