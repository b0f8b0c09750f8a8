#!/usr/bin/env bash
# Exports the MovieLens ratings shipped in Debian's r-cran-dslabs (the "latest-small"
# MovieLens sample of Harper & Konstan, 2015: 100,004 ratings by 671 users of 9,066 movies) to
#   data/movielens/ratings.csv
# relative to the repository root, whatever the current directory. Columns, as R's write.csv
# writes them (RFC 4180 quoting, NA for a missing title or year, genres separated by '|'):
#   "movieId","title","year","genres","userId","rating","timestamp"
#
#   scripts/data/movielens.sh            export unless a complete file is already there
#   scripts/data/movielens.sh --force    export again
#   scripts/data/movielens.sh --help
#
# Needs Rscript (Debian package r-base-core) and the dslabs R package (r-cran-dslabs).
set -euo pipefail

readonly kExpectedRows=100004
readonly kHeader='"movieId","title","year","genres","userId","rating","timestamp"'

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "movielens.sh: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out_dir="$repo_root/data/movielens"
out="$out_dir/ratings.csv"

# Prints the number of data rows of $1 (its lines minus the header). No title holds a line
# break, so lines and records coincide.
data_rows() {
  echo $(($(wc -l <"$1") - 1))
}

# Complete = the expected header and the expected number of rows.
is_complete() {
  [[ -f "$1" ]] && [[ "$(head -n 1 "$1")" == "$kHeader" ]] &&
    (($(data_rows "$1") == kExpectedRows))
}

if ((!force)) && is_complete "$out"; then
  echo "movielens.sh: $out is complete ($kExpectedRows rows); skipping (use --force to export again)"
  exit 0
fi

if ! command -v Rscript >/dev/null 2>&1; then
  echo "movielens.sh: Rscript not found; install the Debian package r-base-core" \
    "(apt-get install r-base-core r-cran-dslabs)" >&2
  exit 1
fi
if ! Rscript -e 'quit(status = if (requireNamespace("dslabs", quietly = TRUE)) 0 else 1)' \
  >/dev/null 2>&1; then
  echo "movielens.sh: the R package dslabs is missing; install the Debian package r-cran-dslabs" \
    "(apt-get install r-cran-dslabs)" >&2
  exit 1
fi

mkdir -p "$out_dir"
# The temporary file sits beside the target so that mv is an atomic rename on one file system.
tmp="$(mktemp "$out_dir/.ratings.csv.XXXXXX")"
trap 'rm -f "$tmp"' EXIT

# The path travels as an argument, not spliced into R code, so any character in it is safe.
Rscript -e 'library(dslabs); data(movielens);
            write.csv(movielens, commandArgs(trailingOnly = TRUE)[1], row.names = FALSE)' \
  "$tmp"

if ! is_complete "$tmp"; then
  echo "movielens.sh: the export is not what was expected (header '$(head -n 1 "$tmp")'," \
    "$(data_rows "$tmp") rows, expected $kExpectedRows); r-cran-dslabs may have changed" >&2
  exit 1
fi
chmod 0644 "$tmp"
mv -f "$tmp" "$out"
trap - EXIT
echo "movielens.sh: wrote $out ($(data_rows "$out") ratings)"
