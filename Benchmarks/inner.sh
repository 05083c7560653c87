#!/usr/bin/env bash
# The benchmark body; Benchmarks/run starts it inside a private keyring. Writes Benchmarks/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
authv="$AUTHV_BIN"
runs="$RUNS"
schema=io.github.authv.Account

# Test accounts with random secrets (made here; none is real).
make_uris() {  # make_uris FIRST LAST
    for i in $(seq "$1" "$2"); do
        printf 'otpauth://totp/Site%d:user%d@example.com?secret=%s&issuer=Site%d\n' "$i" "$i" \
            "$(head -c 20 /dev/urandom | base32 | tr -d '=')" "$i"
    done
}

# hyperfine's median in milliseconds, from its JSON export.
median() { python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"; }
bench() {  # bench NAME COMMAND...: hyperfine NAME; prints the median
    local name=$1; shift
    hyperfine -N -w 3 -r "$runs" --export-json "$out/$name.json" "$*" >/dev/null 2>&1 || \
        hyperfine -w 3 -r "$runs" --export-json "$out/$name.json" "$*" >/dev/null 2>&1
    median "$out/$name.json"
}
peak() {  # peak memory in MiB of one run of COMMAND
    /usr/bin/time -f '%M' -o "$out/peak" "$@" >/dev/null 2>&1 || true
    python3 -c 'import sys; print("%.1f" % (int(open(sys.argv[1]).read().split()[-1]) / 1024))' "$out/peak"
}
peaks_list() {  # the memory cell for authv list against secret-tool search
    echo "peak $(peak "$authv" list) MiB (secret-tool $(peak secret-tool search --all --unlock xdg:schema $schema) MiB)"
}
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }

rows=()
row() { rows+=("| $1 | $2 | $3 ms | $4 ms | **$(ratio "$3" "$4")x** | $5 | ${6:-} |"); }

# pass with pass-extension-otp: a GPG key without a passphrase, a password store of its own.
export GNUPGHOME="$out/gnupg" PASSWORD_STORE_DIR="$out/pass"
mkdir -m 700 -p "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key bench@authv.invalid default default never >/dev/null 2>&1
pass init bench@authv.invalid >/dev/null

# --- add of a text file with 100 URIs, against a shell loop of 100 secret-tool store ---
# Each timed run starts from an empty keyring and adds 100 new accounts (hyperfine's --prepare).
declare -f make_uris > "$out/make.sh"
prep_authv="bash -c 'secret-tool clear xdg:schema $schema || true; source $out/make.sh; make_uris 1 100 > $out/add.txt'"
cat > "$out/store100.sh" <<SH
#!/usr/bin/env bash
for i in \$(seq 1 100); do head -c 20 /dev/urandom | base32 | tr -d '=\\n' | secret-tool store --label="bench \$i" xdg:schema bench.Store n "\$i"; done
SH
chmod +x "$out/store100.sh"
hyperfine -r 10 -w 1 --prepare "$prep_authv" --export-json "$out/add100.json" "$authv add $out/add.txt" >/dev/null 2>&1
add100=$(median "$out/add100.json")
bash -c "$prep_authv"
padd100=$(peak "$authv" add "$out/add.txt")
hyperfine -r 10 -w 1 --prepare "bash -c 'secret-tool clear xdg:schema bench.Store || true'" --export-json "$out/store100.json" "$out/store100.sh" >/dev/null 2>&1
store100=$(median "$out/store100.json")
secret-tool clear xdg:schema bench.Store || true
pstore100=$(peak "$out/store100.sh")
row "\`authv add\` of 100 otpauth URIs (a text file)" "100 \`secret-tool store\` in a shell loop" "$add100" "$store100" "1.0x" \
    "peak $padd100 MiB (largest peer process $pstore100 MiB)"
secret-tool clear xdg:schema $schema || true
secret-tool clear xdg:schema bench.Store || true

# --- add of 1000 URIs, against 1000 secret-tool store; each into an empty keyring of its own ---
# gnome-keyring-daemon's time per new item grows with the items it holds, so both start from nothing:
# each run is a fresh private daemon (scripts/with-keyring inside this one). One run each: they are long.
n1000=${ADD_ROWS:-1000}
make_uris 1 "$n1000" > "$out/add1000.txt"
cat > "$out/store1000.sh" <<SH
#!/usr/bin/env bash
for i in \$(seq 1 $n1000); do head -c 20 /dev/urandom | base32 | tr -d '=\\n' | secret-tool store --label="bench \$i" xdg:schema bench.Store n "\$i"; done
SH
chmod +x "$out/store1000.sh"
elapsed() {  # elapsed OUTFILE SCHEMA COMMAND...: COMMAND's wall time in ms in a fresh keyring, checked
    local file=$1 stored_schema=$2; shift 2
    scripts/with-keyring bash -c 's=$EPOCHREALTIME; "$@" >/dev/null 2>&1; e=$EPOCHREALTIME
        echo "$s $e $(secret-tool search --all xdg:schema '"$stored_schema"' 2>/dev/null | grep -c "^secret = ")"' \
        elapsed "$@" > "$file"
    read -r s e stored < "$file"
    [ "$stored" = "$n1000" ] || { echo "benchmark: $* stored $stored of $n1000" >&2; exit 1; }
    python3 -c 'import sys; print("%.2f" % ((float(sys.argv[2]) - float(sys.argv[1])) * 1000))' "$s" "$e" > "$file"
}
elapsed "$out/a1000" "$schema" "$authv" add "$out/add1000.txt"
elapsed "$out/s1000" bench.Store "$out/store1000.sh"
row "\`authv add\` of $n1000 otpauth URIs (a text file), one run, empty keyring" "$n1000 \`secret-tool store\` in a shell loop, one run, empty keyring" \
    "$(cat "$out/a1000")" "$(cat "$out/s1000")" "1.0x"

# --- add --dry-run of 100 000 lines against 20 000: linear time is 5x ---
python3 -c '
import base64, os, sys
for i in range(int(sys.argv[1])):
    print("otpauth://totp/Site%d:user%d@example.com?secret=%s&issuer=Site%d" % (i, i, base64.b32encode(os.urandom(20)).decode().rstrip("="), i))
' 100000 > "$out/dry100k.txt"
head -20000 "$out/dry100k.txt" > "$out/dry20k.txt"
# The two sizes run in turn, round after round (the order swapped each round), not in two blocks: a ratio
# near 5 is what linear time gives, and the machine's load drifting between two blocks moved it by more
# than the margin. Medians of 11 rounds, after one round of warm-up.
cat > "$out/inturn.py" <<'PY'
import statistics, subprocess, sys, time
authv, big, small = sys.argv[1:]
times = {big: [], small: []}
for round in range(12):
    for path in ((big, small) if round % 2 else (small, big)):
        start = time.perf_counter()
        subprocess.run([authv, "add", "--dry-run", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        if round: times[path].append((time.perf_counter() - start) * 1000)
print("%.2f %.2f" % (statistics.median(times[big]), statistics.median(times[small])))
PY
dry=$(python3 "$out/inturn.py" "$authv" "$out/dry100k.txt" "$out/dry20k.txt")
read -r dry100k dry20k <<< "$dry"
row "\`authv add --dry-run\` of 100 000 otpauth URIs" "the same of 20 000 (5x fewer), run in turn" "$dry100k" "$dry20k" "5.0x (linear)"

# --- 10, 100, 1000 accounts ---
make_uris 1 10 > "$out/u10.txt"
"$authv" add "$out/u10.txt" 2>/dev/null
list10=$(bench list10 "$authv" list)
search10=$(bench search10 secret-tool search --all --unlock xdg:schema $schema)
row "\`authv list\`, 10 accounts" "\`secret-tool search --all --unlock\`" "$list10" "$search10" "-" "$(peaks_list)"

make_uris 11 100 > "$out/u90.txt"
"$authv" add "$out/u90.txt" 2>/dev/null
sed -n 42p "$out/u90.txt" | pass otp insert bench/site52 >/dev/null 2>&1 || sed -n 42p "$out/u90.txt" | pass otp append bench/site52 >/dev/null
code100=$(bench code100 "$authv" code site52)
lookup100=$(bench lookup100 secret-tool lookup xdg:schema $schema issuer site52)
passotp=$(bench passotp pass otp code bench/site52)
pcode=$(peak "$authv" code site52)
row "\`authv code QUERY\`, 100 accounts" "\`secret-tool lookup\` (one item)" "$code100" "$lookup100" "1.0x" \
    "peak $pcode MiB (secret-tool $(peak secret-tool lookup xdg:schema $schema issuer site52) MiB)"
row "\`authv code QUERY\`, 100 accounts" "\`pass otp code NAME\`" "$code100" "$passotp" "0.35x" \
    "peak $pcode MiB (pass otp $(peak pass otp code bench/site52) MiB)"
list100=$(bench list100 "$authv" list)
search100=$(bench search100 secret-tool search --all --unlock xdg:schema $schema)
row "\`authv list\`, 100 accounts" "\`secret-tool search --all --unlock\`" "$list100" "$search100" "0.2x" "$(peaks_list)"

make_uris 201 1100 > "$out/u900.txt"
"$authv" add "$out/u900.txt" 2>/dev/null
n=$("$authv" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
list1000=$(bench list1000 "$authv" list)
search1000=$(bench search1000 secret-tool search --all --unlock xdg:schema $schema)
row "\`authv list\`, $n accounts" "\`secret-tool search --all --unlock\`" "$list1000" "$search1000" "0.1x" "$(peaks_list)"

# --- the vault file (unlocked: the key kept in the kernel keyring), against the same peers ---
printf 'bench vault password\n' > "$out/vault-password"
export AUTHV_VAULT="$out/vault.json" AUTHV_VAULT_PASSWORD_FILE="$out/vault-password"
"$authv" vault create 2>/dev/null
cat "$out/u10.txt" "$out/u90.txt" | "$authv" add - 2>/dev/null
# Each timed unlock starts locked (a kept key would be renewed without scrypt).
hyperfine -N -w 2 -r "$runs" --prepare "$authv lock" --export-json "$out/unlock.json" "$authv unlock --for 10m" >/dev/null 2>&1
scrypt_authv=$(median "$out/unlock.json")
# (A script file: bench joins its words into one command line, which a -c program would not survive.)
printf '%s\n' "import hashlib" "hashlib.scrypt(b'bench vault password', salt=bytes(32), n=2**15, r=8, p=1, maxmem=64<<20, dklen=32)" > "$out/scrypt.py"
scrypt_python=$(bench pyscrypt /usr/bin/python3 "$out/scrypt.py")
row "\`authv unlock\` (scrypt N=2^15 r=8 p=1, whole command)" "Python's \`hashlib.scrypt\`, same parameters (whole process)" "$scrypt_authv" "$scrypt_python" "1.1x" \
    "peak $(peak "$authv" unlock --for 10m) MiB (python $(peak /usr/bin/python3 "$out/scrypt.py") MiB)"
vcode=$(bench vcode "$authv" code site52)
vlookup=$(bench vlookup secret-tool lookup xdg:schema $schema issuer site52)
row "\`authv code QUERY\`, vault of 100 accounts, unlocked" "\`secret-tool lookup\` (one item)" "$vcode" "$vlookup" "1.0x" \
    "peak $(peak "$authv" code site52) MiB (secret-tool $(peak secret-tool lookup xdg:schema $schema issuer site52) MiB)"
"$authv" add "$out/u900.txt" 2>/dev/null
vn=$("$authv" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
vlist=$(bench vlist "$authv" list)
vsearch=$(bench vsearch secret-tool search --all --unlock xdg:schema $schema)
row "\`authv list\`, vault of $vn accounts, unlocked" "\`secret-tool search --all --unlock\` ($n keyring items)" "$vlist" "$vsearch" "0.1x" "$(peaks_list)"
"$authv" lock 2>/dev/null
# A plain Aegis file of 1000 accounts (Fixtures/imports/make_aegis.py) into an unlocked vault of its own:
# each timed run starts from a new, empty vault, unlocked (the scrypt of its creation is not timed).
/usr/bin/python3 Fixtures/imports/make_aegis.py bench-plain 1000 "$out/aegis1000-plain.json"
export AUTHV_VAULT="$out/import-vault.json"
hyperfine -r 10 -w 0 --prepare "bash -c 'rm -f $out/import-vault.json $out/import-vault.json.bak; $authv vault create 2>/dev/null; $authv unlock --for 10m 2>/dev/null'" \
    --export-json "$out/vimport.json" "$authv add $out/aegis1000-plain.json" >/dev/null 2>&1
vimport=$(median "$out/vimport.json")
row "\`authv add\` of a plain Aegis file of 1000 accounts into an unlocked vault" "one scrypt N=2^15 r=8 p=1 (Python's \`hashlib.scrypt\`, whole process)" "$vimport" "$scrypt_python" "1.0x" \
    "peak $(peak "$authv" add "$out/aegis1000-plain.json") MiB"
"$authv" lock 2>/dev/null
unset AUTHV_VAULT AUTHV_VAULT_PASSWORD_FILE

# --- images: authv add --dry-run against zbarimg on the same file ---
qrencode -l M -s 7 -m 4 -o "$out/qr300.png" "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"
convert "$out/qr300.png" -resize 300x300! "$out/qr-300x300.png"
for img in "$out/qr-300x300.png" Fixtures/qr/screenshot-1920x1080.png Fixtures/qr/large/photo-4000x3000.jpg; do
    name=$(basename "$img")
    a=$(bench "a-$name" "$authv" add --dry-run "$img")
    z=$(bench "z-$name" zbarimg -q --raw --nodbus "$img")
    pa=$(peak "$authv" add --dry-run "$img")
    pz=$(peak zbarimg -q --raw --nodbus "$img")
    case $name in qr-300*) t="0.85x";; screenshot*) t="0.7x";; *) t="0.15x, at most 40 MiB";; esac
    row "\`authv add --dry-run\` $name" "\`zbarimg -q --raw\`" "$a" "$z" "$t" "peak $pa MiB (zbarimg $pz MiB)"
done

# --- an encrypted Aegis vault of 1000 accounts into the keyring, against 1000 secret-tool store ---
# The vault is written by Fixtures/imports/make_aegis.py (not by authv); each timed run starts from a
# keyring without authv's items. The peer stores 1000 secrets, one process each, as a user would script it.
secret-tool clear xdg:schema $schema || true
/usr/bin/python3 Fixtures/imports/make_aegis.py bench 1000 "$out/aegis1000.json"
printf 'correct horse battery staple\n' > "$out/aegis-password"
cat > "$out/store1000.sh" <<SH
#!/usr/bin/env bash
for i in \$(seq 1 1000); do head -c 20 /dev/urandom | base32 | tr -d '=\\n' | secret-tool store --label="bench \$i" xdg:schema bench.Store n "\$i"; done
SH
chmod +x "$out/store1000.sh"
hyperfine -r 3 -w 0 --prepare "bash -c 'secret-tool clear xdg:schema $schema || true'" --export-json "$out/aegis1000.h.json" \
    "$authv add --password-file $out/aegis-password $out/aegis1000.json" >/dev/null 2>&1
aegis1000=$(median "$out/aegis1000.h.json")
secret-tool clear xdg:schema $schema || true
paegis1000=$(peak "$authv" add --password-file "$out/aegis-password" "$out/aegis1000.json")
secret-tool clear xdg:schema $schema || true
hyperfine -r 3 -w 0 --prepare "bash -c 'secret-tool clear xdg:schema bench.Store || true'" --export-json "$out/store1000.h.json" \
    "$out/store1000.sh" >/dev/null 2>&1
store1000=$(median "$out/store1000.h.json")
secret-tool clear xdg:schema bench.Store || true
row "\`authv add\` of an encrypted Aegis vault of 1000 accounts" "1000 \`secret-tool store\` in a shell loop" "$aegis1000" "$store1000" "0.2x" \
    "peak $paegis1000 MiB"

{
    echo "# Benchmark results"
    echo
    echo "Made by \`Benchmarks/run\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m); medians of $runs whole-process runs"
    echo "(hyperfine), all in one run on one private gnome-keyring-daemon. Ratios are authv's median over the peer's:"
    echo "below 1 means authv is faster. Absolute times on these shared machines are noisy; the ratios are the figures."
    echo "Load average at the end of the run (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| work | compared with | authv | peer | ratio | target | memory |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
} > Benchmarks/results.md
cat Benchmarks/results.md
