#!/usr/bin/env bash
# Image generator serving benchmark: starts aigc-imagegen with the committed
# generator (models/imagegen-generator) twice, with dynamic batching
# (--max_batch_size=32) and without it (--max_batch_size=1), and measures
# Generate (one 28 x 28 image per request, random categories and seeds) with
# aigc-load at concurrency 1, 8 and 32 against each, in one run, so the two
# compare side by side on the same machine state. Prints images per second
# per level and the batched/unbatched ratio; JSON reports go to $OUT (default
# /tmp/imagegen_load). $SERVER_FLAGS are passed to both servers (e.g.
# SERVER_FLAGS=--near_duplicate_check=false).
#
#   scripts/build.sh && bench/imagegen_load.sh [--duration=15s] [--image_size=28]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="15s"
image_size=28
for arg in "$@"; do
  case "$arg" in
    --duration=*) duration="${arg#--duration=}" ;;
    --image_size=*) image_size="${arg#--image_size=}" ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "imagegen_load.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
out="${OUT:-/tmp/imagegen_load}"
rm -rf "$out" && mkdir -p "$out"

# shellcheck source=bench/start_server.sh
source bench/start_server.sh
for mode in batched unbatched; do
  batch=32
  [[ "$mode" == unbatched ]] && batch=1
  mkdir -p "$out/$mode"
  # shellcheck disable=SC2086
  start_server "$out/$mode" build/services/imagegen/aigc-imagegen --model_repository=models \
    --intra_op_threads=1 --max_batch_size="$batch" ${SERVER_FLAGS:-}  # word-split on purpose
  build/bench/aigc_load/aigc-load --target="127.0.0.1:$port" --workload=generate_images \
    --concurrency=1,8,32 --duration="$duration" --warmup=3s --progress=0 \
    --image_size="$image_size" --output="$out/$mode.json"
  # The batch sizes the server actually formed, from its /metrics.
  curl -s "http://127.0.0.1:$metrics_port/metrics" |
    grep -E '^aigc_inference_batch_size_(sum|count)' > "$out/$mode/batch_size.txt" || true
  stop_server
done

/usr/bin/python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
rates = {}
for mode in ("batched", "unbatched"):
    with open(f"{out}/{mode}.json") as f:
        rates[mode] = {l["concurrency"]: l["counters"]["images"]["per_s"] for l in json.load(f)["levels"]}
print("\n| concurrency | batched images/s | unbatched images/s | batched / unbatched |")
print("|---:|---:|---:|---:|")
for c in sorted(rates["batched"]):
    b, u = rates["batched"][c], rates["unbatched"][c]
    print(f"| {c} | {b:,.0f} | {u:,.0f} | {b / u:.2f}x |")
for mode in ("batched", "unbatched"):
    sizes = dict(line.split() for line in open(f"{out}/{mode}/batch_size.txt"))
    total = sum(float(v) for k, v in sizes.items() if "_sum" in k)
    count = sum(float(v) for k, v in sizes.items() if "_count" in k)
    print(f"{mode}: mean batch {total / max(count, 1):.1f} images over {count:.0f} batches")
PY
