#!/usr/bin/env bash
# Regenerates the timeline picture of every example (docs/timelines/NAME.svg)
# from its fixed simulation seed (docs/timelines/seeds.txt, default 1). Each
# example's golden test fails when its committed picture is stale.
# With --png, also renders PNGs into target/timelines/ to look at
# (scripts/render-timelines.sh needs rsvg-convert).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q --workspace --bins
names=$(ls expected-output | sed 's/\.txt$//')
for name in $names; do
    "${CARGO_TARGET_DIR:-target}"/debug/golden timeline "$name"
done
if [ "${1:-}" = "--png" ]; then
    mkdir -p target/timelines
    for name in $names; do
        rsvg-convert -w 960 "docs/timelines/$name.svg" -o "target/timelines/$name.png"
    done
    echo "PNGs in target/timelines/"
fi
