#!/bin/sh
# Writes a Docker Compose file with the lottery server and N agency clients (exercise 1).
#
#   sh generar-compose.sh OUTPUT N [--secrets] [--tls]     e.g.  ./generar-compose.sh docker-compose-dev.yaml 5
#   sh generar-compose.sh OUTPUT N --store postgres [--servers S] [--secrets] [--tls]     (scaled out, see below)
#       e.g.  ./generar-compose.sh docker-compose-dev.yaml 5 --servers 3 --store postgres
#   sh generar-compose.sh --help
#
# The flags come after OUTPUT N, in any order. Without any, the output is exactly the course's (exercise 1).
# POSIX sh only (runs under dash and bash; the course's tests call it with `sh` and with `bash`), no other tool;
# --tls alone needs `openssl` (Debian's package openssl) to make the keys and certificates.
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
#   - with --tls (optional; combines with --secrets and with --store postgres): TLS on the lottery port, and every
#     agency proves who it is with a certificate (mutual TLS; docs/RELIABILITY.md, "Security"). The script keeps a
#     small certificate authority and the certificates in .secrets/tls/ beside OUTPUT (git-ignored), made with
#     openssl: keys EC P-256 in PKCS#8 PEM ("BEGIN PRIVATE KEY", mode 600), certificates PEM (mode 644):
#       * ca.pem / ca.key: the CA (CN=lottery CA, 10 years); ca.key signs and is mounted nowhere;
#       * server.pem / server.key: the server (CN=server, 825 days), SAN DNS:server, DNS:server1..DNS:server8 (every
#         replica --servers allows, so one certificate serves every mode), DNS:localhost, IP:127.0.0.1;
#       * agency-K.pem / agency-K.key: agency K (CN=agency-K, 825 days, client authentication only);
#       * revoked.txt: serials or SHA-256 fingerprints the server refuses (read at its start); created empty, then
#         left as edited.
#     A rerun keeps what is still good and makes only what is missing: a CA that is there, matches its key and is
#     valid for 30 more days is kept; a certificate is made again (new key, new serial) when it is missing, does
#     not verify against the CA, expires within 30 days, does not match its key or its name, or is listed in
#     revoked.txt; a new CA means new certificates for everyone. The server container gets ca.pem (the agencies'
#     CA), server.pem, server.key and revoked.txt; client K gets ca.pem, agency-K.pem and agency-K.key only (as
#     /run/tls/agency.pem and /run/tls/agency.key): each file mounted on its own, read-only, under /run/tls/. The
#     variables: SERVER_TLS_CERT, SERVER_TLS_KEY, SERVER_TLS_CLIENT_CA, SERVER_TLS_REVOKED for the servers;
#     CLI_TLS_CA, CLI_TLS_CERT, CLI_TLS_KEY for the clients (which check that the server's certificate names
#     `server`, the host of their server.address). The compose file holds no key (same arguments, same bytes).
#     The keys are mode 600 and belong to whoever ran this script: a container reads them when it runs as that
#     user or as root, which is what `make docker-compose-up` (LOTTERY_UID/LOTTERY_GID = the invoking user) and a
#     plain `docker compose up` (root) do; with LOTTERY_UID set to anyone else, chown the keys to that user first.
#   - 172.25.125.0/24 leaves 253 addresses after the gateway: MAX_CLIENTS (250) clients with one server and a spare
#     for the validator; with --store postgres the S servers and postgres take S + 1 of them, so N <= 250 - S.

usage() {
    if [ -n "${1:-}" ]; then
        echo "$0: $1" >&2
    fi
    echo "usage: $0 OUTPUT N [--secrets] [--tls] [--store csv|postgres] [--servers S]   (OUTPUT: compose file to write; N: number of clients, an integer from 0 to $MAX_CLIENTS, with --store postgres at most $MAX_CLIENTS - S; --secrets: authenticate the agencies; --tls: TLS on the lottery port and a certificate per agency; --store postgres: the servers share a PostgreSQL database; --servers S: S server replicas, 1 to $MAX_SERVERS, only with --store postgres; --help: more)" >&2
    exit 2
}

help() {
    cat <<EOF
usage: $0 OUTPUT N [--secrets] [--tls] [--store csv|postgres] [--servers S]
       $0 --help

Writes OUTPUT, a Docker Compose file with the lottery server and N agency clients (client1..clientN), N from 0 to
$MAX_CLIENTS. Without flags the file is exactly the course's (exercise 1). The flags come after OUTPUT N, in any
order; the same arguments always give the same bytes, and OUTPUT never holds a secret or a key.

  --secrets         agency authentication by secret: one random secret per agency in .secrets/ beside OUTPUT (kept
                    across runs); .secrets/agencies is mounted into the server, .secrets/agency-K into client K.
  --tls             TLS on the lottery port, and mutual TLS: a small CA, the server's certificate (names server,
                    server1..server$MAX_SERVERS, localhost, 127.0.0.1) and one certificate per agency (CN=agency-K)
                    in .secrets/tls/ beside OUTPUT, made with openssl (EC P-256 keys, PKCS#8 PEM, mode 600). A rerun
                    keeps what is good and makes what is missing, expires within 30 days, does not match, or is
                    listed in .secrets/tls/revoked.txt. Mounted read-only under /run/tls/: the server gets ca.pem,
                    server.pem, server.key, revoked.txt; client K gets ca.pem and its own agency-K.pem and
                    agency-K.key only. The plain-text echo (validar-echo-server.sh) still answers on the same port.
                    Combines with --secrets (the agencies then need both) and with --store postgres.
  --store csv       the course's single server and its bets file (the default).
  --store postgres  the scaled-out lottery: the server replicas share one PostgreSQL database (its password in
                    .secrets/ beside OUTPUT, or LOTTERY_PG_PASSWORD).
  --servers S       S server replicas, 1 to $MAX_SERVERS, only with --store postgres (N at most $MAX_CLIENTS - S).
  --help, -h        this text.

Examples:
  $0 docker-compose-dev.yaml 5
  $0 docker-compose-dev.yaml 5 --tls && make docker-compose-up
  $0 docker-compose-dev.yaml 5 --servers 3 --store postgres --tls --secrets
Exit status: 0 written; 2 usage error; 1 cannot write (or --tls without openssl). The comment at the top of this
script says what the file wires up and why.
EOF
    exit 0
}

# 172.25.125.0/24 leaves 253 addresses after the gateway: the server, the clients and a spare one for the validator.
MAX_CLIENTS=250
# Server replicas with --store postgres; each takes one address from the clients' budget.
MAX_SERVERS=8

for arg in "$@"; do
    case $arg in
        --help | -h) help ;;
    esac
done
if [ "$#" -lt 2 ]; then
    usage
fi
output=$1
count=$2
shift 2
secrets=no
tls=no
store=''
servers=''
while [ "$#" -gt 0 ]; do
    case $1 in
        --secrets)
            [ "$secrets" = no ] || usage "--secrets given twice"
            secrets=yes
            ;;
        --tls)
            [ "$tls" = no ] || usage "--tls given twice"
            tls=yes
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
if [ "$tls" = yes ]; then
    secrets_flag="$secrets_flag --tls"
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

if [ "$tls" = yes ] && ! command -v openssl >/dev/null 2>&1; then
    echo "$0: --tls needs openssl to make the keys and certificates (Debian: apt-get install openssl);" \
        "nothing written" >&2
    exit 1
fi

header() {
    cat <<EOF
# Generated by generar-compose.sh for $1 client(s), exercise $exercise; regenerate instead of editing:
# sh generar-compose.sh FILE N$flags$secrets_flag
name: tp0

services:
EOF
}

# --tls: what a server (the single one or a replica) is told and given; nothing without --tls.
server_tls_environment() {
    [ "$tls" = yes ] || return 0
    cat <<EOF
      SERVER_TLS_CERT: /run/tls/server.pem
      SERVER_TLS_KEY: /run/tls/server.key
      SERVER_TLS_CLIENT_CA: /run/tls/ca.pem
      SERVER_TLS_REVOKED: /run/tls/revoked.txt
EOF
}

server_tls_volumes() {
    [ "$tls" = yes ] || return 0
    cat <<EOF
      - ./.secrets/tls/ca.pem:/run/tls/ca.pem:ro
      - ./.secrets/tls/server.pem:/run/tls/server.pem:ro
      - ./.secrets/tls/server.key:/run/tls/server.key:ro
      - ./.secrets/tls/revoked.txt:/run/tls/revoked.txt:ro
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
    server_tls_environment
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
    server_tls_volumes
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
    if [ "$tls" = yes ]; then
        cat <<EOF
      CLI_TLS_CA: /run/tls/ca.pem
      CLI_TLS_CERT: /run/tls/agency.pem
      CLI_TLS_KEY: /run/tls/agency.key
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
    if [ "$tls" = yes ]; then
        cat <<EOF
      - ./.secrets/tls/ca.pem:/run/tls/ca.pem:ro
      - ./.secrets/tls/agency-$1.pem:/run/tls/agency.pem:ro
      - ./.secrets/tls/agency-$1.key:/run/tls/agency.key:ro
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
    server_tls_environment
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
    server_tls_volumes
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

# --tls: the CA, the server's certificate and one per agency in .secrets/tls/ beside OUTPUT, made with openssl; a
# rerun keeps every file that is still good (see the top of this file). Each file is written whole (temporary file,
# then mv); keys mode 600 (umask 077), certificates and revoked.txt mode 644.
TLS_CA_DAYS=3650
TLS_LEAF_DAYS=825
# A certificate that expires within 30 days is made again.
TLS_RENEW_SECONDS=2592000

# tls_serial: 16 random bytes in hex, the first digit set to 1 (a positive serial of full length, 124 random bits).
tls_serial() {
    serial=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n') || return 1
    [ "${#serial}" -eq 32 ] || return 1
    echo "0x1${serial#?}"
}

# tls_config FILE CN EXTENSIONS...: an openssl config of our own (never the system's openssl.cnf): subject CN, and
# EXTENSIONS (one "key = value" per argument) in section ext.
tls_config() {
    config_file=$1 config_cn=$2
    shift 2
    {
        printf '[req]\nprompt = no\ndistinguished_name = dn\nx509_extensions = ext\n[dn]\nCN = %s\n[ext]\n' "$config_cn"
        for line in "$@"; do
            printf '%s\n' "$line"
        done
    } >"$config_file"
}

# tls_pubkey_of_key KEY: the public key (PEM) of a private key file.
tls_pubkey_of_key() {
    openssl pkey -in "$1" -pubout 2>/dev/null
}

# tls_ca_good: ca.pem and ca.key are there and match, and the CA is valid for TLS_RENEW_SECONDS more.
tls_ca_good() {
    [ -s "$tls_dir/ca.pem" ] && [ -s "$tls_dir/ca.key" ] || return 1
    facts=$(openssl x509 -in "$tls_dir/ca.pem" -noout -pubkey -checkend "$TLS_RENEW_SECONDS" 2>/dev/null) || return 1
    cert_pub=$(printf '%s\n' "$facts" | sed -n '/BEGIN PUBLIC KEY/,/END PUBLIC KEY/p')
    [ -n "$cert_pub" ] && [ "$cert_pub" = "$(tls_pubkey_of_key "$tls_dir/ca.key")" ]
}

# tls_verified PURPOSE NAME...: of the NAME.pem that exist, those that verify against ca.pem for PURPOSE (sslserver
# or sslclient), one NAME per line (one openssl run for all of them).
tls_verified() {
    (
        cd "$tls_dir" || exit 1
        purpose=$1
        shift
        for name in "$@"; do
            shift
            [ -s "$name.pem" ] && set -- "$@" "$name.pem"
        done
        [ "$#" -gt 0 ] || exit 0
        openssl verify -CAfile ca.pem -purpose "$purpose" "$@" 2>/dev/null | sed -n 's/^\(.*\)\.pem: OK$/\1/p'
    )
}

# tls_revoked_list: revoked.txt's entries as tls_leaf_good compares them: lower-case hex, no 0x, colons or leading 0.
tls_revoked_list() {
    [ -f "$tls_dir/revoked.txt" ] || return 0
    sed 's/#.*//' "$tls_dir/revoked.txt" | tr -d ' \t\r:' | tr 'A-F' 'a-f' | sed 's/^0x//; s/^0*//' | sed '/^$/d'
}

# tls_leaf_good NAME CN [SAN]: NAME is in $verified (it verifies against the CA), NAME.key is there and matches
# NAME.pem, which names CN (and exactly SAN), is valid for TLS_RENEW_SECONDS more, and whose serial or fingerprint
# is not in $revoked.
tls_leaf_good() {
    printf '%s\n' "$verified" | grep -qxF "$1" || return 1
    [ -s "$tls_dir/$1.key" ] || return 1
    if [ -n "${3:-}" ]; then
        facts=$(openssl x509 -in "$tls_dir/$1.pem" -noout -subject -nameopt RFC2253 -serial -fingerprint -sha256 \
            -checkend "$TLS_RENEW_SECONDS" -pubkey -ext subjectAltName 2>/dev/null) || return 1
        [ "$(printf '%s\n' "$facts" | sed -n '/Subject Alternative Name/{n;s/^ *//p;}')" = "$3" ] || return 1
    else
        facts=$(openssl x509 -in "$tls_dir/$1.pem" -noout -subject -nameopt RFC2253 -serial -fingerprint -sha256 \
            -checkend "$TLS_RENEW_SECONDS" -pubkey 2>/dev/null) || return 1
    fi
    printf '%s\n' "$facts" | grep -qxF "subject=CN=$2" || return 1
    [ "$(printf '%s\n' "$facts" | sed -n '/BEGIN PUBLIC KEY/,/END PUBLIC KEY/p')" \
        = "$(tls_pubkey_of_key "$tls_dir/$1.key")" ] || return 1
    [ -n "$revoked" ] || return 0
    serial=$(printf '%s\n' "$facts" | sed -n 's/^serial=//p' | tr 'A-F' 'a-f' | sed 's/^0*//')
    fingerprint=$(printf '%s\n' "$facts" | sed -n 's/^.*Fingerprint=//p' | tr -d ':' | tr 'A-F' 'a-f')
    ! printf '%s\n' "$revoked" | grep -qxF -e "$serial" -e "$fingerprint"
}

# tls_key FILE: a new EC P-256 key, PKCS#8 PEM, mode 600.
tls_key() {
    (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null) || return 1
}

# tls_issue NAME CN EXTENSIONS...: a new key NAME.key and certificate NAME.pem (CN, TLS_LEAF_DAYS) signed by the CA.
tls_issue() {
    issue_name=$1 issue_cn=$2
    shift 2
    tls_config "$tls_dir/$issue_name.cnf.tmp.$$" "$issue_cn" "$@" || return 1
    tls_key "$tls_dir/$issue_name.key.tmp.$$" || return 1
    openssl req -new -config "$tls_dir/$issue_name.cnf.tmp.$$" -key "$tls_dir/$issue_name.key.tmp.$$" \
        -out "$tls_dir/$issue_name.csr.tmp.$$" 2>/dev/null || return 1
    (umask 022 && openssl x509 -req -in "$tls_dir/$issue_name.csr.tmp.$$" \
        -CA "$tls_dir/ca.pem" -CAkey "$tls_dir/ca.key" -set_serial "$(tls_serial)" -days "$TLS_LEAF_DAYS" -sha256 \
        -extfile "$tls_dir/$issue_name.cnf.tmp.$$" -extensions ext -out "$tls_dir/$issue_name.pem.tmp.$$" \
        2>/dev/null) || return 1
    rm -f "$tls_dir/$issue_name.cnf.tmp.$$" "$tls_dir/$issue_name.csr.tmp.$$"
    mv -f "$tls_dir/$issue_name.key.tmp.$$" "$tls_dir/$issue_name.key" || return 1
    mv -f "$tls_dir/$issue_name.pem.tmp.$$" "$tls_dir/$issue_name.pem"
}

write_tls() {
    tls_dir="$(dirname "$output")/.secrets/tls"
    (umask 077 && mkdir -p "$tls_dir") || return 1
    tls_made=''
    if ! tls_ca_good; then
        tls_config "$tls_dir/ca.cnf.tmp.$$" "lottery CA" "basicConstraints = critical, CA:TRUE, pathlen:0" \
            "keyUsage = critical, keyCertSign, cRLSign" "subjectKeyIdentifier = hash" || return 1
        tls_key "$tls_dir/ca.key.tmp.$$" || return 1
        (umask 022 && openssl req -x509 -new -config "$tls_dir/ca.cnf.tmp.$$" -key "$tls_dir/ca.key.tmp.$$" \
            -days "$TLS_CA_DAYS" -sha256 -set_serial "$(tls_serial)" -out "$tls_dir/ca.pem.tmp.$$" 2>/dev/null) \
            || return 1
        rm -f "$tls_dir/ca.cnf.tmp.$$"
        mv -f "$tls_dir/ca.key.tmp.$$" "$tls_dir/ca.key" || return 1
        mv -f "$tls_dir/ca.pem.tmp.$$" "$tls_dir/ca.pem" || return 1
        tls_made="$tls_made ca"
    fi
    if [ ! -e "$tls_dir/revoked.txt" ]; then
        (umask 022 && printf '%s\n' \
            '# Agency certificates the server refuses, read at its start (SERVER_TLS_REVOKED): one per line,' \
            '# the serial in hex (openssl x509 -noout -serial -in agency-K.pem) or the SHA-256 fingerprint.' \
            '# Then rerun generar-compose.sh (a revoked agency gets a new certificate) and restart the server.' \
            >"$tls_dir/revoked.txt.tmp.$$") || return 1
        mv -f "$tls_dir/revoked.txt.tmp.$$" "$tls_dir/revoked.txt" || return 1
    fi
    # every name --servers allows: one certificate for every mode and every number of replicas
    san='DNS:server'
    k=1
    while [ "$k" -le "$MAX_SERVERS" ]; do
        san="$san, DNS:server$k"
        k=$((k + 1))
    done
    san="$san, DNS:localhost, IP Address:127.0.0.1"
    revoked=$(tls_revoked_list)
    verified=$(tls_verified sslserver server)
    if ! tls_leaf_good server server "$san"; then
        tls_issue server server "basicConstraints = critical, CA:FALSE" "keyUsage = critical, digitalSignature" \
            "extendedKeyUsage = serverAuth" "subjectAltName = $(printf '%s' "$san" | sed 's/IP Address:/IP:/')" \
            "subjectKeyIdentifier = hash" "authorityKeyIdentifier = keyid" || return 1
        tls_made="$tls_made server"
    fi
    tls_agencies=0
    names=''
    id=1
    while [ "$id" -le "$clients" ]; do
        names="$names agency-$id"
        id=$((id + 1))
    done
    # shellcheck disable=SC2086 # one argument per agency (the names have no spaces)
    verified=$(tls_verified sslclient $names)
    id=1
    while [ "$id" -le "$clients" ]; do
        if ! tls_leaf_good "agency-$id" "agency-$id"; then
            tls_issue "agency-$id" "agency-$id" "basicConstraints = critical, CA:FALSE" \
                "keyUsage = critical, digitalSignature" "extendedKeyUsage = clientAuth" \
                "subjectKeyIdentifier = hash" "authorityKeyIdentifier = keyid" || return 1
            tls_agencies=$((tls_agencies + 1))
        fi
        id=$((id + 1))
    done
    [ "$tls_agencies" -eq 0 ] || tls_made="$tls_made $tls_agencies agency certificate(s)"
}
if [ "$tls" = yes ] && ! write_tls; then
    rm -f "$(dirname "$output")/.secrets/tls/"*.tmp.$$
    echo "$0: cannot make the TLS keys and certificates in $(dirname "$output")/.secrets/tls (openssl failed)" >&2
    exit 1
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
    what="$what, agency secrets in $(dirname "$output")/.secrets"
fi
if [ "$tls" = yes ]; then
    what="$what, TLS keys and certificates in $(dirname "$output")/.secrets/tls (made:${tls_made:- none, all kept})"
fi
echo "$0: wrote $output ($what)"
