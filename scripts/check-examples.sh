#!/usr/bin/env bash
# Builds every example and the checker, runs all examples at once, each checked
# against its reference in expected-output/, and prints a pass/fail table.
# Exit status: 0 when every example passes.
#
#   scripts/check-examples.sh              # real time
#   SYNC_KIT_TIME_SCALE=0.05 scripts/check-examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --workspace --locked --quiet
golden=target/debug/golden
scale_args=()
if [ -n "${SYNC_KIT_TIME_SCALE:-}" ]; then
    scale_args=(--time-scale "$SYNC_KIT_TIME_SCALE")
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

names=()
for spec in expected-output/*.txt; do
    names+=("$(basename "$spec" .txt)")
done

for name in "${names[@]}"; do
    (
        status=0
        "$golden" run "$name" "${scale_args[@]}" >"$logs/$name.log" 2>&1 || status=$?
        echo "$status" >"$logs/$name.status"
    ) &
done
wait

failed=0
printf '%-32s %s\n' "example" "result"
for name in "${names[@]}"; do
    status=$(cat "$logs/$name.status")
    case "$status" in
        0) verdict="pass" ;;
        1) verdict="FAIL (output differs)"; failed=$((failed + 1)) ;;
        *) verdict="ERROR (exit $status)"; failed=$((failed + 1)) ;;
    esac
    printf '%-32s %s\n' "$name" "$verdict"
done
for name in "${names[@]}"; do
    if [ "$(cat "$logs/$name.status")" != 0 ]; then
        printf '\n--- %s ---\n' "$name"
        cat "$logs/$name.log"
    fi
done
printf '\n%d passed, %d failed\n' "$(( ${#names[@]} - failed ))" "$failed"
[ "$failed" = 0 ]
