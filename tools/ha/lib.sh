# The high-availability set-up on loopback (sourced by tools/ha/cluster.sh and tools/ha/scenarios.sh, after
# tools/lib.sh): three etcd members and two PostgreSQL 15 nodes managed by Patroni with synchronous replication.
# Everything lives in HA_DIR (the caller sets it): ports and pids in HA_DIR/env, one directory per process.
#
# Patroni's settings (bootstrap DCS section), chosen for a lottery whose agencies wait for their Acks:
#   ttl 10, loop_wait 2, retry_timeout 4  the leader key lives 10 s without a refresh: a primary whose Patroni died
#                                         is replaced ~10 s later (Patroni's default is 30 s); loop_wait + 2 x
#                                         retry_timeout <= ttl, as Patroni requires for a leader not to lose its key
#                                         to a slow etcd
#   synchronous_mode: true                a commit returns once the standby has flushed it (synchronous_commit=on,
#                                         synchronous_standby_names set by Patroni), and Patroni promotes only the
#                                         node recorded as the synchronous standby: an acknowledged bet is on two
#                                         disks, and a failover never loses one
#   synchronous_mode_strict: false        with two nodes, strict mode would make the standby a second single point of
#                                         failure: its loss would stop every commit of the primary. Not strict, the
#                                         primary drops to asynchronous while the standby is gone (its bets then on
#                                         one disk, as with one PostgreSQL) and Patroni records that no node may be
#                                         promoted until the standby has caught up: availability kept, and still no
#                                         failover that could lose an acknowledged bet
#   maximum_lag_on_failover 1 MiB, use_pg_rewind, trust authentication on 127.0.0.1 only (a test set-up).
# shellcheck shell=bash

HA_PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
HA_SCOPE=lottery
HA_NODES=2
HA_ETCD=3

# ha_as_pg CMD...: runs CMD as the postgres OS user when this shell is root (PostgreSQL refuses root), else as is.
ha_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        HOME=$HA_DIR setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
    else
        "$@"
    fi
}

# ha_env: reads HA_DIR/env (ports, pids) into this shell; false when there is none.
ha_env() {
    [ -f "$HA_DIR/env" ] || return 1
    # shellcheck disable=SC1091
    . "$HA_DIR/env"
}

# ha_json URL: the body of a GET on a Patroni REST endpoint (2 s at most), "" on failure.
ha_json() {
    curl -s -m 2 "$1" 2>/dev/null || true
}

# ha_members: one line per Patroni member, `NAME ROLE STATE PORT LAG`, from the first REST API that answers.
ha_members() {
    local i body
    for ((i = 1; i <= HA_NODES; i++)); do
        body=$(ha_json "http://127.0.0.1:$(ha_var REST "$i")/cluster")
        [ -n "$body" ] || continue
        python3 -c '
import json, sys
for m in json.loads(sys.argv[1]).get("members", []):
    print(m.get("name"), m.get("role"), m.get("state"), m.get("port"), m.get("lag", 0))' "$body" 2>/dev/null && return 0
    done
    return 1
}

# ha_var NAME I: the value of NAME_I in HA_DIR/env (e.g. ha_var PG 1).
ha_var() {
    local v="HA_${1}_$2"
    echo "${!v}"
}

# ha_node_answering PATH: the node number (1..HA_NODES) whose Patroni REST API answers 200 on PATH ("" and false
# when none does).
ha_node_answering() {
    local i
    for ((i = 1; i <= HA_NODES; i++)); do
        if [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$(ha_var REST "$i")/$1" 2>/dev/null)" = 200 ]; then
            echo "$i"
            return 0
        fi
    done
    return 1
}

# ha_leader: the node number of the running primary (/primary answers 200 on the leader only); "" when none is.
ha_leader() {
    ha_node_answering primary
}

# ha_sync_standby: the node number of the synchronous standby ("" when none is).
ha_sync_standby() {
    ha_node_answering sync
}

# ha_wait_healthy SECONDS: until one node is primary and the other its synchronous standby (streaming).
ha_wait_healthy() {
    local tenths=$(($1 * 10)) leader sync
    while [ "$tenths" -gt 0 ]; do
        leader=$(ha_leader) && sync=$(ha_sync_standby) && [ "$leader" != "$sync" ] && return 0
        sleep 0.5
        tenths=$((tenths - 5))
    done
    return 1
}

# ha_psql NODE SQL: runs SQL on node NODE's PostgreSQL (database lottery unless HA_DB says otherwise), 10 s at most.
ha_psql() {
    PGCONNECT_TIMEOUT=3 PGOPTIONS='-c client_min_messages=warning' timeout 10 "$HA_PG_BIN/psql" -X -q -A -t \
        -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(ha_var PG "$1")" -U postgres -d "${HA_DB:-lottery}" -c "$2"
}

# ha_url: the multi-host JDBC URL of the lottery database (PgJDBC connects to the node that is primary).
ha_url() {
    local i hosts=""
    for ((i = 1; i <= HA_NODES; i++)); do hosts+=${hosts:+,}127.0.0.1:$(ha_var PG "$i"); done
    echo "jdbc:postgresql://$hosts/lottery?targetServerType=primary"
}

# ha_postmaster NODE: the pid of node NODE's postmaster ("" when it is not running).
ha_postmaster() {
    local pid
    pid=$(head -1 "$HA_DIR/pg$1/data/postmaster.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# ha_etcd_leader: the member number (1..3) of the etcd leader ("" when none is known).
ha_etcd_leader() {
    local i
    for ((i = 1; i <= HA_ETCD; i++)); do
        if ETCDCTL_API=3 timeout 3 etcdctl --endpoints "127.0.0.1:$(ha_var ETCD "$i")" endpoint status 2>/dev/null \
            | awk -F', ' '{ exit !($5 == "true") }'; then
            echo "$i"
            return 0
        fi
    done
    return 1
}

# ha_start_etcd I: starts etcd member I (ports from HA_DIR/env), detached, its pid in HA_DIR/etcdI.pid.
ha_start_etcd() {
    local i=$1 j cluster=""
    for ((j = 1; j <= HA_ETCD; j++)); do cluster+=${cluster:+,}e$j=http://127.0.0.1:$(ha_var ETCD_PEER "$j"); done
    mkdir -p "$HA_DIR/etcd$i"
    setsid etcd --name "e$i" --data-dir "$HA_DIR/etcd$i/data" \
        --listen-client-urls "http://127.0.0.1:$(ha_var ETCD "$i")" \
        --advertise-client-urls "http://127.0.0.1:$(ha_var ETCD "$i")" \
        --listen-peer-urls "http://127.0.0.1:$(ha_var ETCD_PEER "$i")" \
        --initial-advertise-peer-urls "http://127.0.0.1:$(ha_var ETCD_PEER "$i")" \
        --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "lottery-ha-$$" \
        >>"$HA_DIR/etcd$i/etcd.log" 2>&1 </dev/null &
    echo $! >"$HA_DIR/etcd$i.pid"
    disown $! # no "Killed" line from this shell when a scenario kills it
}

# ha_patroni_config I: writes node I's Patroni configuration to HA_DIR/pgI/patroni.yml.
ha_patroni_config() {
    local i=$1 j hosts=""
    for ((j = 1; j <= HA_ETCD; j++)); do hosts+=${hosts:+,}127.0.0.1:$(ha_var ETCD "$j"); done
    cat >"$HA_DIR/pg$i/patroni.yml" <<EOF
scope: $HA_SCOPE
namespace: /lottery-ha/
name: pg$i
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$(ha_var REST "$i")
  connect_address: 127.0.0.1:$(ha_var REST "$i")
etcd3:
  hosts: $hosts
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    synchronous_mode_strict: false
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        max_connections: 100
  initdb:
    - encoding: UTF8
    - locale: C
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 trust
    - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:$(ha_var PG "$i")
  connect_address: 127.0.0.1:$(ha_var PG "$i")
  data_dir: $HA_DIR/pg$i/data
  bin_dir: $HA_PG_BIN
  pgpass: $HA_DIR/pg$i/pgpass
  authentication:
    superuser:
      username: postgres
      password: postgres
    replication:
      username: replicator
      password: replicator
  parameters:
    unix_socket_directories: $HA_DIR/pg$i
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
EOF
}

# ha_start_patroni I: starts node I's Patroni (which starts its PostgreSQL), detached, as the postgres user when root.
ha_start_patroni() {
    local i=$1 cmd=(patroni "$HA_DIR/pg$1/patroni.yml")
    [ "$(id -u)" -ne 0 ] || cmd=(setpriv --reuid=postgres --regid=postgres --init-groups -- "${cmd[@]}")
    # Not a process group leader here, so setsid and setpriv exec: $! is Patroni's own pid.
    HOME=$HA_DIR setsid "${cmd[@]}" >>"$HA_DIR/pg$i/patroni.log" 2>&1 </dev/null &
    echo $! >"$HA_DIR/pg$i/patroni.pid"
    disown $!
}

# ha_patroni_pid I: node I's Patroni pid ("" when it is not running).
ha_patroni_pid() {
    local pid
    pid=$(cat "$HA_DIR/pg$1/patroni.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# ha_patronictl ARGS...: patronictl on this cluster (node 1's configuration names the etcd members).
ha_patronictl() {
    timeout 20 patronictl -c "$HA_DIR/pg1/patroni.yml" "$@"
}

# ha_up: creates HA_DIR, picks free ports, starts the etcd members, then node 1 (it bootstraps the cluster) and node 2
# (a copy of node 1 by pg_basebackup), waits until node 2 is the synchronous standby and creates the database lottery.
# False, with the log's tail on stderr, when a step does not happen in time.
ha_up() {
    local i port
    mkdir -p "$HA_DIR"
    chmod 755 "$HA_DIR"
    : >"$HA_DIR/env"
    for ((i = 1; i <= HA_ETCD; i++)); do
        echo "HA_ETCD_$i=$(free_port)" >>"$HA_DIR/env"
        echo "HA_ETCD_PEER_$i=$(free_port)" >>"$HA_DIR/env"
    done
    for ((i = 1; i <= HA_NODES; i++)); do
        port=$(free_port)
        echo "HA_PG_$i=$port" >>"$HA_DIR/env"
        echo "HA_REST_$i=$(free_port)" >>"$HA_DIR/env"
    done
    ha_env
    for ((i = 1; i <= HA_ETCD; i++)); do ha_start_etcd "$i"; done
    local tenths=300
    until ha_etcd_leader >/dev/null; do
        tenths=$((tenths - 5))
        [ "$tenths" -gt 0 ] || { tail -5 "$HA_DIR"/etcd*/etcd.log >&2; echo "ha: etcd has no leader after 30 s" >&2; return 1; }
        sleep 0.5
    done
    for ((i = 1; i <= HA_NODES; i++)); do
        mkdir -p "$HA_DIR/pg$i"
        ha_patroni_config "$i"
        [ "$(id -u)" -ne 0 ] || chown -R postgres: "$HA_DIR/pg$i"
        chmod 700 "$HA_DIR/pg$i"
    done
    ha_start_patroni 1
    tenths=900
    until [ "$(ha_leader)" = 1 ]; do
        tenths=$((tenths - 5))
        [ "$tenths" -gt 0 ] || { tail -20 "$HA_DIR/pg1/patroni.log" >&2; echo "ha: node 1 not primary after 90 s" >&2; return 1; }
        sleep 0.5
    done
    for ((i = 2; i <= HA_NODES; i++)); do ha_start_patroni "$i"; done
    ha_wait_healthy 120 || { tail -20 "$HA_DIR/pg2/patroni.log" >&2; echo "ha: no synchronous standby after 120 s" >&2; return 1; }
    HA_DB=postgres ha_psql 1 "CREATE DATABASE lottery" >/dev/null || { echo "ha: CREATE DATABASE lottery failed" >&2; return 1; }
    return 0
}

# ha_down: stops both Patroni nodes (SIGTERM: each stops its PostgreSQL, fast), then the etcd members; SIGKILL what is
# still running after 30 s (PostgreSQL's postmasters too). Leaves HA_DIR in place.
ha_down() {
    ha_env || return 0
    local i pid pids=()
    for ((i = 1; i <= HA_NODES; i++)); do
        pid=$(ha_patroni_pid "$i") && { kill "$pid" 2>/dev/null; pids+=("$pid"); }
    done
    ha_wait_gone 30 "${pids[@]}" || for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
    for ((i = 1; i <= HA_NODES; i++)); do
        pid=$(ha_postmaster "$i") && {
            kill -CONT "$pid" 2>/dev/null # a scenario may have frozen it
            kill -INT "$pid" 2>/dev/null # PostgreSQL's fast shutdown
            ha_wait_gone 20 "$pid" || kill -9 "$pid" 2>/dev/null
        }
    done
    pids=()
    for ((i = 1; i <= HA_ETCD; i++)); do
        pid=$(cat "$HA_DIR/etcd$i.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null && { kill -CONT "$pid"; kill "$pid"; pids+=("$pid"); }
    done
    ha_wait_gone 15 "${pids[@]}" || for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
    return 0
}

# ha_wait_gone SECONDS PID...: until none of the PIDs runs (true) or the time is up (false).
ha_wait_gone() {
    local tenths=$(($1 * 10)) pid alive
    shift
    while [ "$tenths" -gt 0 ]; do
        alive=0
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && return 0
        sleep 0.1
        tenths=$((tenths - 1))
    done
    return 1
}

# ha_status: the members (Patroni), the etcd leader and the JDBC URL.
ha_status() {
    ha_env || { echo "ha: no cluster in $HA_DIR"; return 1; }
    echo "patroni members (name role state port lag):"
    ha_members | sed 's/^/  /' || echo "  no Patroni REST API answers"
    echo "etcd leader: member $(ha_etcd_leader || echo none) of $HA_ETCD"
    echo "JDBC URL: $(ha_url)"
}
