# Sourced by tools/bench/course-run.sh and tools/bench/docker-run.sh (bash; not a command of its own).
#
# course_data DIR AGENCIES NAME: puts agency-1.csv..agency-AGENCIES.csv in DIR (created if needed): the course's
# zip ../shared/data/dataset.zip when it is there (unzip, else Python's zipfile), else the synthetic dataset of
# tools/data/GenerateDataset.java. Sets data_note (what the data is), expected_rows and expected_winners[k] (bets on
# 7574 in agency k's file, counted from the file itself). NAME prefixes the error message; a missing file exits 1.
course_data() {
    local dir=$1 agencies=$2 name=$3 zip=../shared/data/dataset.zip k f unzipped
    mkdir -p "$dir"
    if [ -f "$zip" ]; then
        data_note="course data ($zip)"
        unzipped=$(mktemp -d "$dir/.unzip.XXXXXX")
        if command -v unzip >/dev/null 2>&1; then unzip -q "$zip" -d "$unzipped"; else python3 -m zipfile -e "$zip" "$unzipped"; fi
        for k in $(seq 1 "$agencies"); do
            f=$(find "$unzipped" -type f -name "agency-$k.csv" | head -n 1)
            [ -n "$f" ] || { echo "$name: agency-$k.csv not in $zip" >&2; exit 1; }
            mv "$f" "$dir/agency-$k.csv"
        done
        rm -rf "$unzipped"
    else
        data_note="SYNTHETIC data (no $zip): tools/data/GenerateDataset.java, as tools/data/ensure-data.sh generates it"
        # shellcheck disable=SC2046 # the agency numbers are words
        java tools/data/GenerateDataset.java "$dir" $(seq 1 "$agencies") >/dev/null
    fi
    expected_rows=0
    expected_winners=()
    for k in $(seq 1 "$agencies"); do
        expected_rows=$((expected_rows + $(grep -c . "$dir/agency-$k.csv")))
        expected_winners[k]=$(tr -d '\r' <"$dir/agency-$k.csv" | awk -F, '$NF == 7574' | wc -l)
    done
}
