#!/usr/bin/env bash
# Makes the local branches ej1 .. ej8 that the course's delivery rules and black-box tests expect (`git switch ejN`),
# all from one commit of main: branch ejN is that commit plus one commit that sets `EXERCISE=N` in deploy/exercise,
# which makes generar-compose.sh give the clients what exercise N shows (1-4 the echo loop, 5 the statement's bet
# from the environment, 6-8 the whole lottery). main itself is exercise 8.
#
#   tools/course-branches.sh [--from REV]      (also `make course-branches`; REV defaults to main)
#
# Deterministic and idempotent: the extra commit's author, committer and date are fixed (the date is the base
# commit's), so a rerun from the same base makes the same commits and changes nothing. Nothing in the work tree or
# the index changes; only refs/heads/ej1..ej8 move. A branch that is checked out (here or in another worktree) and
# would move is refused by git: switch away from it first. To publish them: git push --force origin ej1 ej2 ej3 ej4
# ej5 ej6 ej7 ej8 (force: after main moved on, a branch is rebuilt on the new main instead of stacked on the old).
set -euo pipefail

usage() {
    echo "usage: $0 [--from REV]   (makes branches ej1..ej8 from REV, default main)" >&2
    exit 2
}

from=main
while [ "$#" -gt 0 ]; do
    case $1 in
        --from) [ "$#" -ge 2 ] || usage; from=$2; shift 2 ;;
        -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) usage ;;
    esac
done

cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
base=$(git rev-parse -q --verify "$from^{commit}") || { echo "$0: no commit '$from'" >&2; exit 2; }
file=deploy/exercise
git cat-file -e "$base:$file" 2>/dev/null || { echo "$0: $from has no $file" >&2; exit 2; }
base_text=$(git cat-file blob "$base:$file")
grep -q '^EXERCISE=[0-9]*$' <<<"$base_text" || { echo "$0: $from:$file has no EXERCISE= line" >&2; exit 2; }
date=$(git log -1 --format=%cI "$base")

index=$(mktemp)
trap 'rm -f "$index"' EXIT

for n in 1 2 3 4 5 6 7 8; do
    case $n in
        [1-4]) what="the echo loop" ;;
        5) what="one bet from the environment, the statement's example by default" ;;
        *) what="the whole lottery from the agency files" ;;
    esac
    # shellcheck disable=SC2001 # a whole-line substitution, not a fixed string
    blob=$(sed "s/^EXERCISE=[0-9]*\$/EXERCISE=$n/" <<<"$base_text" | git hash-object -w --stdin)
    GIT_INDEX_FILE=$index git read-tree "$base"
    GIT_INDEX_FILE=$index git update-index --cacheinfo "100644,$blob,$file"
    tree=$(GIT_INDEX_FILE=$index git write-tree)
    commit=$(GIT_AUTHOR_NAME="course-branches" GIT_AUTHOR_EMAIL="course-branches@lottery.invalid" \
        GIT_AUTHOR_DATE="$date" GIT_COMMITTER_NAME="course-branches" \
        GIT_COMMITTER_EMAIL="course-branches@lottery.invalid" GIT_COMMITTER_DATE="$date" \
        git commit-tree "$tree" -p "$base" -m "ej$n: show exercise $n ($what)" \
        -m "Made by tools/course-branches.sh from $(git rev-parse --short "$base"): deploy/exercise says EXERCISE=$n.")
    current=$(git rev-parse -q --verify "refs/heads/ej$n" || true)
    if [ "$current" = "$commit" ]; then
        echo "ej$n: $(git rev-parse --short "$commit") (unchanged)"
        continue
    fi
    git branch -f "ej$n" "$commit" >/dev/null
    if [ -n "$current" ]; then
        echo "ej$n: $(git rev-parse --short "$commit") (moved from $(git rev-parse --short "$current"))"
    else
        echo "ej$n: $(git rev-parse --short "$commit") (new)"
    fi
done
