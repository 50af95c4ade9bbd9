#!/bin/sh
# Prints `LOTTERY_UID=U LOTTERY_GID=G`: who the containers of a generated compose file run as (its
# `user: "${LOTTERY_UID:-0}:${LOTTERY_GID:-0}"`, see generar-compose.sh), for `make docker-compose-up` and
# `make lottery`, which export both before `docker compose up`:
#   - LOTTERY_UID or LOTTERY_GID already set in the environment: those (the other one: `id -u` / `id -g`);
#   - else the invoking user's `id -u` / `id -g`, so what the server writes into STATE_DIR (the bind-mounted
#     .data/state) belongs to that user. STATE_DIR is created first (were Docker to create it, root would own it and
#     a server that is not root could not write there);
#   - else, when STATE_DIR or something in it belongs to someone else (a run of an older version, whose server ran as
#     root, left it owned by root), root (0:0), as before, with a note on stderr on how to take the files back: a
#     server running as this user could not write there.
#
#   eval "export $(sh tools/lottery/compose-user.sh .data/state)"
set -eu
state_dir=${1:?usage: compose-user.sh STATE_DIR}
mkdir -p "$state_dir" 2>/dev/null || true
if [ -n "${LOTTERY_UID:-}" ] || [ -n "${LOTTERY_GID:-}" ]; then
    echo "LOTTERY_UID=${LOTTERY_UID:-$(id -u)} LOTTERY_GID=${LOTTERY_GID:-$(id -g)}"
    exit 0
fi
uid=$(id -u)
gid=$(id -g)
if [ "$uid" -ne 0 ]; then
    foreign=$(find "$state_dir" ! -user "$uid" 2>/dev/null | head -n 1)
    if [ -n "$foreign" ] || [ ! -w "$state_dir" ]; then
        echo "lottery: ${foreign:-$state_dir} is not yours (an older run's server wrote it as root): the containers run" \
            "as root this time. To run them as you: sudo chown -R $uid:$gid $state_dir" >&2
        uid=0 gid=0
    fi
fi
echo "LOTTERY_UID=$uid LOTTERY_GID=$gid"
