#!/usr/bin/env bash
# Benchmarks, one command: sync-kit beside std, parking_lot and CPython's
# threading, measured in one run on this machine; prints one table and writes
# target/bench/results.json. Usage: scripts/bench.sh [--quick]
# (--quick takes few samples: a smoke test of the pipeline, not a measurement).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=()
case "${1:-}" in
    --quick) quick=(--quick) ;;
    "") ;;
    *) echo "usage: scripts/bench.sh [--quick]" >&2; exit 2 ;;
esac

out=target/bench
mkdir -p "$out"
rm -f "$out"/rust.json "$out"/cpython.json "$out"/golden.json "$out"/results.json
load() { cut -d' ' -f1-3 /proc/loadavg; }
began=$(date +%s)
echo "machine: $(nproc) cores, $(python3 --version 2>&1), $(rustc --version)"
echo "load average (1/5/15 min) before: $(load)"

cargo build --release --locked -p bench --bin harness
"${CARGO_TARGET_DIR:-target}"/release/harness "${quick[@]}" --out "$out/rust.json"
python3 scripts/bench_cpython.py "${quick[@]}" --out "$out/cpython.json"

# --- golden ------------------------------------------------------------------
# The checker's benchmark prints one JSON object: check time in ns of 100,000
# lines and of 1,000,000 lines from 1,000 threads (and the 1M reference's parse
# time, reported apart). GOLDEN_BENCH_CMD overrides the command.
golden_cmd=${GOLDEN_BENCH_CMD:-"cargo run --release --locked -q -p golden --example bench -- --json"}
if ! $golden_cmd > "$out/golden.json"; then
    echo '{"note": "`'"$golden_cmd"'` failed"}' > "$out/golden.json"
fi
# -----------------------------------------------------------------------------

echo "load average (1/5/15 min) after:  $(load)"
echo "total: $(( $(date +%s) - began )) s"
echo
python3 scripts/bench_report.py "$out"
