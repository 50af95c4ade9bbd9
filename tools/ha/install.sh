#!/usr/bin/env bash
# Installs what tools/ha/cluster.sh runs, from Debian's packages: PostgreSQL 15, Patroni 3.0.x and etcd 3.4.x
# (server and etcdctl), and curl (Patroni's REST API). Needs root (apt-get); does nothing when every binary is
# already there.
#
#   bash tools/ha/install.sh
#
# The packages' own services are not used: on a machine with systemd, the etcd service the package enables is stopped
# and disabled again (cluster.sh runs its own three members on free loopback ports), and Debian's postgresql service
# (a cluster on 5432) is left as the package leaves it; cluster.sh never touches it. Exit 0 when the binaries are
# there, 2 when they cannot be installed (not root, apt-get failed).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
. tools/lib.sh
SAY_TAG=ha-install

pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
have_all() {
    [ -x "$pg_bin/postgres" ] && [ -x "$pg_bin/initdb" ] && command -v patroni >/dev/null \
        && command -v patronictl >/dev/null && command -v etcd >/dev/null && command -v etcdctl >/dev/null \
        && command -v python3 >/dev/null && command -v curl >/dev/null
}
if have_all; then
    say "already installed: $(patroni --version), etcd $(etcd --version | sed -n 's/^etcd Version: //p'), $("$pg_bin/postgres" --version)"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "ha install: run as root (apt-get install), or install postgresql-15 patroni etcd-server etcd-client" >&2; exit 2; }
say "apt-get install postgresql-15 patroni etcd-server etcd-client"
export DEBIAN_FRONTEND=noninteractive
timeout 300 apt-get update -qq || { echo "ha install: apt-get update failed" >&2; exit 2; }
timeout 600 apt-get install -y -qq postgresql-15 patroni etcd-server etcd-client python3 curl >/dev/null \
    || { echo "ha install: apt-get install failed" >&2; exit 2; }
# The package's etcd service (systemd machines only) listens on 2379/2380: not ours, stop it.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl disable --now etcd >/dev/null 2>&1 || true
fi
have_all || { echo "ha install: a binary is still missing after apt-get install" >&2; exit 2; }
say "installed: $(patroni --version), etcd $(etcd --version | sed -n 's/^etcd Version: //p'), $("$pg_bin/postgres" --version)"
