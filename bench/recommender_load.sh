#!/usr/bin/env bash
# Recommender serving benchmark: trains every algorithm on MovieLens, starts
# aigc-recommender on a fresh store (sync on, the default), imports MovieLens
# through its RPCs, then measures Recommend per algorithm and WriteEvents
# ingestion with aigc-load. Results (JSON) go to $OUT (default /tmp/rec_load).
#
#   scripts/build.sh && bench/recommender_load.sh [--duration=10s]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="10s"
for arg in "$@"; do
  case "$arg" in
    --duration=*) duration="${arg#--duration=}" ;;
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "recommender_load.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
out="${OUT:-/tmp/rec_load}"
bin=build/services/recommender
load=build/bench/aigc_load/aigc-load
rm -rf "$out" && mkdir -p "$out"

scripts/data/movielens.sh
"$bin/tools/aigc-rec-train" --ratings=data/movielens/ratings.csv --model_repository="$out/models" \
  --evaluate=false > "$out/train.txt" 2> "$out/train.log"

# shellcheck source=bench/start_server.sh
source bench/start_server.sh
start_server "$out" "$bin/aigc-recommender" --store_path="$out/store" \
  --model_repository="$out/models"
target="127.0.0.1:$port"
"$bin/tools/aigc-rec-import" --target="$target"

for algorithm in "" ALGORITHM_EASE ALGORITHM_ITEM_KNN ALGORITHM_USER_KNN ALGORITHM_ALS \
                 ALGORITHM_BPR ALGORITHM_CONTENT ALGORITHM_POPULARITY; do
  name="${algorithm:-default_hybrid}"
  "$load" --target="$target" --workload=recommend --concurrency=1,8 --duration="$duration" \
    --warmup=2s --progress=0 ${algorithm:+--algorithm=$algorithm} \
    --output="$out/recommend_$name.json" 2>&1 | sed "s/^/$name: /"
done
for per_request in 100 1000; do
  "$load" --target="$target" --workload=write_events --concurrency=1,4,8 --duration="$duration" \
    --warmup=2s --progress=0 --events_per_request="$per_request" \
    --output="$out/write_events_$per_request.json" 2>&1 | sed "s/^/write_events x$per_request: /"
done
