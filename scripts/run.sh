#!/usr/bin/env bash
# The main job: installs what is missing, builds, starts the four services on
# this machine (loopback, default ports), checks that each reports SERVING,
# loads MovieLens into the recommender and demonstrates it (training on first
# run, recommendations with reasons, more-like-this, a real-time update), asks
# the copywriter for checked product copy (unary and streamed) and a live Q&A
# session, asks the image generator for labelled product images (written to
# data/imagegen/demo/), calls the gateway (keys, an image, product cards),
# starts a local Prometheus server scraping the four services, keeps
# everything up until Ctrl-C, then drains and stops the services cleanly.
#   scripts/run.sh           run until Ctrl-C
#   scripts/run.sh --smoke   start, check, stop (no demo); exit status says whether all was well
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=false
case "${1:-}" in
  --smoke) smoke=true ;;
  "") ;;
  *) echo "usage: scripts/run.sh [--smoke]" >&2; exit 2 ;;
esac

scripts/bootstrap.sh --check 2>/dev/null || scripts/bootstrap.sh
scripts/build.sh --target aigc-gateway aigc-recommender aigc-copywriter aigc-imagegen \
  aigc-health-probe aigc-rec-import aigc-rec-demo aigc-copy-demo aigc-imagegen-demo \
  aigc-gateway-keys aigc-gateway-demo

# name, binary, gRPC port, metrics port, service to probe
services=(
  "recommender aigc-recommender 50051 9102 aigc.recommender.v1.RecommenderService"
  "copywriter aigc-copywriter 50052 9103 aigc.copywriter.v1.CopywriterService"
  "imagegen aigc-imagegen 50053 9104 aigc.imagegen.v1.ImageGenService"
  "gateway aigc-gateway 50050 9101 aigc.gateway.v1.GatewayService"
)
binary_dir() { case $1 in aigc-health-probe) echo build/tools/health_probe ;; *) echo "build/services/${1#aigc-}" ;; esac; }

logs=data/logs
mkdir -p "$logs"

# The gateway admits callers by API key: on the first run, make a demo user key
# and a demo admin key. The key file holds only their hashes; the keys
# themselves go to data/gateway/demo_key and demo_admin_key (readable by you
# only) for the demo and for trying the gateway by hand.
keys=data/gateway/api_keys.txt
if [[ ! -s "$keys" ]]; then
  mkdir -p data/gateway
  for role in user admin; do
    file=data/gateway/demo_key
    [[ "$role" == admin ]] && file=data/gateway/demo_admin_key
    (umask 077 && build/services/gateway/tools/aigc-gateway-keys --client="demo-$role" \
      --role="$role" 2>/dev/null |
      { read -r _ key; echo "$key" > "$file"; read -r line; echo "$line" >> "$keys"; })
  done
fi
pids=()
prometheus_pid=""
stop_all() {
  trap - INT TERM EXIT
  if [[ -n "$prometheus_pid" ]]; then
    kill -TERM "$prometheus_pid" 2>/dev/null || true
    wait "$prometheus_pid" 2>/dev/null || true
    prometheus_pid=""
  fi
  ((${#pids[@]})) || return 0
  echo
  echo "stopping: SIGTERM to each service, which drains in-flight RPCs"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  local status=0
  for i in "${!pids[@]}"; do
    read -r name _ <<<"${services[$i]}"
    if wait "${pids[$i]}"; then
      echo "  $name: exited 0"
    else
      status=$?
      echo "  $name: exited $status (see $logs/$name.log)"
    fi
  done
  pids=()
  return $status
}
trap 'stop_all; exit 130' INT TERM
trap 'stop_all' EXIT

for entry in "${services[@]}"; do
  read -r name binary port metrics_port _ <<<"$entry"
  "$(binary_dir "$binary")/$binary" --host=127.0.0.1 --port="$port" \
    --metrics_port="$metrics_port" >"$logs/$name.log" 2>&1 &
  pids+=($!)
done

probe="$(binary_dir aigc-health-probe)/aigc-health-probe"
healthy=true
echo
printf '%-12s %-18s %-32s %s\n' SERVICE GRPC METRICS HEALTH
for entry in "${services[@]}"; do
  read -r name _ port metrics_port service <<<"$entry"
  if health=$("$probe" --target="127.0.0.1:$port" --service="$service" --wait=30s); then
    state=SERVING
  else
    state="NOT HEALTHY: ${health#*: } (log: $logs/$name.log)"
    healthy=false
  fi
  printf '%-12s %-18s %-32s %s\n' "$name" "127.0.0.1:$port" \
    "http://127.0.0.1:$metrics_port/metrics" "$state"
done
echo
echo "logs: $logs/"

if ! $healthy; then
  echo "some services are not healthy; stopping" >&2
  stop_all || true
  exit 1
fi
if $smoke; then
  stop_all
  exit $?
fi

# A local Prometheus server scraping the four services (deploy/prometheus:
# the same scrape config and alert rules as the deployment), its data in
# data/prometheus/.
if command -v prometheus >/dev/null; then
  mkdir -p data/prometheus
  prometheus --config.file=deploy/prometheus/prometheus.yml --storage.tsdb.path=data/prometheus \
    --web.listen-address=127.0.0.1:9090 >"$logs/prometheus.log" 2>&1 &
  prometheus_pid=$!
fi
echo
echo "recommender demo: MovieLens from r-cran-dslabs, loaded through the public RPCs"
scripts/data/movielens.sh
build/services/recommender/tools/aigc-rec-import --target=127.0.0.1:50051
build/services/recommender/tools/aigc-rec-demo --target=127.0.0.1:50051
echo
echo "copywriter demo: the committed model (models/copywriter-lm) writes copy for a demo product,"
echo "checked against its facts and the advertising law, unary and streamed"
build/services/copywriter/tools/aigc-copy-demo --target=127.0.0.1:50052
echo
echo "image generator demo: the committed generator (models/imagegen-generator) draws product"
echo "images by category, labelled as AI-generated in the PNG and checked against the training set"
build/services/imagegen/tools/aigc-imagegen-demo --target=127.0.0.1:50053 --out_dir=data/imagegen/demo
echo
echo "gateway demo: the public entry point, called with the demo key (data/gateway/demo_key)"
build/services/gateway/tools/aigc-gateway-demo --target=127.0.0.1:50050 \
  --api_key_file=data/gateway/demo_key --admin_key_file=data/gateway/demo_admin_key \
  --recommender_target=127.0.0.1:50051
if [[ -n "$prometheus_pid" ]]; then
  echo
  echo "Prometheus (http://127.0.0.1:9090) scraping the services, 'up' per job:"
  for _ in $(seq 40); do  # its first scrapes come within one 15 s interval
    up=$(curl -sf 'http://127.0.0.1:9090/api/v1/query?query=up' 2>/dev/null || true)
    [[ "$up" == *aigc-recommender* && "$up" == *aigc-gateway* && "$up" == *aigc-imagegen* &&
       "$up" == *aigc-copywriter* ]] && break
    sleep 0.5
  done
  UP_JSON="${up:-}" /usr/bin/python3 - <<'PY' || true
import json, os
try:
    results = json.loads(os.environ["UP_JSON"])["data"]["result"]
except (KeyError, ValueError):
    results = []
for result in sorted(results, key=lambda r: r["metric"]["job"]):
    print("  %-18s up = %s" % (result["metric"]["job"], result["value"][1]))
PY
fi
echo
echo "all services up; press Ctrl-C to stop"
wait -n "${pids[@]}" || true
echo "a service exited unexpectedly; stopping the rest" >&2
stop_all || true
exit 1
