#!/bin/sh
# Writes a Docker Compose file with the lottery server and N agency clients (exercise 1).
#
#   sh generar-compose.sh OUTPUT N [--secrets]     e.g.  ./generar-compose.sh docker-compose-dev.yaml 5
#   sh generar-compose.sh OUTPUT N --store postgres [--servers S] [--secrets]       (scaled out, see below)
#       e.g.  ./generar-compose.sh docker-compose-dev.yaml 5 --servers 3 --store postgres
#
# The flags come after OUTPUT N, in any order. Without any, the output is exactly the course's (exercise 1).
# POSIX sh only (runs under dash and bash; the course's tests call it with `sh` and with `bash`), no other tool.
# The output is deterministic: the same arguments always give the same bytes.
#
# What the file wires up:
#   - project `tp0`, network `testing_net` (172.25.125.0/24), so the network is `tp0_testing_net`
#     (validar-echo-server.sh attaches to it);
#   - container `server` (image server:latest): told by SERVER_AGENCIES=N how many agencies the draw waits for; its
#     config file is server/config.ini mounted read-only (edit and restart, no rebuild: exercise 2); its working
#     directory /app/state is .data/state/ on the host, so its bets file survives `down`, and a server restarted
#     on an unfinished round resumes it (SERVER_NEW_ROUND=true in the shell that runs `docker compose` starts a new
#     round instead); `restart: on-failure`: a server that exits with an error (a crash, the kernel's OOM killer, a
#     kill -9) is started again by Docker and resumes the round from .data/state, while one stopped by SIGTERM
#     (`docker stop`, `compose stop`/`down`) exits 0 and stays stopped, as does one stopped by `docker kill`
#     (Docker never restarts a container it was told to stop). A restarted container keeps its environment: with
#     SERVER_NEW_ROUND=true set at `up`, the restarted server would start yet another round, so set it for an `up`
#     that must archive an earlier round, not as a habit;
#   - every container of the project's images runs as LOTTERY_UID:LOTTERY_GID of the shell that runs
#     `docker compose` (`user: "${LOTTERY_UID:-0}:${LOTTERY_GID:-0}"`). The images themselves run as user 1000, not
#     root; Compose overrides that so what the server writes into the bind-mounted .data/state belongs to whoever
#     ran it, and so each container can read the files it is given (.secrets/ is mode 600). `make docker-compose-up`
#     and `make lottery` set both to the invoking user's `id -u` / `id -g` (and create .data/state first). Unset, the
#     default is root, as the file has always run: `docker compose up` straight after a fresh clone (what the
#     course's suite does) lets Docker create the missing .data/state owned by root, where only root can write. Why
#     a variable and not the generating user's ids written into the file: the output stays the same bytes whoever
#     runs the script (the committed docker-compose-dev.yaml is the output for 5, and `./generar-compose.sh
#     docker-compose-dev.yaml 5` leaves it unchanged), and the course's two-argument usage runs as before;
#   - containers `client1`..`clientN` (image client:latest): CLI_ID=K, so client K is agency K and reads
#     /data/agency-K.csv (or that entry of /data/dataset.zip) from .data/ mounted read-only; config
#     client/config.yaml mounted read-only;
#   - what the clients do by default comes from the exercise this checkout shows (deploy/exercise, or the variable
#     LOTTERY_EXERCISE): 1-4 CLI_MODE=echo; 5 the statement's example bet in NOMBRE..NUMERO; 6-8 (main) neither.
#     Each is only a default: CLI_MODE, NOMBRE, APELLIDO, DOCUMENTO, NACIMIENTO and NUMERO set in the shell that
#     runs `docker compose` win (empty = unset; `make lottery` sets CLI_MODE=lottery to force the whole lottery).
#   - with --secrets (optional; the course's two-argument usage has none): agency authentication. The script keeps
#     one random secret per agency in .secrets/ beside OUTPUT (created if missing, existing secrets kept,
#     git-ignored; outside .data/, which every client mounts): .secrets/agencies (`K = SECRET` lines) is mounted
#     into the server only, as SERVER_SECRETS_FILE, and .secrets/agency-K into client K only, as
#     CLI_AUTH_SECRET_FILE. The compose file itself holds no secret (same N, same bytes).
#   - with --store postgres (optional; default --store csv, the course's single server and its bets file): the
#     scaled-out lottery, S = --servers replicas (1..8, default 1) sharing one PostgreSQL database. Several servers
#     cannot share one CSV file, so --servers without --store postgres is a usage error.
#       * service `postgres` (image postgres:15; POSTGRES_USER=lottery, POSTGRES_DB=lottery; data in the named volume
#         `postgres-data`, not under .data/, which every client mounts; `docker compose down -v` drops the database,
#         i.e. starts a new lottery), healthy when `pg_isready -h 127.0.0.1` answers (TCP on purpose: during the
#         image's first initialisation the server listens on its Unix socket only, and is not ready yet);
#       * services `server1`..`serverS` (image server:latest, container_name serverK): SERVER_STORE=postgres,
#         SERVER_PG_URL=jdbc:postgresql://postgres:5432/lottery, SERVER_PG_USER=lottery, SERVER_AGENCIES=N, the same
#         read-only config.ini, no state directory (the bets are in the database), started once postgres is healthy.
#         Each one has the network alias `server` on testing_net; SERVER_IP=0.0.0.0, because that alias resolves to
#         every replica and so cannot tell a server its own listen address;
#       * the clients as in the course (SERVER_ADDRESS server:12345 from client/config.yaml), depending on every
#         server.
#     The database password: LOTTERY_PG_PASSWORD in the shell that runs this script, else the one kept in
#     .secrets/postgres-password beside OUTPUT, else a new random one (16 random bytes as 32 hex digits) kept there.
#     It reaches only its two users, through env_file: .secrets/postgres.env (POSTGRES_PASSWORD, for postgres) and
#     .secrets/server-postgres.env (SERVER_PG_PASSWORD, for the servers); the compose file holds no password (same
#     arguments, same bytes). The database keeps the password it was created with: after changing it, drop the
#     database (`docker compose down -v`).
#     Why one name for every replica (Compose's DNS round robin) and failover in the client, rather than a TCP
#     balancer in front: there is no extra hop and no new single point of failure (a balancer container is one
#     more process every byte crosses, and when it dies every agency is cut off); no balancer image is available
#     here (none can be pulled); and the client already does what failover needs: it resolves every address of
#     `server` at each connection attempt, starts at address (agency id mod count) so the agencies spread over the
#     replicas, moves on to the next address after a refused connect or a lost session, and resumes where the
#     shared store stands (the HELLO Ack carries the last stored batch; a resent batch is acknowledged, not stored
#     twice). A balancer can still be put in front later without changing anything else: give it the alias
#     `server` instead of the replicas.
#   - 172.25.125.0/24 leaves 253 addresses after the gateway: MAX_CLIENTS (250) clients with one server and a spare
#     for the validator; with --store postgres the S servers and postgres take S + 1 of them, so N <= 250 - S.

usage() {
    if [ -n "${1:-}" ]; then
        echo "$0: $1" >&2
    fi
    echo "usage: $0 OUTPUT N [--secrets] [--store csv|postgres] [--servers S]   (OUTPUT: compose file to write; N: number of clients, an integer from 0 to $MAX_CLIENTS, with --store postgres at most $MAX_CLIENTS - S; --secrets: authenticate the agencies; --store postgres: the servers share a PostgreSQL database; --servers S: S server replicas, 1 to $MAX_SERVERS, only with --store postgres)" >&2
    exit 2
}

# 172.25.125.0/24 leaves 253 addresses after the gateway: the server, the clients and a spare one for the validator.
MAX_CLIENTS=250
# Server replicas with --store postgres; each takes one address from the clients' budget.
MAX_SERVERS=8

if [ "$#" -lt 2 ]; then
    usage
fi
output=$1
count=$2
shift 2
secrets=no
store=''
servers=''
while [ "$#" -gt 0 ]; do
    case $1 in
        --secrets)
            [ "$secrets" = no ] || usage "--secrets given twice"
            secrets=yes
            ;;
        --store)
            if [ "$#" -lt 2 ] || [ -n "$store" ]; then
                usage "--store needs one value, given once"
            fi
            case $2 in
                csv | postgres) store=$2 ;;
                *) usage "--store '$2' is not csv or postgres" ;;
            esac
            shift
            ;;
        --servers)
            if [ "$#" -lt 2 ] || [ -n "$servers" ]; then
                usage "--servers needs one value, given once"
            fi
            case $2 in
                [1-9]) servers=$2 ;;
                *) usage "--servers '$2' is not an integer from 1 to $MAX_SERVERS" ;;
            esac
            [ "$servers" -le "$MAX_SERVERS" ] || usage "--servers '$2' is not an integer from 1 to $MAX_SERVERS"
            shift
            ;;
        *) usage "unknown argument '$1'" ;;
    esac
    shift
done
if [ -n "$servers" ] && [ "$store" != postgres ]; then
    usage "--servers needs --store postgres (several servers cannot share one CSV file)"
fi
store=${store:-csv}
servers=${servers:-1}
# An env file (see write_pg_password) reads a quote, a # or a space specially: keep the password to characters that
# mean nothing there.
if [ "$store" = postgres ]; then
    case ${LOTTERY_PG_PASSWORD:-} in
        *[!A-Za-z0-9._~+/=-]*) usage "LOTTERY_PG_PASSWORD may hold only letters, digits and . _ ~ + / = -" ;;
    esac
fi
# The flags as the header of the file repeats them, in one order whatever order they came in.
flags=''
if [ "$store" = postgres ]; then
    flags=" --servers $servers --store postgres"
fi
secrets_flag=''
if [ "$secrets" = yes ]; then
    secrets_flag=' --secrets'
fi
case $count in
    '' | *[!0-9]*) usage ;;
esac
# The exercise: LOTTERY_EXERCISE, else the EXERCISE= line of deploy/exercise beside this script, else 8.
exercise_file="$(dirname "$0")/deploy/exercise"
exercise=${LOTTERY_EXERCISE:-}
if [ -z "$exercise" ] && [ -r "$exercise_file" ]; then
    exercise=$(sed -n 's/^EXERCISE=\([0-9]*\)[[:space:]]*$/\1/p' "$exercise_file" | tail -n 1)
fi
exercise=${exercise:-8}
case $exercise in
    [1-8]) ;;
    *) echo "$0: exercise '$exercise' (LOTTERY_EXERCISE or $exercise_file) is not 1..8" >&2; exit 2 ;;
esac
case $exercise in
    [1-4]) mode_default='echo' ;;
    *) mode_default='' ;;
esac
# The statement's example bet (exercise 5) as the default of each variable; empty elsewhere.
if [ "$exercise" -eq 5 ]; then
    bet_nombre="Santiago Lionel" bet_apellido=Lorca bet_documento=30904465 bet_nacimiento=1999-03-17 bet_numero=7574
else
    bet_nombre='' bet_apellido='' bet_documento='' bet_nacimiento='' bet_numero=''
fi

# Strip leading zeros so "05" means 5 (and is not read as octal by $(( )) in some shells).
clients=${count#"${count%%[!0]*}"}
clients=${clients:-0}
if [ "${#clients}" -gt 3 ] || [ "$clients" -gt "$MAX_CLIENTS" ] || [ -z "$output" ]; then
    usage
fi
if [ "$store" = postgres ] && [ "$clients" -gt $((MAX_CLIENTS - servers)) ]; then
    usage "$clients clients and $servers server(s) + postgres do not fit 172.25.125.0/24: at most $((MAX_CLIENTS - servers)) clients"
fi

header() {
    cat <<EOF
# Generated by generar-compose.sh for $1 client(s), exercise $exercise; regenerate instead of editing:
# sh generar-compose.sh FILE N$flags$secrets_flag
name: tp0

services:
EOF
}

server_service() {
    cat <<EOF
  server:
    container_name: server
    image: server:latest
    user: "\${LOTTERY_UID:-0}:\${LOTTERY_GID:-0}"
    restart: on-failure
    environment:
      SERVER_AGENCIES: "$1"
      SERVER_NEW_ROUND: "\${SERVER_NEW_ROUND:-}"
EOF
    if [ "$secrets" = yes ]; then
        cat <<EOF
      SERVER_SECRETS_FILE: /run/secrets/agencies
EOF
    fi
    cat <<EOF
    volumes:
      - ./server/config.ini:/app/config.ini:ro
      - ./.data/state:/app/state
EOF
    if [ "$secrets" = yes ]; then
        cat <<EOF
      - ./.secrets/agencies:/run/secrets/agencies:ro
EOF
    fi
    cat <<EOF
    networks:
      - testing_net
EOF
}

client_service() {
    cat <<EOF

  client$1:
    container_name: client$1
    image: client:latest
    user: "\${LOTTERY_UID:-0}:\${LOTTERY_GID:-0}"
    environment:
      CLI_ID: "$1"
      CLI_MODE: "\${CLI_MODE:-$mode_default}"
      NOMBRE: "\${NOMBRE:-$bet_nombre}"
      APELLIDO: "\${APELLIDO:-$bet_apellido}"
      DOCUMENTO: "\${DOCUMENTO:-$bet_documento}"
      NACIMIENTO: "\${NACIMIENTO:-$bet_nacimiento}"
      NUMERO: "\${NUMERO:-$bet_numero}"
EOF
    if [ "$secrets" = yes ]; then
        cat <<EOF
      CLI_AUTH_SECRET_FILE: /run/secrets/agency
EOF
    fi
    cat <<EOF
    volumes:
      - ./client/config.yaml:/app/config.yaml:ro
      - ./.data:/data:ro
EOF
    if [ "$secrets" = yes ]; then
        cat <<EOF
      - ./.secrets/agency-$1:/run/secrets/agency:ro
EOF
    fi
    cat <<EOF
    networks:
      - testing_net
    depends_on:
EOF
    if [ "$store" = postgres ]; then
        k=1
        while [ "$k" -le "$servers" ]; do
            echo "      - server$k"
            k=$((k + 1))
        done
    else
        echo "      - server"
    fi
}

# The database of the scaled-out lottery (--store postgres). POSTGRES_PASSWORD comes from .secrets/postgres.env.
postgres_service() {
    cat <<EOF
  postgres:
    container_name: postgres
    image: postgres:15
    environment:
      POSTGRES_USER: lottery
      POSTGRES_DB: lottery
    env_file:
      - ./.secrets/postgres.env
    volumes:
      - postgres-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", "lottery", "-d", "lottery"]
      interval: 1s
      timeout: 5s
      retries: 120
    networks:
      - testing_net
EOF
}

# Server replica K of the scaled-out lottery: alias `server`, listening on every interface of its own container.
# SERVER_PG_PASSWORD comes from .secrets/server-postgres.env.
replica_service() {
    cat <<EOF

  server$1:
    container_name: server$1
    image: server:latest
    user: "\${LOTTERY_UID:-0}:\${LOTTERY_GID:-0}"
    environment:
      SERVER_AGENCIES: "$2"
      SERVER_IP: 0.0.0.0
      SERVER_STORE: postgres
      SERVER_PG_URL: jdbc:postgresql://postgres:5432/lottery
      SERVER_PG_USER: lottery
EOF
    if [ "$secrets" = yes ]; then
        cat <<EOF
      SERVER_SECRETS_FILE: /run/secrets/agencies
EOF
    fi
    cat <<EOF
    env_file:
      - ./.secrets/server-postgres.env
    volumes:
      - ./server/config.ini:/app/config.ini:ro
EOF
    if [ "$secrets" = yes ]; then
        cat <<EOF
      - ./.secrets/agencies:/run/secrets/agencies:ro
EOF
    fi
    cat <<EOF
    networks:
      testing_net:
        aliases:
          - server
    depends_on:
      postgres:
        condition: service_healthy
EOF
}

networks_section() {
    cat <<EOF

networks:
  testing_net:
    ipam:
      driver: default
      config:
        - subnet: 172.25.125.0/24
EOF
}

volumes_section() {
    cat <<EOF

volumes:
  postgres-data:
EOF
}

compose_file() {
    header "$clients"
    if [ "$store" = postgres ]; then
        postgres_service
        k=1
        while [ "$k" -le "$servers" ]; do
            replica_service "$k" "$clients"
            k=$((k + 1))
        done
    else
        server_service "$clients"
    fi
    id=1
    while [ "$id" -le "$clients" ]; do
        client_service "$id"
        id=$((id + 1))
    done
    networks_section
    if [ "$store" = postgres ]; then
        volumes_section
    fi
}

# One random secret per agency, kept across runs (a round resumed after a restart must see the same secrets):
# 16 random bytes as 32 hex digits (od and tr are POSIX). The server's file is rebuilt from the agencies' files.
write_secrets() {
    dir="$(dirname "$output")/.secrets"
    (umask 077 && mkdir -p "$dir") || return 1
    server_tmp="$dir/agencies.tmp.$$"
    (umask 077 && : >"$server_tmp") || return 1
    id=1
    while [ "$id" -le "$clients" ]; do
        if [ ! -s "$dir/agency-$id" ]; then
            secret=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n') || return 1
            [ "${#secret}" -eq 32 ] || return 1
            (umask 077 && printf '%s\n' "$secret" >"$dir/agency-$id.tmp.$$") || return 1
            mv -f "$dir/agency-$id.tmp.$$" "$dir/agency-$id" || return 1
        fi
        printf '%s = %s\n' "$id" "$(sed -n 1p "$dir/agency-$id")" >>"$server_tmp" || return 1
        id=$((id + 1))
    done
    mv -f "$server_tmp" "$dir/agencies"
}
if [ "$secrets" = yes ] && ! write_secrets; then
    rm -f "$(dirname "$output")/.secrets/"*.tmp.$$
    echo "$0: cannot write the agency secrets in $(dirname "$output")/.secrets" >&2
    exit 1
fi

# The database password (--store postgres): LOTTERY_PG_PASSWORD, else the kept one, else a new random one; then the
# two env files that hand it to postgres and to the servers, each written whole (temporary file, then mv).
write_pg_password() {
    dir="$(dirname "$output")/.secrets"
    (umask 077 && mkdir -p "$dir") || return 1
    if [ -n "${LOTTERY_PG_PASSWORD:-}" ]; then
        password=$LOTTERY_PG_PASSWORD
    elif [ -s "$dir/postgres-password" ]; then
        password=$(sed -n 1p "$dir/postgres-password") || return 1
    else
        password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n') || return 1
        [ "${#password}" -eq 32 ] || return 1
    fi
    for pair in "postgres-password:" "postgres.env:POSTGRES_PASSWORD=" "server-postgres.env:SERVER_PG_PASSWORD="; do
        file=${pair%%:*}
        (umask 077 && printf '%s%s\n' "${pair#*:}" "$password" >"$dir/$file.tmp.$$") || return 1
        mv -f "$dir/$file.tmp.$$" "$dir/$file" || return 1
    done
}
if [ "$store" = postgres ]; then
    if ! write_pg_password; then
        rm -f "$(dirname "$output")/.secrets/"*.tmp.$$
        echo "$0: cannot write the database password in $(dirname "$output")/.secrets" >&2
        exit 1
    fi
fi

# Write to a temporary file first, so a failure never leaves a half-written compose file behind.
tmp="$output.tmp.$$"
if ! compose_file >"$tmp"; then
    rm -f "$tmp"
    echo "$0: cannot write $output" >&2
    exit 1
fi
if ! mv -f "$tmp" "$output"; then
    rm -f "$tmp"
    echo "$0: cannot write $output" >&2
    exit 1
fi
if [ "$store" = postgres ]; then
    what="postgres + $servers server(s) + $clients client(s), exercise $exercise, database password in $(dirname "$output")/.secrets"
else
    what="server + $clients client(s), exercise $exercise"
fi
if [ "$secrets" = yes ]; then
    echo "$0: wrote $output ($what, agency secrets in $(dirname "$output")/.secrets)"
else
    echo "$0: wrote $output ($what)"
fi
