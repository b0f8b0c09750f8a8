#!/usr/bin/env bash
# LiveQA benchmark: starts aigc-copywriter with the committed model
# (models/copywriter-lm) and rate limits that cannot throttle the bench, then
# runs aigc-live-bench at 1 and 8 concurrent rooms against the same process:
# time to first token (p50/p90/p99), generated tokens/s (from /metrics) and
# tokens/s at 8 rooms against 1. Results: a table on stdout; JSON and the
# server's logs in $OUT (default /tmp/copy_live). Binaries come from $BUILD
# (default build); $SERVER_BIN or $BENCH_BIN name either one directly.
#
#   scripts/build.sh && bench/copywriter_live.sh [--duration=20s] [--warmup=3s] [--rooms=1,8]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="20s"
warmup="3s"
rooms="1,8"
for arg in "$@"; do
  case "$arg" in
    --duration=*) duration="${arg#--duration=}" ;;
    --warmup=*) warmup="${arg#--warmup=}" ;;
    --rooms=*) rooms="${arg#--rooms=}" ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "copywriter_live.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
build="${BUILD:-build}"
server_bin="${SERVER_BIN:-$build/services/copywriter/aigc-copywriter}"
bench_bin="${BENCH_BIN:-$build/bench/live_qa/aigc-live-bench}"
for bin in "$server_bin" "$bench_bin"; do
  [[ -x "$bin" ]] || { echo "copywriter_live.sh: $bin not built (BUILD=$build)" >&2; exit 1; }
done
out="${OUT:-/tmp/copy_live}"
rm -rf "$out" && mkdir -p "$out"

# shellcheck source=bench/start_server.sh
source bench/start_server.sh
start_server "$out" "$server_bin" --model_repository=models --intra_op_threads=1 \
  --live_room_replies_per_second=1000 --live_room_reply_burst=1000

"$bench_bin" --target="127.0.0.1:$port" \
  --metrics="127.0.0.1:$metrics_port" --rooms="$rooms" --duration="$duration" \
  --warmup="$warmup" --output="$out/live_qa.json"
