#!/usr/bin/env python3
"""The measurements and the report of tools/bench/scale.sh (python3, standard library only).

Usage (scale.sh calls it; each command prints one JSON line, or the report):
  scale_stats.py pg-snapshot POSTMASTER_PID WAL_JSON
      cumulative CPU seconds of PostgreSQL's processes by role and of the machine (/proc/stat), with WAL_JSON's
      fields (the WAL position and the next transaction id, read by psql just before)
  scale_stats.py threads PID...
      the servers' CPU seconds per thread name over their life, digits of the names replaced by #
  scale_stats.py ceiling RUN ROWS START_NS END_NS
      the ceiling run's line: ROWS COPYed by one psql between the two times (date +%s%N)
  scale_stats.py run BULK SERVERS RUN REPORT_JSON BEFORE AFTER WAL THREADS
      one run's line: the load generator's report plus what changed between the two pg-snapshot lines, the
      pg_stat_wal row and the threads line
  scale_stats.py summary RESULTS_JSONL CEILINGS_JSONL
      the table of medians per (bulk, server count) and each configuration's runs
"""
import json
import os
import re
import statistics
import sys

HZ = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime,
    [14] cstime."""
    text = open("/proc/%s/stat" % pid).read()
    return text[text.rindex(")") + 2:].split()


def role(pid):
    title = open("/proc/%s/cmdline" % pid).read().replace("\0", " ")
    for key, name in (("walwriter", "walwriter"), ("checkpointer", "checkpointer"), ("background writer", "bgwriter"),
                      ("autovacuum", "autovacuum"), ("logical replication", "other"), ("archiver", "other"),
                      ("walsender", "other"), ("stats", "other")):
        if key in title:
            return name
    return "backends"


def pg_snapshot(postmaster, wal):
    postmaster, wal = int(postmaster), json.loads(wal)  # wal: the WAL position and next xid
    f = proc_stat(postmaster)
    cpu = {"postmaster": (int(f[11]) + int(f[12])) / HZ, "exited": (int(f[13]) + int(f[14])) / HZ}
    backends = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            f = proc_stat(pid)
            if int(f[1]) != postmaster:
                continue
            name = role(pid)
            seconds = sum(int(x) for x in f[11:15]) / HZ
            cpu[name] = cpu.get(name, 0) + seconds
            if name == "backends":
                backends[pid] = seconds
        except (OSError, ValueError, IndexError):
            pass  # gone meanwhile: its CPU is in the postmaster's cutime next time
    machine = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    print(json.dumps({"pg_cpu": cpu, "backends": backends, "machine": dict(zip(
        ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"], [m / HZ for m in machine])), **wal}))


def thread_cpu(*pids):
    threads = {}
    for pid in pids:
        try:
            tids = os.listdir("/proc/%s/task" % pid)
        except OSError:
            continue
        for tid in tids:
            try:
                text = open("/proc/%s/task/%s/stat" % (pid, tid)).read()
            except OSError:
                continue
            name = re.sub(r"[0-9]+", "#", text[text.index("(") + 1:text.rindex(")")])
            f = text[text.rindex(")") + 2:].split()
            threads[name] = threads.get(name, 0) + (int(f[11]) + int(f[12])) / HZ
    print(json.dumps({k: round(v, 2) for k, v in sorted(threads.items(), key=lambda kv: -kv[1]) if v >= 0.05}))


def ceiling_line(run, n, start, end):
    run, n, start, end = int(run), int(n), int(start), int(end)
    seconds = (end - start) / 1e9
    print(json.dumps({"ceiling": "psql \\copy, one transaction", "run": run, "bets": n, "seconds": round(seconds, 3),
                      "bets_per_s": round(n / seconds)}))


def run_line(bulk, count, run, path, before, after, wal, threads):
    report, before, after, wal = json.load(open(path)), json.loads(before), json.loads(after), json.loads(wal)
    busiest = sorted((after["backends"][p] - before["backends"].get(p, 0) for p in after["backends"]), reverse=True)
    pg = {k: round(after["pg_cpu"].get(k, 0) - before["pg_cpu"].get(k, 0), 2)
          for k in sorted(set(after["pg_cpu"]) | set(before["pg_cpu"]))}
    machine = {k: after["machine"][k] - before["machine"][k] for k in after["machine"]}
    total = sum(machine.values()) or 1
    out = {"bulk": bulk, "servers_n": int(count), "run": int(run), **report,
           "pg_cpu_s": round(sum(pg.values()), 2), "pg_cpu_by_role_s": pg,
           # the busiest client backends (a server's connections each have one), CPU seconds in the window
           "pg_busiest_backends_s": [round(b, 2) for b in busiest[:4]],
           "server_threads_cpu_s": json.loads(threads),
           "machine_busy": round(1 - (machine["idle"] + machine["iowait"]) / total, 3),
           "machine_iowait": round(machine["iowait"] / total, 3),
           "write_xacts": after["xid"] - before["xid"], "wal_mb": round((after["lsn"] - before["lsn"]) / 1e6, 1),
           # pg_stat_wal from the reset after the servers' start to their stop (the draw and shutdown included)
           "wal_records": wal["wal_records"], "wal_writes": wal["wal_write"], "wal_fsyncs": wal["wal_sync"],
           "wal_fsync_ms": round(wal["wal_sync_ms"], 1), "wal_write_ms": round(wal["wal_write_ms"], 1)}
    print(json.dumps(out))


def summary(results, ceilings):
    rows = [json.loads(line) for line in open(results)]
    ceilings = [json.loads(line) for line in open(ceilings)]
    ceiling = statistics.median(c["bets_per_s"] for c in ceilings)
    med = lambda group, key: statistics.median(r[key] for r in group)  # noqa: E731
    print()
    print("medians per configuration (%d runs each); ratio = median bets/s / the same bulk's 1-server median, this"
          " invocation" % (len(rows) // len({(r["bulk"], r["servers_n"]) for r in rows})))
    print("%-6s %7s %10s %6s %8s %8s %8s %7s %6s %7s %8s %8s %9s %8s %8s" % (
        "bulk", "servers", "bets_per_s", "ratio", "of_ceil", "srv_cpu", "pg_cpu", "be_core", "busy", "iowait",
        "ingest_s", "ack_p99", "write_tx", "fsyncs", "fsync_ms"))
    for key in dict.fromkeys((r["bulk"], r["servers_n"]) for r in rows):
        group = [r for r in rows if (r["bulk"], r["servers_n"]) == key]
        base = [r for r in rows if r["bulk"] == key[0] and r["servers_n"] == 1]
        ratio = med(group, "bets_per_s") / med(base, "bets_per_s") if base else float("nan")
        be_core = statistics.median(r["pg_busiest_backends_s"][0] / r["ingest_s"] if r["pg_busiest_backends_s"] else 0
                                    for r in group)
        print("%-6s %7d %10.0f %6.2f %8.3f %8.2f %8.2f %7.2f %6.2f %7.3f %8.2f %8.1f %9.0f %8.0f %8.1f" % (
            key[0], key[1], med(group, "bets_per_s"), ratio, med(group, "bets_per_s") / ceiling,
            med(group, "server_cpu_s"), med(group, "pg_cpu_s"), be_core, med(group, "machine_busy"),
            med(group, "machine_iowait"),
            med(group, "ingest_s"), med(group, "ack_p99_ms"), med(group, "write_xacts"), med(group, "wal_fsyncs"),
            med(group, "wal_fsync_ms")))
    print("columns: srv_cpu = the servers' CPU s during the load generator's run (summed), pg_cpu = PostgreSQL's (all"
          " processes), be_core = the busiest client backend's CPU s / ingest_s (1.0 = one core), busy / iowait = shares"
          " of the machine's CPU time, write_tx = write transactions, fsyncs / fsync_ms = pg_stat_wal's WAL fsyncs and"
          " their time (servers' start to stop)")
    print("ceiling: one psql \\copy of the same %d rows in one transaction, median %.0f bets/s (runs: %s)" % (
        ceilings[0]["bets"], ceiling, ", ".join(str(c["bets_per_s"]) for c in ceilings)))
    print()
    for key in dict.fromkeys((r["bulk"], r["servers_n"]) for r in rows):
        group = [r for r in rows if (r["bulk"], r["servers_n"]) == key]
        median_run = sorted(group, key=lambda r: r["bets_per_s"])[len(group) // 2]
        print("%s x %d servers bets_per_s per run: %s; median run (%d): PostgreSQL CPU by role %s, busiest backends %s,"
              " server threads (life) %s" % (key[0], key[1], ", ".join(str(r["bets_per_s"]) for r in group),
                                             median_run["run"], median_run["pg_cpu_by_role_s"],
                                             median_run["pg_busiest_backends_s"],
                                             dict(list(median_run["server_threads_cpu_s"].items())[:8])))


COMMANDS = {"pg-snapshot": (pg_snapshot, 2), "threads": (thread_cpu, None), "ceiling": (ceiling_line, 4),
            "run": (run_line, 8), "summary": (summary, 2)}

if __name__ == "__main__":
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command not in COMMANDS or COMMANDS[command][1] not in (None, len(args)):
        sys.exit(__doc__)
    COMMANDS[command][0](*args)
