#!/usr/bin/env bash
# Copywriter serving benchmark: starts aigc-copywriter with the committed model
# (models/copywriter-lm) and measures GenerateCopy with aigc-load at several
# concurrencies in one run, so the effect of continuous batching (every
# request's tokens decoded in one batched step) shows side by side: at
# concurrency c, requests per second and tokens per second against c = 1.
# Results (JSON) go to $OUT (default /tmp/copy_load).
#
#   scripts/build.sh && bench/copywriter_load.sh [--duration=20s] [--max_tokens=64]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="20s"
max_tokens=64
for arg in "$@"; do
  case "$arg" in
    --duration=*) duration="${arg#--duration=}" ;;
    --max_tokens=*) max_tokens="${arg#--max_tokens=}" ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "copywriter_load.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
out="${OUT:-/tmp/copy_load}"
rm -rf "$out" && mkdir -p "$out"

# shellcheck source=bench/start_server.sh
source bench/start_server.sh
start_server "$out" build/services/copywriter/aigc-copywriter --model_repository=models \
  --intra_op_threads=1

build/bench/aigc_load/aigc-load --target="127.0.0.1:$port" --workload=generate_copy \
  --concurrency=1,4,8,16 --duration="$duration" --warmup=3s --progress=0 \
  --max_tokens="$max_tokens" --deadline=60s --output="$out/generate_copy.json"
