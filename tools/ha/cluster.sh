#!/usr/bin/env bash
# The lottery's high-availability database on this machine's loopback: three etcd members (Raft), two PostgreSQL 15
# nodes managed by Patroni with synchronous replication (one primary, one synchronous standby), and the multi-host
# JDBC URL the lottery servers take (PgJDBC connects to whichever node is primary).
#
#   bash tools/ha/cluster.sh up        install what is missing (tools/ha/install.sh), start everything, print the URL
#   bash tools/ha/cluster.sh status    the members and their roles, the etcd leader, the URL
#   bash tools/ha/cluster.sh down      stop everything (Patroni stops its PostgreSQL), remove the directory
#
# Everything runs from HA_DIR (default ${TMPDIR:-/tmp}/lottery-ha): free ports on 127.0.0.1, never the packages'
# system services nor their default ports; PostgreSQL and Patroni run as the postgres OS user when this runs as root
# (PostgreSQL refuses root). `up` leaves the processes running (for a person to try, or for tools/ha/scenarios.sh) and
# stops what it started when a step fails; a second `up` on a running HA_DIR refuses. The settings and their reasons
# (ttl 10 s, synchronous_mode true, synchronous_mode_strict false) are in tools/ha/lib.sh and docs/SCALING.md.
# Every wait is bounded (etcd 30 s, the primary 90 s, the standby 120 s). Exit 0 done, 1 a step failed, 2 usage.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tools/lib.sh
. tools/lib.sh
# shellcheck source=tools/ha/lib.sh
. tools/ha/lib.sh
SAY_TAG=ha
HA_DIR=${HA_DIR:-${TMPDIR:-/tmp}/lottery-ha}

case ${1:-} in
    up)
        if ha_env 2>/dev/null && { ha_patroni_pid 1 || ha_patroni_pid 2; } >/dev/null; then
            echo "ha: a cluster already runs in $HA_DIR (bash tools/ha/cluster.sh down first)" >&2
            exit 1
        fi
        bash tools/ha/install.sh || exit 2
        rm -rf "$HA_DIR"
        say "starting 3 etcd members and 2 Patroni/PostgreSQL 15 nodes in $HA_DIR"
        trap 'ha_down; exit 130' INT TERM
        if ! ha_up; then
            ha_down
            echo "ha: start failed, logs in $HA_DIR" >&2
            exit 1
        fi
        trap - INT TERM
        ha_status
        echo "Lottery servers: SERVER_STORE=postgres SERVER_PG_URL='$(ha_url)' SERVER_PG_USER=postgres"
        echo "Stop: HA_DIR=$HA_DIR bash tools/ha/cluster.sh down"
        ;;
    status)
        ha_status
        ;;
    down)
        ha_down
        rm -rf "$HA_DIR"
        say "stopped, $HA_DIR removed"
        ;;
    -h | --help)
        sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        ;;
    *)
        echo "usage: bash tools/ha/cluster.sh up|status|down (--help)" >&2
        exit 2
        ;;
esac
