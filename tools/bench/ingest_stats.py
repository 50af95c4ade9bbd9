#!/usr/bin/env python3
"""The results of tools/bench/ingest.sh (python3, standard library only).

Usage (ingest.sh calls it):
  ingest_stats.py run SCENARIO RUN FSYNC REPORT_JSON
      one run's JSON line: the load generator's report with "scenario", "run" and "fsync" in front
  ingest_stats.py summary RESULTS_JSONL
      the medians per scenario, each scenario's bets/s per run, the server's CPU by thread family (medians of the
      reports' server_thread_cpu_s) and the worst first Ack against the README's bound
"""
import json
import statistics
import sys

KEYS = ["bets_per_s", "fraction_of_ceiling", "loopback_ceiling_bets_per_s", "disk_ceiling_bets_per_s",
        "ack_p50_ms", "ack_p99_ms", "ack_max_ms", "first_ack_max_ms", "draw_wait_s", "server_cpu_s",
        "server_peak_rss_mb", "generator_cpu_s"]
# The server's thread families shown per scenario (server_thread_cpu_s: io, lottery, the JIT's compilers, ...).
THREAD_FAMILIES = 8
# No starvation: README states a bound on how long the last agency waits for its first Ack.
FIRST_ACK_BOUND_MS = 5000


def run_line(name, run, fsync, path):
    report = json.load(open(path))
    report = {"scenario": name, "run": int(run), "fsync": fsync == "true", **report}
    print(json.dumps(report))


def summary(results):
    rows = [json.loads(line) for line in open(results)]
    print()
    print("medians per scenario (runs: %d each)" % (len(rows) // len({r["scenario"] for r in rows})))
    header = "%-15s %7s %9s" % ("scenario", "agencies", "bets") + "".join(" %12s" % k[:12] for k in KEYS)
    print(header)
    for name in dict.fromkeys(r["scenario"] for r in rows):
        group = [r for r in rows if r["scenario"] == name]
        line = "%-15s %7d %9d" % (name, group[0]["agencies"], group[0]["bets"])
        for k in KEYS:
            values = [r[k] for r in group if r.get(k) is not None]
            line += " %12s" % (("%.3f" % statistics.median(values)).rstrip("0").rstrip(".") if values else "n/a")
        print(line)
    print()
    for name in dict.fromkeys(r["scenario"] for r in rows):
        group = [r for r in rows if r["scenario"] == name]
        print("%s bets_per_s per run: %s" % (name, ", ".join(str(r["bets_per_s"]) for r in group)))
    for name in dict.fromkeys(r["scenario"] for r in rows):
        group = [r.get("server_thread_cpu_s") or {} for r in rows if r["scenario"] == name]
        medians = {f: statistics.median(g.get(f, 0) for g in group) for f in set().union(*group)}
        shown = sorted((f for f in medians if medians[f] >= 0.05), key=lambda f: (-medians[f], f))[:THREAD_FAMILIES]
        if shown:
            print("%s server CPU s by thread family (medians): %s"
                  % (name, ", ".join("%s %.2f" % (f, medians[f]) for f in shown)))
    for name in dict.fromkeys(r["scenario"] for r in rows):
        worst = max(r["first_ack_max_ms"] for r in rows if r["scenario"] == name)
        print("%s last agency's first Ack, worst run: %.0f ms (bound %d ms: %s)"
              % (name, worst, FIRST_ACK_BOUND_MS, "met" if worst <= FIRST_ACK_BOUND_MS else "NOT met"))


COMMANDS = {"run": (run_line, 4), "summary": (summary, 1)}

if __name__ == "__main__":
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command not in COMMANDS or COMMANDS[command][1] != len(args):
        sys.exit(__doc__)
    COMMANDS[command][0](*args)
