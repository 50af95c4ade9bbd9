#!/usr/bin/env python3
"""The database's availability as a client that only commits sees it (tools/ha/scenarios.sh).

    python3 tools/ha/probe.py PORT1,PORT2 SECONDS OUT

Every 0.1 s, one INSERT committed into the table probe of the database probe through whichever node of 127.0.0.1:PORT1
and 127.0.0.1:PORT2 is primary (libpq's multi-host connection string with target_session_attrs=read-write, connect
timeout 1 s); the connection is kept while it works and opened again after any error. Writes one line per attempt to
OUT: `EPOCH_MS ok` or `EPOCH_MS fail`, flushed at once. Ends after SECONDS or on SIGTERM. psycopg2 (python3-psycopg2)
comes with Debian's patroni package. A commit waits for the synchronous standby: `ok` means a commit was accepted.
"""
import signal
import sys
import time

import psycopg2


def main():
    ports, seconds, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    hosts = ",".join("127.0.0.1" for _ in ports.split(","))
    dsn = (f"host={hosts} port={ports} dbname=probe user=postgres connect_timeout=1 "
           "target_session_attrs=read-write application_name=ha-probe")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    end = time.monotonic() + seconds
    conn = None
    with open(out, "a", buffering=1) as log:
        while time.monotonic() < end:
            try:
                if conn is None:
                    conn = psycopg2.connect(dsn)
                with conn.cursor() as cur:
                    cur.execute("INSERT INTO probe DEFAULT VALUES")
                conn.commit()
                log.write(f"{int(time.time() * 1000)} ok\n")
            except psycopg2.Error:
                log.write(f"{int(time.time() * 1000)} fail\n")
                if conn is not None:
                    try:
                        conn.close()
                    except psycopg2.Error:
                        pass
                conn = None
            time.sleep(0.1)


if __name__ == "__main__":
    main()
