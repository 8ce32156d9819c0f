#!/usr/bin/env bash
# Runs every example N times at SYNC_KIT_TIME_SCALE=0.05 while both cores are
# kept busy by two spinning processes, and prints how many runs of each passed
# its reference check. Exit status: 0 only if every run of every example passed.
#
#   scripts/stress.sh 100
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:?usage: scripts/stress.sh N}
scale=${STRESS_TIME_SCALE:-0.05}
parallel=${STRESS_PARALLEL:-4}

cargo build --workspace --locked --quiet
golden=target/debug/golden

# Two busy loops: one per core, so the examples compete for CPU.
burners=()
for _ in 1 2; do
    ( while :; do :; done ) &
    burners+=($!)
done
trap 'kill "${burners[@]}" 2>/dev/null || true' EXIT

logs=$(mktemp -d)
names=()
for spec in expected-output/*.txt; do
    names+=("$(basename "$spec" .txt)")
done

export GOLDEN="$golden" SCALE="$scale" LOGS="$logs"
one_run() {
    # $1 = example, $2 = run number; keeps the log of a failed run.
    if "$GOLDEN" run "$1" --time-scale "$SCALE" >"$LOGS/$1.$2.log" 2>&1; then
        rm -f "$LOGS/$1.$2.log"
        touch "$LOGS/$1.$2.pass"
    fi
}
export -f one_run

# One job per (example, run); xargs keeps $parallel of them going.
for name in "${names[@]}"; do
    for i in $(seq 1 "$runs"); do
        printf '%s %s\n' "$name" "$i"
    done
done | xargs -P "$parallel" -n 2 bash -c 'one_run "$@"' _

failed=0
printf '%-32s %s\n' "example" "passed"
for name in "${names[@]}"; do
    passed=$(find "$logs" -name "$name.*.pass" | wc -l)
    [ "$passed" = "$runs" ] || failed=$((failed + 1))
    printf '%-32s %d/%d\n' "$name" "$passed" "$runs"
done
for log in "$logs"/*.log; do
    [ -e "$log" ] || break
    printf '\n--- first failure: %s ---\n' "$(basename "$log" .log)"
    cat "$log"
    break
done
echo "failed runs kept in $logs"
[ "$failed" = 0 ]
