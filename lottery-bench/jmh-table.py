#!/usr/bin/env python3
"""Prints lottery-bench's JMH results (-rf json files, run with -prof gc) as a Markdown table, per bet.

Usage: python3 lottery-bench/jmh-table.py RUN.json [RUN2.json ...] [--earlier EARLIER.json]

Every benchmark reports per bet (or per agency-file row): @OperationsPerInvocation divides both the time and
gc.alloc.rate.norm by the bets of one operation. With several runs, each figure is the median over the runs (the
"runs" column lists every run's score instead of JMH's error of one run). A benchmark with a ...Before twin (the code before issue 11, run in the same
invocations) gets ratio columns: now / before, so below 1 is better. With --earlier (e.g. a run of the branch start),
that run's figures are shown too. Exits 1 if a file holds no result or was run without -prof gc.
"""
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        runs = json.load(f)
    results = {}
    for run in runs:
        name = run["benchmark"].rsplit(".", 2)
        key = name[-2] + "." + name[-1]
        alloc = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        results[key] = {
            "ns": run["primaryMetric"]["score"],
            "ns_err": run["primaryMetric"]["scoreError"],
            "bytes": None if alloc is None else alloc["score"],
        }
    return runs, results


def fmt(value, digits=1):
    if value is None:
        return "-"
    if value != value:  # NaN: JMH gives no error for a single iteration
        return "?"
    return f"{value:.{digits}f}"


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main(argv):
    args = argv[1:]
    before = {}
    if "--earlier" in args:
        at = args.index("--earlier")
        if at + 1 >= len(args):
            print(__doc__, file=sys.stderr)
            return 2
        before = load(args[at + 1])[1]
        del args[at:at + 2]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    loaded = [load(path) for path in args]
    for path, (_, results) in zip(args, loaded):
        if not results:
            print("no results in " + path, file=sys.stderr)
            return 1
        if any(r["bytes"] is None for r in results.values()):
            print(path + " was run without -prof gc: no allocation figures", file=sys.stderr)
            return 1
    keys = sorted(set.intersection(*(set(results) for _, results in loaded)))
    now = {}
    for key in keys:
        scores = [results[key]["ns"] for _, results in loaded]
        now[key] = {
            "ns": median(scores),
            "ns_err": loaded[0][1][key]["ns_err"] if len(loaded) == 1 else float("nan"),
            "bytes": median([results[key]["bytes"] for _, results in loaded]),
            "runs": scores,
        }
    runs = loaded[0][0]
    first = runs[0]
    print(f"JMH {first.get('jmhVersion')}, JDK {first.get('jdkVersion')} ({first.get('vmName')} "
          f"{first.get('vmVersion')}), {os.cpu_count()} cores (nproc of the machine printing this table), "
          f"forks {first.get('forks')}, warmup {first.get('warmupIterations')} x {first.get('warmupTime')}, "
          f"measurement {first.get('measurementIterations')} x {first.get('measurementTime')}")
    print(f"{len(loaded)} run(s); ns/bet and B/bet are medians over them")
    print()
    spread = "± (99.9%)" if len(loaded) == 1 else "runs (ns/bet)"
    header = f"| benchmark | ns/bet | {spread} | B/bet | ns vs Before (same runs) | B vs Before (same runs) |"
    if before:
        header += " ns/bet earlier run | B/bet earlier run |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for key in sorted(now):
        r = now[key]
        twin = now.get(key + "Before")
        ratio_ns = fmt(r["ns"] / twin["ns"], 2) if twin else ""
        ratio_b = fmt(r["bytes"] / twin["bytes"], 2) if twin and twin["bytes"] > 0.5 else ""
        spread = fmt(r["ns_err"]) if len(loaded) == 1 else " / ".join(fmt(score, 0) for score in r["runs"])
        row = f"| {key} | {fmt(r['ns'])} | {spread} | {fmt(r['bytes'])} | {ratio_ns} | {ratio_b} |"
        if before:
            b = before.get(key)
            row += f" {fmt(b['ns']) if b else ''} | {fmt(b['bytes']) if b else ''} |"
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
