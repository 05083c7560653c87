#!/usr/bin/env bash
# What the secret type costs `code` and `list`: each binary given, in one run, on the same private
# keyring and the same unlocked vault, 100 and 1000 accounts. Used to compare the build before and after
# a change to SecretBytes, and the build with mlock against one without it (AUTHV_NO_MLOCK):
#   Benchmarks/secrets.sh                 builds both release binaries (normal, and -DAUTHV_NO_MLOCK in
#                                          .build-nomlock), then measures them
#   Benchmarks/secrets.sh BIN [BIN...]    measures these binaries
# Prints one Markdown table of hyperfine medians (ms); RUNS (default 30) runs per cell.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--inner" ]; then
    if [ $# -eq 0 ]; then
        normal=$(scripts/build-release)
        swift build -c release --static-swift-stdlib --product authv --build-path .build-nomlock -Xswiftc -DAUTHV_NO_MLOCK \
            2>&1 | { grep -Ev "prohibited flag|should be located" || true; } >&2
        set -- "$normal" "$(swift build -c release --static-swift-stdlib --product authv --build-path .build-nomlock --show-bin-path)/authv"
    fi
    exec scripts/with-keyring "$0" --inner "$@"
fi
shift
runs=${RUNS:-30}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
first=$1
make_uris() {  # make_uris FIRST LAST: test accounts with random secrets (none is real)
    for i in $(seq "$1" "$2"); do
        printf 'otpauth://totp/Site%d:user%d@example.com?secret=%s&issuer=Site%d\n' "$i" "$i" \
            "$(head -c 20 /dev/urandom | base32 | tr -d '=')" "$i"
    done
}
median() { /usr/bin/python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"; }
cell() {  # cell NAME COMMAND...: the median of COMMAND
    local name=$1; shift
    hyperfine -N -w 3 -r "$runs" --export-json "$out/$name.json" "$*" >/dev/null 2>&1
    median "$out/$name.json"
}
declare -A rows
measure() {  # measure LABEL: every binary's code and list now
    local label=$1 i=0
    for bin in "${bins[@]}"; do
        i=$((i + 1))
        rows["$label code|$i"]=$(cell "c$i-$RANDOM" "$bin" code site52)
    done
    i=0
    for bin in "${bins[@]}"; do
        i=$((i + 1))
        rows["$label list|$i"]=$(cell "l$i-$RANDOM" "$bin" list)
    done
    labels+=("$label code" "$label list")
}
bins=("$@")
labels=()
make_uris 1 100 > "$out/u100.txt"
make_uris 101 1000 > "$out/u900.txt"
"$first" add "$out/u100.txt" 2>/dev/null
measure "keyring, 100 accounts:"
"$first" add "$out/u900.txt" 2>/dev/null
measure "keyring, 1000 accounts:"
printf 'bench vault password\n' > "$out/vault-password"
export AUTHV_VAULT="$out/vault.json" AUTHV_VAULT_PASSWORD_FILE="$out/vault-password"
"$first" vault create 2>/dev/null
"$first" add "$out/u100.txt" 2>/dev/null
"$first" unlock --for 1h 2>/dev/null
measure "vault, 100 accounts:"
"$first" add "$out/u900.txt" 2>/dev/null
measure "vault, 1000 accounts:"
"$first" lock 2>/dev/null || true
header="| command |" rule="|---|"
for bin in "${bins[@]}"; do header+=" $bin |"; rule+="---|"; done
echo "$header"
echo "$rule"
for label in "${labels[@]}"; do
    line="| \`$label\` |"
    for i in $(seq 1 ${#bins[@]}); do line+=" ${rows["$label|$i"]} ms |"; done
    echo "$line"
done
echo
echo "Medians of $runs runs each (hyperfine -N); load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores."
