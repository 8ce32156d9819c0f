#!/usr/bin/env bash
# Model-checks sync-kit's primitives with loom (crates/sync-kit/tests/loom.rs).
#
# loom explores every interleaving of each model up to LOOM_MAX_PREEMPTIONS
# preemptions (2 by default, as tokio and crossbeam use). It builds in release
# mode under its own target directory, so the `--cfg loom` build does not
# invalidate the normal one. Extra arguments go to the test binary, e.g.
#   scripts/loom.sh condition
set -euo pipefail
cd "$(dirname "$0")/.."

export RUSTFLAGS="--cfg loom ${RUSTFLAGS:-}"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/loom}"

cargo test -p sync-kit --release --locked --test loom -- "$@"
