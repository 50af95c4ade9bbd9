#!/bin/sh
# Makes sure .data/ holds agency-1.csv .. agency-N.csv before a lottery run (called by `make docker-compose-up` and
# `make lottery`). Existing agency files are always kept. For the missing ones, in this order:
#   1. the course's zip, if the user put it in .data/ (dataset.zip, or datasets.zip as the statement spells it),
#      extracted with unzip, or else the JDK's `jar`, or else python3, or else busybox's unzip in a container;
#   2. otherwise a deterministic synthetic dataset from tools/data/GenerateDataset.java, run by the host's `java`
#      or, on a machine with Docker only, by the `java` of the image the Dockerfiles build with.
# Also creates .data/state/, the server's bets directory, so Docker does not create it as root-owned.
#
#   sh tools/data/ensure-data.sh [N]     (default N: 5; run from anywhere)
set -eu
# Images used when the host lacks a tool: busybox (unzip) and the build stage's JDK image (java).
BUSYBOX_IMAGE=${BUSYBOX_IMAGE:-busybox:latest}
JDK_IMAGE=${JDK_IMAGE:-maven:3.9-eclipse-temurin-17}

cd "$(dirname "$0")/../.."
DATA=.data
agencies=${1:-5}
case $agencies in '' | *[!0-9]*)
    echo "usage: $0 [N]   (N: number of agencies, default 5)" >&2
    exit 2 ;;
esac

missing() {
    k=1
    while [ "$k" -le "$agencies" ]; do
        [ -f "$DATA/agency-$k.csv" ] || printf '%s ' "$k"
        k=$((k + 1))
    done
}

# Extracts zip $1 into the new directory $2 with the first tool this machine has.
extract() {
    if command -v unzip >/dev/null 2>&1; then
        unzip -q "$1" -d "$2"
    elif command -v jar >/dev/null 2>&1; then
        zip_path=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
        (cd "$2" && jar xf "$zip_path")
    elif command -v python3 >/dev/null 2>&1; then
        python3 -m zipfile -e "$1" "$2"
    elif command -v docker >/dev/null 2>&1; then
        docker run --rm -u "$(id -u):$(id -g)" -v "$(cd "$(dirname "$1")" && pwd):/zip:ro" -v "$2:/out" \
            "$BUSYBOX_IMAGE" unzip -q "/zip/$(basename "$1")" -d /out
    else
        echo "$0: cannot extract $1: no unzip, jar, python3 or docker on this machine" >&2
        return 1
    fi
}

# Moves the missing agency files found anywhere inside directory $1 into .data/.
take_missing_from() {
    for k in $(missing); do
        found=$(find "$1" -type f -name "agency-$k.csv" | head -n 1)
        if [ -n "$found" ]; then
            mv "$found" "$DATA/agency-$k.csv"
            echo "ensure-data: agency-$k.csv from $zip"
        fi
    done
}

mkdir -p "$DATA/state"
[ "$agencies" -gt 0 ] || exit 0
[ -n "$(missing)" ] || { echo "ensure-data: using the agency files already in $DATA/"; exit 0; }

for zip in "$DATA/dataset.zip" "$DATA/datasets.zip"; do
    if [ -z "$(missing)" ] || [ ! -f "$zip" ]; then
        continue
    fi
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/ensure-data.XXXXXX")
    if extract "$zip" "$tmp"; then
        take_missing_from "$tmp"
    fi
    rm -rf "$tmp"
done

still_missing=$(missing)
if [ -n "$still_missing" ]; then
    echo "ensure-data: no course data for agencies $still_missing- generating a synthetic dataset"
    if command -v java >/dev/null 2>&1; then
        # shellcheck disable=SC2086 # one argument per agency
        java tools/data/GenerateDataset.java "$DATA" $still_missing
    elif command -v docker >/dev/null 2>&1; then
        echo "ensure-data: no java on this machine: running the generator in $JDK_IMAGE"
        # shellcheck disable=SC2086 # one argument per agency
        docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/work" -w /work --entrypoint java "$JDK_IMAGE" \
            tools/data/GenerateDataset.java "$DATA" $still_missing
    else
        echo "$0: cannot generate the agency files: no java and no docker on this machine" >&2
        exit 1
    fi
fi
[ -z "$(missing)" ] || { echo "$0: agency files still missing in $DATA/: $(missing)" >&2; exit 1; }
