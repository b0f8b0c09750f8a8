#!/usr/bin/env bash
# Checks deploy/ and docker/ without a cluster, a Docker daemon or a network:
#   1. yamllint (deploy/.yamllint) over deploy/;
#   2. promtool: the scrape config, the alert rules and their unit tests;
#   3. `kubectl kustomize` renders deploy/k8s/base and both overlays, and
#      check_deploy.py checks what they contain (kinds, probes, ports, GPU
#      scheduling), the PrometheusRule against alerts.yml, the Grafana
#      dashboard (JSON, and every query's PromQL through promtool), the
#      compose file against docker/Dockerfile, and docker/'s package lists
#      against scripts/bootstrap.sh;
#   4. Compose validates deploy/compose.yaml (`config`).
# Written for Debian 12's tools (kubectl 1.20 from kubernetes-client, whose
# kustomize is v2.0.3; promtool 2.42; yamllint 1.29; docker-compose 1.29);
# newer ones pass too.
#   tests/deploy/check_deploy.sh              run every check (ctest -L deploy)
#   tests/deploy/check_deploy.sh --sync-rules rewrite deploy/k8s/base/prometheus-rule.yaml
#                                             from deploy/prometheus/alerts.yml
set -euo pipefail
cd "$(dirname "$0")/../.."

python=/usr/bin/python3  # Debian's python3-yaml belongs to this interpreter

sync_rules() {
  {
    cat <<'HEADER'
# The alert rules of deploy/prometheus/alerts.yml for the Prometheus
# Operator. Generated: edit alerts.yml, then run
#   tests/deploy/check_deploy.sh --sync-rules
# (the test fails while the two differ).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: aigc
spec:
HEADER
    sed -n '/^groups:/,$p' deploy/prometheus/alerts.yml | sed 's/^/  /; s/^ *$//'
  } >deploy/k8s/base/prometheus-rule.yaml
  echo "check_deploy: wrote deploy/k8s/base/prometheus-rule.yaml"
}

case "${1:-}" in
  --sync-rules) sync_rules; exit 0 ;;
  "") ;;
  *) echo "usage: tests/deploy/check_deploy.sh [--sync-rules]" >&2; exit 2 ;;
esac

missing=()
command -v kubectl >/dev/null || missing+=("kubectl (Debian package kubernetes-client)")
command -v yamllint >/dev/null || missing+=("yamllint (Debian package yamllint)")
command -v promtool >/dev/null || missing+=("promtool (Debian package prometheus)")
"$python" -c 'import yaml' 2>/dev/null || missing+=("$python with PyYAML (Debian package python3-yaml)")
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
else
  missing+=("docker compose or docker-compose (Debian package docker-compose)")
fi
if ((${#missing[@]})); then
  printf 'check_deploy: missing tool: %s\n' "${missing[@]}" >&2
  echo "check_deploy: scripts/bootstrap.sh installs them" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
step() {  # step NAME COMMAND...: runs it, prints ok/FAILED with its output on failure
  local name=$1
  shift
  if "$@" >"$work/step.log" 2>&1; then
    echo "ok      $name"
  else
    echo "FAILED  $name"
    sed 's/^/        /' "$work/step.log"
    failures=$((failures + 1))
  fi
}

step "yamllint deploy/" yamllint --strict -c deploy/.yamllint deploy/
step "promtool check config deploy/prometheus/prometheus.yml" \
  promtool check config deploy/prometheus/prometheus.yml
step "promtool check rules deploy/prometheus/alerts.yml" \
  promtool check rules deploy/prometheus/alerts.yml
step "promtool test rules deploy/prometheus/alerts_test.yml" \
  promtool test rules deploy/prometheus/alerts_test.yml
step "dashboard is JSON (python3 -m json.tool)" \
  "$python" -m json.tool deploy/grafana/aigc-dashboard.json

rendered=true
for target in base overlays/cpu overlays/gpu; do
  name=${target#overlays/}
  # kubectl >= 1.27 warns on stderr about fields kustomize v5 deprecates and
  # v2.0.3 needs (bases, patchesStrategicMerge, commonLabels).
  if kubectl kustomize "deploy/k8s/$target" >"$work/$name.yaml" 2>"$work/$name.err"; then
    echo "ok      kubectl kustomize deploy/k8s/$target"
  else
    echo "FAILED  kubectl kustomize deploy/k8s/$target"
    sed 's/^/        /' "$work/$name.err"
    failures=$((failures + 1))
    rendered=false
  fi
done

# The content checks print their own ok/FAILED lines.
if $rendered && ! "$python" tests/deploy/check_deploy.py --work="$work" \
    --base="$work/base.yaml" --cpu="$work/cpu.yaml" --gpu="$work/gpu.yaml"; then
  failures=$((failures + 1))
fi

# Compose's own schema check (no daemon needed); the API key file it mounts
# need not exist for that.
step "${compose[*]} config (deploy/compose.yaml)" \
  "${compose[@]}" -p aigc -f deploy/compose.yaml config -q

if ((failures)); then
  echo "check_deploy: $failures check(s) failed"
  exit 1
fi
echo "check_deploy: all checks passed"
