#!/usr/bin/env bash
# Gateway overhead benchmark (issue 8): starts aigc-imagegen with the committed
# generator (models/imagegen-generator) and aigc-gateway in front of it (a
# fresh API key with a rate limit far above the load, made in $OUT), then in
# one run sends the same Generate requests (one 28 x 28 image each: a small,
# steady backend cost) directly to aigc-imagegen (aigc-load generate_images),
# through aigc-bare-proxy (bench/grpc_proxy: relays the calls as raw bytes, the
# least an extra gRPC hop costs) and through the gateway
# (gateway_generate_images, GatewayService/GenerateImages), same flags and
# durations, back to back, the order reversed every other round (--rounds
# rounds per concurrency), so that a drift of the machine hits all alike.
# Prints p50/p99 of each run and the p50 and p99 differences to the direct
# call: the gateway's overhead, and the bare hop's beside it. JSON reports and
# logs go to $OUT (default /tmp/gateway_overhead).
#
#   scripts/build.sh && bench/gateway_overhead.sh [--duration=10s] [--concurrency=1,8] [--rounds=2]
#
# Binaries come from $BUILD_DIR (default build); $AIGC_LOAD names another
# aigc-load binary.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="10s"
concurrency="1,8"
rounds=2
for arg in "$@"; do
  case "$arg" in
    --duration=*) duration="${arg#--duration=}" ;;
    --concurrency=*) concurrency="${arg#--concurrency=}" ;;
    --rounds=*) rounds="${arg#--rounds=}" ;;
    -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gateway_overhead.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "gateway_overhead.sh: --rounds: must be >= 1" >&2; exit 2; }
build="${BUILD_DIR:-build}"
load="${AIGC_LOAD:-$build/bench/aigc_load/aigc-load}"
out="${OUT:-/tmp/gateway_overhead}"
rm -rf "$out" && mkdir -p "$out"

# shellcheck source=bench/start_server.sh
source bench/start_server.sh

# A key for this run only: the key file holds its hash; the key itself goes to
# aigc-load through a flag file readable by this user only, so it shows neither
# in the process list nor in the reports.
(
  umask 077
  "$build/services/gateway/tools/aigc-gateway-keys" --client=bench-overhead \
    --rate=1000000 --burst=1000000 2>/dev/null >"$out/key.txt"
  sed -n 's/^key: /--api_key=/p' "$out/key.txt" >"$out/key.flags"
  sed -n 2p "$out/key.txt" >"$out/api_keys.txt"
)

start_named imagegen "$build/services/imagegen/aigc-imagegen" --model_repository=models \
  --intra_op_threads=1
# Copywriter and recommender are not called; their targets only have to parse.
start_process proxy "$build/bench/grpc_proxy/aigc-bare-proxy" --backend="127.0.0.1:$imagegen_port"
start_named gateway "$build/services/gateway/aigc-gateway" --api_keys_file="$out/api_keys.txt" \
  --imagegen_target="127.0.0.1:$imagegen_port" --recommender_target=127.0.0.1:1 \
  --copywriter_target=127.0.0.1:1

echo "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)" | tee "$out/load.txt"
# measure ROUTE CONCURRENCY ROUND
measure() {
  local route="$1" c="$2" round="$3" target="127.0.0.1:$imagegen_port" workload=generate_images
  local extra=()
  if [[ "$route" == proxy ]]; then
    target="127.0.0.1:$proxy_port"
  elif [[ "$route" == gateway ]]; then
    target="127.0.0.1:$gateway_port"
    workload=gateway_generate_images
    extra=(--flagfile="$out/key.flags")
  fi
  "$load" --target="$target" --workload="$workload" --concurrency="$c" --duration="$duration" \
    --warmup=2s --progress=0 --image_count=1 --image_size=28 --seed="$round" "${extra[@]}" \
    --output="$out/c$c-r$round-$route.json" ||
    { echo "$workload c=$c: some requests failed, see $out/c$c-r$round-$route.json" >&2; exit 1; }
}
IFS=, read -r -a levels <<<"$concurrency"
for c in "${levels[@]}"; do
  for round in $(seq "$rounds"); do
    # ABC, CBA: the order reverses every round, so a steady drift cancels out.
    if ((round % 2 == 1)); then
      measure direct "$c" "$round"
      measure proxy "$c" "$round"
      measure gateway "$c" "$round"
    else
      measure gateway "$c" "$round"
      measure proxy "$c" "$round"
      measure direct "$c" "$round"
    fi
  done
done
echo "load after measuring: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"

/usr/bin/python3 - "$out" "$concurrency" "$rounds" <<'PY'
import json, sys
out, levels, rounds = sys.argv[1], [int(c) for c in sys.argv[2].split(",")], int(sys.argv[3])
def level(c, r, route):
    with open(f"{out}/c{c}-r{r}-{route}.json") as f:
        return json.load(f)["levels"][0]
print("\n| concurrency | round | direct p50 ms | direct p99 ms | bare proxy p50 ms | gateway p50 ms "
      "| gateway p99 ms | bare hop p50 µs | gateway overhead p50 µs | gateway overhead p99 µs "
      "| direct req/s | gateway req/s |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
summary = []
for c in levels:
    h50, d50, d99 = [], [], []
    for r in range(1, rounds + 1):
        d, p, g = level(c, r, "direct"), level(c, r, "proxy"), level(c, r, "gateway")
        dl, pl, gl = d["latency_ms"], p["latency_ms"], g["latency_ms"]
        h50.append((pl["p50"] - dl["p50"]) * 1e3)
        d50.append((gl["p50"] - dl["p50"]) * 1e3)
        d99.append((gl["p99"] - dl["p99"]) * 1e3)
        print(f"| {c} | {r} | {dl['p50']:.3f} | {dl['p99']:.3f} | {pl['p50']:.3f} | {gl['p50']:.3f} | "
              f"{gl['p99']:.3f} | {h50[-1]:+.0f} | {d50[-1]:+.0f} | {d99[-1]:+.0f} | "
              f"{d['qps']:,.0f} | {g['qps']:,.0f} |")
    summary.append((c, sum(h50) / rounds, sum(d50) / rounds, sum(d99) / rounds, d50))
print()
for c, hop, p50, p99, each in summary:
    print(f"gateway overhead at c={c}: p50 {p50:+.0f} µs, p99 {p99:+.0f} µs; bare hop p50 {hop:+.0f} µs "
          f"(means of {rounds} rounds; gateway p50 per round: {', '.join(f'{x:+.0f}' for x in each)})")
PY
