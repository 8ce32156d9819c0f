#!/usr/bin/env bash
# Renders timeline pictures to PNG so a person can look at them: each trace is
# checked (`timeline check`), drawn (`timeline svg`) and rasterised with
# rsvg-convert. Without trace arguments it renders the fixtures of
# crates/timeline/tests/fixtures.
#
#   scripts/render-timelines.sh [-o OUT_DIR] [--width PX] [TRACE.json ...]
#
# OUT_DIR defaults to $CARGO_TARGET_DIR/timelines (target/timelines). Each trace
# gives OUT_DIR/NAME.svg and OUT_DIR/NAME.png; the PNG paths are printed.
#
# Needs rsvg-convert (Debian package librsvg2-bin) and the DejaVu Sans Mono font
# (fonts-dejavu-core: the layout measures text in that font's widths). When
# either is missing the script installs it with apt-get, except under CI=true,
# where it says what to install and exits 1.
# Exit status: 0 all rendered, 1 a trace failed its check or a tool is missing,
# 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."

out=""
width=960
traces=()
while [ $# -gt 0 ]; do
    case "$1" in
        -o) out=${2:?-o needs a directory}; shift 2 ;;
        --width) width=${2:?--width needs a number}; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "render-timelines: unknown option $1" >&2; exit 2 ;;
        *) traces+=("$1"); shift ;;
    esac
done
if [ ${#traces[@]} -eq 0 ]; then
    traces=(crates/timeline/tests/fixtures/*.json)
fi
target=${CARGO_TARGET_DIR:-target}
out=${out:-$target/timelines}

need=()
command -v rsvg-convert >/dev/null 2>&1 || need+=(librsvg2-bin)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list | grep -q "DejaVu Sans Mono"; }; then
    need+=(fonts-dejavu-core)
fi
if [ ${#need[@]} -gt 0 ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "render-timelines: missing ${need[*]}: install with 'apt-get install ${need[*]}' (not done under CI=true)" >&2
        exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "render-timelines: missing ${need[*]} and no apt-get: install rsvg-convert and the DejaVu fonts by hand" >&2
        exit 1
    fi
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "render-timelines: installing ${need[*]}" >&2
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --quiet --locked -p timeline --bin timeline
bin=$target/debug/timeline
mkdir -p "$out"

status=0
for trace in "${traces[@]}"; do
    name=$(basename "$trace" .json)
    if ! "$bin" check "$trace" >/dev/null; then
        status=1
        continue
    fi
    "$bin" svg "$trace" -o "$out/$name.svg" --width "$width"
    rsvg-convert "$out/$name.svg" -o "$out/$name.png"
    echo "$out/$name.png"
done
exit $status
