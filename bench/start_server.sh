# shellcheck shell=bash
# Sourced by the benchmark scripts (recommender_load.sh, copywriter_load.sh,
# copywriter_live.sh, imagegen_load.sh, gateway_overhead.sh, gateway_cards.sh).
#
#   start_server OUT SERVER_BIN [FLAG...]
#
# starts a suite binary with FLAGs on ephemeral loopback ports, logging to
# OUT/server.out and OUT/server.log; stops it when the calling script exits;
# sets $port and $metrics_port, or exits 1 when the server does not print its
# ready line within 30 s.
start_server() {
  local out="$1" bin="$2"
  shift 2
  "$bin" --port=0 --metrics_port=0 "$@" > "$out/server.out" 2> "$out/server.log" &
  server=$!
  trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
  for _ in $(seq 300); do
    grep -q "grpc_port=" "$out/server.out" 2>/dev/null && break
    sleep 0.1
  done
  port="$(sed -n 's/.*grpc_port=\([0-9]*\).*/\1/p' "$out/server.out")"
  metrics_port="$(sed -n 's/.*metrics_port=\([0-9]*\).*/\1/p' "$out/server.out")"
  if [[ -z "$port" || -z "$metrics_port" ]]; then
    echo "server did not start; see $out/server.log" >&2
    exit 1
  fi
}

# Stops the server start_server started (SIGTERM, then waits for its drain),
# so that a script can start another one.
stop_server() {
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  trap - EXIT
}

# For scripts that run several servers at once:
#
#   start_named NAME SERVER_BIN [FLAG...]
#
# starts a suite binary with FLAGs on ephemeral loopback ports, logging to
# $out/NAME.out and $out/NAME.log, and sets ${NAME}_port; every server started
# so is stopped (SIGTERM, then its drain) when the calling script exits. Exits
# 1 when the server does not print its ready line within 60 s. Uses $out.
#
#   start_process NAME BIN [FLAG...]
#
# the same for a binary without the suite's serving flags (aigc-bare-proxy):
# only FLAGs are passed, and it must print the same grpc_port= ready line.
named_pids=()
stop_named() {
  ((${#named_pids[@]})) || return 0
  kill -TERM "${named_pids[@]}" 2>/dev/null || true
  wait "${named_pids[@]}" 2>/dev/null || true
}
start_named() {
  local name="$1" bin="$2"
  shift 2
  start_process "$name" "$bin" --host=127.0.0.1 --port=0 --metrics_port=0 "$@"
}
start_process() {
  local name="$1" bin="$2" port=""
  shift 2
  "$bin" "$@" >"$out/$name.out" 2>"$out/$name.log" &
  named_pids+=($!)
  trap stop_named EXIT
  for _ in $(seq 600); do
    grep -q "grpc_port=" "$out/$name.out" 2>/dev/null && break
    sleep 0.1
  done
  port="$(sed -n 's/.*grpc_port=\([0-9]*\).*/\1/p' "$out/$name.out")"
  if [[ -z "$port" ]]; then
    echo "$name did not start; see $out/$name.log" >&2
    exit 1
  fi
  printf -v "${name}_port" '%s' "$port"
}
