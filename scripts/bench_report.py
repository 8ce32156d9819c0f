#!/usr/bin/env python3
"""Joins the Rust harness's rows, CPython's figures and (if present) the golden
checker's into ONE table, checks the performance targets, and writes
DIR/results.json: a list of objects with the keys op, ours_ns, baseline,
baseline_ns, ratio, cpython_ns (ns; ratio = ours / baseline, lower is better;
null where there is nothing to compare).

    python3 scripts/bench_report.py DIR    # DIR holds rust.json, cpython.json, golden.json?
"""

import json
import os
import sys


def load(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


def human(ns):
    if ns is None:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}" if ns / scale < 100 else f"{ns / scale:.0f} {unit}"
    return f"{ns:.3g} ns" if ns < 100 else f"{ns:.0f} ns"


def times(x):
    if x is None:
        return "-"
    return f"{x:.2f}x" if x < 10 else f"{x:.0f}x"


# (row key, what the target says, test on the row's ratio / speed-up)
TARGETS = [
    ("lock", "Lock <= 1.1x std Mutex", lambda r: r["ratio"] <= 1.1),
    ("rlock1", "RLock (depth 1) <= 1.1x std Mutex", lambda r: r["ratio"] <= 1.1),
    ("semaphore", "Semaphore <= 1.1x std Mutex", lambda r: r["ratio"] <= 1.1),
    ("event_flag", "Event <= 1.1x std Mutex<bool>", lambda r: r["ratio"] <= 1.1),
    ("event_pingpong", "Event ping-pong >= 3x faster than std Condvar ping-pong", lambda r: r["ratio"] <= 1 / 3),
    ("condition_handoff", "Condition round trip >= 3x faster than std Condvar ping-pong", lambda r: r["ratio"] <= 1 / 3),
    ("event_pingpong_busy", "Event ping-pong beside busy threads <= 1x std", lambda r: r["ratio"] <= 1.0),
    ("condition_handoff_busy", "Condition round trip beside busy threads <= 1x std", lambda r: r["ratio"] <= 1.0),
    ("thread_start_join", "Thread start+join <= 1.1x std", lambda r: r["ratio"] <= 1.1),
    ("contended2_pl", "contended counter, 2 threads <= 1x parking_lot", lambda r: r["ratio"] <= 1.0),
    ("contended4_pl", "contended counter, 4 threads <= 1x parking_lot", lambda r: r["ratio"] <= 1.0),
    ("contended16_pl", "contended counter, 16 threads <= 1x parking_lot", lambda r: r["ratio"] <= 1.0),
    ("notify_all_1000", "notify_all to 1,000 waiters <= 0.7x std", lambda r: r["ratio"] <= 0.7),
]


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "target/bench"
    rust = load(os.path.join(out_dir, "rust.json"))
    if rust is None:
        sys.exit(f"bench_report: no {out_dir}/rust.json (run the harness first)")
    cpython = load(os.path.join(out_dir, "cpython.json"), {})
    golden = load(os.path.join(out_dir, "golden.json"))

    rows, keyed = [], {}
    for r in rust["rows"]:
        ours, base = r["ours_ns"], r["baseline_ns"]
        row = {
            "op": r["op"],
            "ours_ns": ours,
            "baseline": r["baseline"],
            "baseline_ns": base,
            "ratio": round(ours / base, 3) if base else None,
            "cpython_ns": cpython.get(r["cpython_key"]),
        }
        rows.append(row)
        keyed[r["key"]] = row

    golden_note = None
    if golden and "golden_100k" in golden and "golden_1m" in golden:
        small, big = golden["golden_100k"], golden["golden_1m"]
        rows.append({"op": "golden check, 100,000 lines", "ours_ns": small,
                     "baseline": "-", "baseline_ns": None, "ratio": None, "cpython_ns": None})
        big_row = {"op": "golden check, 1,000,000 lines from 1,000 threads", "ours_ns": big,
                   "baseline": "golden check, 100,000 lines", "baseline_ns": small,
                   "ratio": round(big / small, 3) if small else None, "cpython_ns": None}
        rows.append(big_row)
        keyed["golden_1m"] = big_row
        if "golden_1m_parse" in golden:
            rows.append({"op": "golden parse of the 1,000,000-line reference", "ours_ns": golden["golden_1m_parse"],
                         "baseline": "-", "baseline_ns": None, "ratio": None, "cpython_ns": None})
    else:
        golden_note = (golden or {}).get("note", "golden benchmark not run")

    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(rows, f, indent=2)
        f.write("\n")

    # The table.
    head = ["operation", "sync-kit", "baseline", "baseline time", "ratio", "CPython", "speed-up vs CPython"]
    body = []
    for r in rows:
        speedup = r["cpython_ns"] / r["ours_ns"] if r["cpython_ns"] and r["ours_ns"] else None
        body.append([r["op"], human(r["ours_ns"]), r["baseline"], human(r["baseline_ns"]),
                     times(r["ratio"]), human(r["cpython_ns"]), times(speedup)])
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for cells in body:
        print(line(cells))
    print("\nratio = sync-kit / baseline (time: lower is better); speed-up = CPython / sync-kit.")
    if golden_note:
        print(f"golden rows skipped: {golden_note}")

    # Fairness of the contended counter.
    fairness = rust.get("fairness", [])
    if fairness:
        print("\nContended counter fairness (median over windows; per-thread acquisitions of the median window):")
        for f in fairness:
            counts = f["per_thread"]
            print(f"  {f['threads']:>2} threads  {f['variant']:<18} {human(f['ns_per_acquisition']):>9}/acq"
                  f"  min/max {f['min_over_max']:.2f}  std-dev/mean {f['cv']:.2f}"
                  f"  per thread: min {min(counts)} max {max(counts)}")

    # The targets.
    print("\nTargets:")
    missed = 0
    for key, text, test in TARGETS:
        r = keyed.get(key)
        if r is None or r["ratio"] is None:
            print(f"  [ -- ] {text}: not measured")
            continue
        ok = test(r)
        missed += not ok
        shown = times(r["ratio"])
        if key.startswith("contended"):
            shown += f" time per acquisition = {times(1 / r['ratio'])} parking_lot's throughput"
        print(f"  [{' ok ' if ok else 'MISS'}] {text}: {shown}")
    by = {(f["threads"], f["variant"]): f for f in fairness}
    for threads in sorted({f["threads"] for f in fairness}):
        ours, std = by.get((threads, "sync-kit Lock")), by.get((threads, "std Mutex"))
        if ours and std:
            ok = ours["min_over_max"] >= std["min_over_max"]
            missed += not ok
            print(f"  [{' ok ' if ok else 'MISS'}] contended fairness, {threads} threads, min/max >= std's:"
                  f" {ours['min_over_max']:.2f} vs {std['min_over_max']:.2f}")
    slow = [r for r in rows if r["cpython_ns"] and r["ours_ns"] and r["cpython_ns"] / r["ours_ns"] < 10]
    seen = set()
    for r in slow:
        if r["op"] in seen:
            continue
        seen.add(r["op"])
        missed += 1
        print(f"  [MISS] >= 10x faster than CPython: {r['op']}: {times(r['cpython_ns'] / r['ours_ns'])}")
    if not slow:
        print("  [ ok ] every operation >= 10x faster than CPython")
    g = keyed.get("golden_1m")
    if g:
        ok = g["ours_ns"] <= 1e9 and g["ratio"] is not None and g["ratio"] <= 12
        missed += not ok
        print(f"  [{' ok ' if ok else 'MISS'}] golden 1M lines <= 1 s and <= 12x the 100k time:"
              f" {human(g['ours_ns'])}, {times(g['ratio'])}")
    else:
        print("  [ -- ] golden 1M lines <= 1 s and <= 12x the 100k time: not measured")
    print(f"\n{missed} target(s) missed. Rows written to {out_dir}/results.json")


if __name__ == "__main__":
    main()
