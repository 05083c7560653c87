#!/usr/bin/env bash
# What the secret type costs `code` and `list`: each binary given, in one run, on the same private
# keyring and the same unlocked vault, 100 and 1000 accounts. Used to compare the build before and after
# a change to SecretBytes, and the build with mlock against one without it (AUTHV_NO_MLOCK):
#   Benchmarks/secrets.sh                 builds both release binaries (normal, and -DAUTHV_NO_MLOCK in
#                                          .build-nomlock), then measures them
#   Benchmarks/secrets.sh BIN [BIN...]    measures these binaries
# Prints one Markdown table of medians (ms); RUNS (default 30) runs per cell.
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
# Each cell runs the binaries in turn, RUNS rounds (interleaved, so that the machine's load falls on all
# alike), and gives the median wall time and the median CPU time (user + system, from wait4's rusage:
# what the process itself spent, far less disturbed by other processes than the wall time).
cat > "$out/measure.py" <<'PY'
import os, statistics, sys, time
runs, args, bins = int(sys.argv[1]), sys.argv[2].split(), sys.argv[3:]
wall = {b: [] for b in bins}; cpu = {b: [] for b in bins}
for r in range(runs + 2):
    for b in bins:
        devnull = os.open(os.devnull, os.O_WRONLY)
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.dup2(devnull, 1); os.dup2(devnull, 2)
            os.execv(b, [b] + args)
        _, status, usage = os.wait4(pid, 0)
        end = time.monotonic()
        os.close(devnull)
        if os.waitstatus_to_exitcode(status) != 0: sys.exit("%s %s failed" % (b, args))
        if r >= 2:  # two warm-up rounds
            wall[b].append((end - start) * 1000); cpu[b].append((usage.ru_utime + usage.ru_stime) * 1000)
print(" ".join("%.2f/%.2f" % (statistics.median(wall[b]), statistics.median(cpu[b])) for b in bins))
PY
declare -A rows
measure() {  # measure LABEL: every binary's code and list now
    local label=$1 i=0 cells
    for command in "code site52" "list"; do
        read -r -a cells <<< "$(/usr/bin/python3 "$out/measure.py" "$runs" "$command" "${bins[@]}")"
        for i in $(seq 1 ${#bins[@]}); do
            rows["$label ${command%% *}|$i"]="${cells[$((i - 1))]/\// ms, cpu } ms"
        done
        labels+=("$label ${command%% *}")
    done
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
    for i in $(seq 1 ${#bins[@]}); do line+=" ${rows["$label|$i"]} |"; done
    echo "$line"
done
echo
echo "Each cell: median wall time, then median CPU time (user + system) of authv itself, over $runs runs of each binary"
echo "taken in turn; load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores."
