#!/usr/bin/env bash
# GetProductCards benchmark (issue 8): starts aigc-recommender (a fresh store
# and model repository in $OUT), aigc-copywriter and aigc-imagegen (the
# committed models) and aigc-gateway in front of them (fresh keys in $OUT: a
# user key with a rate limit far above the load, an admin key), prepares
# fashion data with aigc-gateway-demo (on a fresh store it adds the demo
# catalogue to the recommender, records shopper-1..shopper-200's views through
# the gateway and trains popularity and item kNN through the gateway's admin
# service), then in one run measures
#   - GatewayService/GetProductCards (aigc-load gateway_product_cards) with
#     --count=10 cards (copy and a 28 x 28 image each, the default card options)
#     for shoppers drawn at random, at --concurrency (default 1,4), and
#   - each backend call the cards are made of, called directly, one at a time:
#     Recommend (10 items, same users and algorithm), GenerateCopy (one
#     candidate, 128 tokens at most: what the gateway asks for) and Generate
#     (one 28 x 28 image),
# and prints p50/p99 of each and cards p99 / max(backend p99): the issue's
# target is <= 3. JSON reports and logs go to $OUT (default /tmp/gateway_cards).
#
#   scripts/build.sh && bench/gateway_cards.sh [--duration=20s] [--concurrency=1,4]
#       [--algorithm=ALGORITHM_ITEM_KNN] [--deadline=30s]
#
# --deadline is each call's gRPC deadline, the gateway's time budget for the
# cards: parts not done by then are left out (counted as partial answers), so
# it is set far above the expected latency to measure whole cards.
# $GATEWAY_FLAGS are passed to aigc-gateway (e.g. GATEWAY_FLAGS=--cards_max_fanout=8).
# Binaries come from $BUILD_DIR (default build); $AIGC_LOAD names another
# aigc-load.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="20s"
concurrency="1,4"
algorithm="ALGORITHM_ITEM_KNN"
deadline="30s"
for arg in "$@"; do
  case "$arg" in
    --duration=*) duration="${arg#--duration=}" ;;
    --concurrency=*) concurrency="${arg#--concurrency=}" ;;
    --algorithm=*) algorithm="${arg#--algorithm=}" ;;
    --deadline=*) deadline="${arg#--deadline=}" ;;
    -h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gateway_cards.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
build="${BUILD_DIR:-build}"
load="${AIGC_LOAD:-$build/bench/aigc_load/aigc-load}"
out="${OUT:-/tmp/gateway_cards}"
rm -rf "$out" && mkdir -p "$out"
users="shopper-%d:1..200"  # the shoppers aigc-gateway-demo records views for

# shellcheck source=bench/start_server.sh
source bench/start_server.sh

# Keys for this run only: the key file holds their hashes; the user key goes to
# aigc-load through a flag file, both keys to aigc-gateway-demo through key
# files, all readable by this user only, so no key shows in the process list
# or the reports.
(
  umask 077
  keys="$build/services/gateway/tools/aigc-gateway-keys"
  "$keys" --client=bench-cards --rate=1000000 --burst=1000000 2>/dev/null >"$out/user_key.txt"
  "$keys" --client=bench-admin --role=admin 2>/dev/null >"$out/admin_key.txt"
  for role in user admin; do
    sed -n 's/^key: //p' "$out/${role}_key.txt" >"$out/$role.key"
    sed -n 2p "$out/${role}_key.txt" >>"$out/api_keys.txt"
  done
  sed 's/^/--api_key=/' "$out/user.key" >"$out/key.flags"
)

mkdir -p "$out/recommender"
start_named recommender "$build/services/recommender/aigc-recommender" \
  --store_path="$out/recommender/store" --model_repository="$out/recommender/models"
start_named copywriter "$build/services/copywriter/aigc-copywriter" --model_repository=models \
  --intra_op_threads=1
start_named imagegen "$build/services/imagegen/aigc-imagegen" --model_repository=models \
  --intra_op_threads=1
# shellcheck disable=SC2086
start_named gateway "$build/services/gateway/aigc-gateway" --api_keys_file="$out/api_keys.txt" \
  --recommender_target="127.0.0.1:$recommender_port" \
  --copywriter_target="127.0.0.1:$copywriter_port" --imagegen_target="127.0.0.1:$imagegen_port" \
  ${GATEWAY_FLAGS:-}  # word-split on purpose

echo "preparing fashion data with aigc-gateway-demo (log: $out/demo.txt)"
"$build/services/gateway/tools/aigc-gateway-demo" --target="127.0.0.1:$gateway_port" \
  --api_key_file="$out/user.key" --admin_key_file="$out/admin.key" \
  --recommender_target="127.0.0.1:$recommender_port" >"$out/demo.txt" 2>&1 ||
  { echo "aigc-gateway-demo failed:" >&2; cat "$out/demo.txt" >&2; exit 1; }

echo "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)" | tee "$out/load.txt"
# run NAME PORT [FLAG...]: one aigc-load run, its report in $out/NAME.json.
run() {
  local name="$1" port="$2"
  shift 2
  "$load" --target="127.0.0.1:$port" --duration="$duration" --warmup=2s --progress=0 \
    --deadline="$deadline" "$@" --output="$out/$name.json" ||
    { echo "$name: some requests failed, see $out/$name.json" >&2; exit 1; }
}
run cards "$gateway_port" --workload=gateway_product_cards --flagfile="$out/key.flags" \
  --concurrency="$concurrency" --count=10 --user_ids="$users" --algorithm="$algorithm"
run recommend "$recommender_port" --workload=recommend --concurrency=1 --count=10 \
  --user_ids="$users" --algorithm="$algorithm"
run copy "$copywriter_port" --workload=generate_copy --concurrency=1 --candidates=1 \
  --max_tokens=128
run images "$imagegen_port" --workload=generate_images --concurrency=1 --image_count=1 \
  --image_size=28
echo "load after measuring: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"

/usr/bin/python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
def levels(name):
    with open(f"{out}/{name}.json") as f:
        return json.load(f)["levels"]
backends = [("Recommend (10 items)", "recommend"), ("GenerateCopy (1 candidate, <= 128 tokens)", "copy"),
            ("Generate (1 image, 28 x 28)", "images")]
print("\n| call | concurrency | requests | p50 ms | p99 ms | max ms |")
print("|---|---:|---:|---:|---:|---:|")
slowest = (0.0, "")
for label, name in backends:
    level = levels(name)[0]
    latency = level["latency_ms"]
    print(f"| direct {label} | {level['concurrency']} | {level['ok']} | {latency['p50']:.2f} | "
          f"{latency['p99']:.2f} | {latency['max']:.2f} |")
    slowest = max(slowest, (latency["p99"], label))
cards = levels("cards")
for level in cards:
    latency = level["latency_ms"]
    print(f"| GetProductCards (10 cards) | {level['concurrency']} | {level['ok']} | "
          f"{latency['p50']:.2f} | {latency['p99']:.2f} | {latency['max']:.2f} |")
print(f"\nslowest backend call: {slowest[1]}, p99 {slowest[0]:.2f} ms")
for level in cards:
    counters = {name: c["total"] for name, c in level["counters"].items()}
    print(f"GetProductCards c={level['concurrency']}: p99 {level['latency_ms']['p99']:.2f} ms = "
          f"{level['latency_ms']['p99'] / slowest[0]:.2f}x the slowest backend p99 (target <= 3x); "
          f"{counters.get('cards', 0)} cards in {level['ok']} answers, "
          f"{counters.get('partial_answers', 0)} partial, "
          f"{counters.get('missing_copies', 0)} copies and "
          f"{counters.get('missing_images', 0)} images missing")
PY
