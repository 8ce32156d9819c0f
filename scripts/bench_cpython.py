#!/usr/bin/env python3
"""CPython's `threading` doing what crates/bench's harness times in Rust.

Writes {key: ns per operation} as JSON (to --out, default stdout); the keys
match the harness's `cpython_key`s. Every figure is the median of many
samples; the cost of the empty Python loop around a single-threaded
operation is measured the same way and subtracted, so the CPython column is
the operation's own cost (this flatters CPython, never sync-kit).

    python3 scripts/bench_cpython.py [--quick] [--out FILE]
"""

import argparse
import json
import statistics
import sys
import threading
import time

NS = time.perf_counter_ns


def log(what):
    print(f"[cpython] {what}", file=sys.stderr, flush=True)


class Plan:
    def __init__(self, quick):
        self.rounds = 3 if quick else 21
        self.batch_ns = 1_000_000 if quick else 4_000_000
        self.round_trips = 20 if quick else 100
        self.starts = 5 if quick else 20
        self.window_s = 0.03 if quick else 0.2
        self.windows = 1 if quick else 5
        self.broadcasts = 2 if quick else 7


def per_call(fn, n):
    """ns per call of fn(n), a function that runs the operation n times."""
    t = NS()
    fn(n)
    return (NS() - t) / n


def calibrate(fn, batch_ns):
    n = 1
    while True:
        took = per_call(fn, n) * n
        if took >= batch_ns / 2 or n >= 1 << 30:
            return max(1, int(batch_ns / max(took / n, 0.01)))
        n *= 2


def uncontended(plan, fn):
    """Median ns per operation of fn(n), minus the empty loop's."""
    n = calibrate(fn, plan.batch_ns)
    n_empty = calibrate(empty_loop, plan.batch_ns)
    ours, empty = [], []
    for _ in range(plan.rounds):
        ours.append(per_call(fn, n))
        empty.append(per_call(empty_loop, n_empty))
    return max(statistics.median(ours) - statistics.median(empty), 0.0)


def empty_loop(n):
    for _ in range(n):
        pass


def lock_loop(lock):
    def run(n):
        for _ in range(n):
            with lock:
                pass

    return run


def semaphore_loop(sem):
    def run(n):
        for _ in range(n):
            with sem:
                pass

    return run


def event_loop(event):
    def run(n):
        for _ in range(n):
            event.set()
            event.is_set()
            event.clear()

    return run


class EventPingPong:
    def __init__(self):
        self.ping, self.pong = threading.Event(), threading.Event()

    def round_trip(self):
        self.ping.set()
        self.pong.wait()
        self.pong.clear()

    def serve(self, stop):
        self.ping.wait()
        self.ping.clear()
        quit = stop[0]
        self.pong.set()
        return quit


class ConditionHandoff:
    def __init__(self):
        self.cond = threading.Condition()
        self.partners_turn = False

    def round_trip(self):
        with self.cond:
            self.partners_turn = True
            self.cond.notify()
            while self.partners_turn:
                self.cond.wait()

    def serve(self, stop):
        with self.cond:
            while not self.partners_turn:
                self.cond.wait()
            quit = stop[0]
            self.partners_turn = False
            self.cond.notify()
            return quit


def round_trip_ns(plan, protocol):
    stop = [False]

    def partner():
        while not protocol.serve(stop):
            pass

    thread = threading.Thread(target=partner)
    thread.start()

    def run(n):
        for _ in range(n):
            protocol.round_trip()

    run(plan.round_trips)  # warm-up
    samples = [per_call(run, plan.round_trips) for _ in range(plan.rounds)]
    stop[0] = True
    protocol.round_trip()
    thread.join()
    return statistics.median(samples)


def contended_ns(plan, threads):
    """ns per acquisition, all threads together, for a fixed window."""
    results = []
    for _ in range(plan.windows):
        lock = threading.Lock()
        counter = [0]
        stop = [False]
        counts = [0] * threads
        start = threading.Barrier(threads + 1)

        def worker(i):
            start.wait()
            mine = 0
            while not stop[0]:
                with lock:
                    counter[0] += 1
                mine += 1
            counts[i] = mine

        workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        for w in workers:
            w.start()
        start.wait()
        t = NS()
        time.sleep(plan.window_s)
        stop[0] = True
        elapsed = NS() - t
        for w in workers:
            w.join()
        assert counter[0] == sum(counts)
        results.append(elapsed / max(1, sum(counts)))
    return statistics.median(results)


def start_join_ns(plan):
    def body():
        pass

    def run(n):
        for _ in range(n):
            t = threading.Thread(target=body)
            t.start()
            t.join()

    run(plan.starts)
    return statistics.median(per_call(run, plan.starts) for _ in range(plan.rounds))


def enumerate_ns(plan, n_threads=1000):
    release = threading.Event()
    crowd = [threading.Thread(target=release.wait) for _ in range(n_threads)]
    for t in crowd:
        t.start()
    assert len(threading.enumerate()) > n_threads

    def run(n):
        for _ in range(n):
            threading.enumerate()

    result = uncontended(plan, run)
    release.set()
    for t in crowd:
        t.join()
    return result


class Gate:
    """Counts threads reaching a point; the main thread sleeps until n have."""

    def __init__(self, n):
        self.n, self.count = n, 0
        self.cond = threading.Condition(threading.Lock())

    def arrive(self):
        with self.cond:
            self.count += 1
            if self.count == self.n:
                self.cond.notify()

    def wait_and_reset(self):
        with self.cond:
            while self.count < self.n:
                self.cond.wait()
            self.count = 0


def notify_all_ns(plan, n_threads=1000):
    STOP = -1
    cond = threading.Condition()
    state = {"generation": 0}
    waiting, woke = Gate(n_threads), Gate(n_threads)

    def waiter():
        with cond:
            seen = 0
            while seen != STOP:
                waiting.arrive()
                while state["generation"] == seen:
                    cond.wait()
                seen = state["generation"]
                woke.arrive()

    threads = [threading.Thread(target=waiter) for _ in range(n_threads)]
    for t in threads:
        t.start()

    def round_(generation):
        waiting.wait_and_reset()
        t = NS()
        with cond:
            state["generation"] = generation
            cond.notify_all()
        woke.wait_and_reset()
        return NS() - t

    round_(1)  # warm-up
    samples = [round_(g) for g in range(2, 2 + plan.broadcasts)]
    waiting.wait_and_reset()
    with cond:
        state["generation"] = STOP
        cond.notify_all()
    for t in threads:
        t.join()
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few samples (smoke test)")
    parser.add_argument("--out", help="write the JSON here")
    args = parser.parse_args()
    plan = Plan(args.quick)
    began = time.monotonic()
    out = {}

    log("uncontended Lock, RLock, Semaphore, Event")
    out["lock"] = uncontended(plan, lock_loop(threading.Lock()))
    out["rlock1"] = uncontended(plan, lock_loop(threading.RLock()))
    rlock = threading.RLock()
    with rlock:
        out["rlock2"] = uncontended(plan, lock_loop(rlock))
    out["semaphore"] = uncontended(plan, semaphore_loop(threading.Semaphore(1)))
    out["event_flag"] = uncontended(plan, event_loop(threading.Event()))

    log("Event ping-pong, Condition handoff")
    out["event_pingpong"] = round_trip_ns(plan, EventPingPong())
    out["condition_handoff"] = round_trip_ns(plan, ConditionHandoff())

    for n in (2, 4, 16):
        log(f"contended Lock counter, {n} threads")
        out[f"contended{n}"] = contended_ns(plan, n)

    log("Thread start+join")
    out["thread_start_join"] = start_join_ns(plan)
    log("enumerate() with 1,000 live threads")
    out["enumerate_1000"] = enumerate_ns(plan)
    log("notify_all to 1,000 waiters")
    out["notify_all_1000"] = notify_all_ns(plan)

    out = {k: round(v, 3) for k, v in out.items()}
    text = json.dumps(out, indent=2) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    log(f"done in {time.monotonic() - began:.1f} s ({sys.version.split()[0]})")


if __name__ == "__main__":
    main()
