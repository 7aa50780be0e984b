#!/usr/bin/env bash
# Dashboard benchmark: a hub from target/trinity-camel.jar with its 3 services (itself, jarvis-prime,
# reactor-core), 100 completed training jobs and 10 queues holding messages; then, in headless chromium, LOADS fresh
# loads of the dashboard (first contentful paint, and every panel filled) and IDLE_S seconds with the page open,
# counting the requests it makes to the hub (0 expected: no polling, only its open event stream).
# Usage: bench/dashboard.sh [LOADS] [IDLE_S] [SCREENSHOT_FILE]
#   needs target/trinity-camel.jar (mvn -q package -DskipTests), /usr/bin/chromium and
#   npm ci --prefix src/test/js/dashboard
set -euo pipefail
cd "$(dirname "$0")/.."
loads=${1:-10}
idle_s=${2:-30}
screenshot=${3:-}
jar=target/trinity-camel.jar
[ -f "$jar" ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 1; }
[ -d src/test/js/dashboard/node_modules/playwright-core ] || { echo "first: npm ci --prefix src/test/js/dashboard" >&2; exit 1; }
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid"; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
await() { # await SECONDS DESCRIPTION COMMAND...: runs COMMAND every 0.5 s until it succeeds
  local deadline=$(( $(date +%s) + $1 )) what=$2; shift 2
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for $what" >&2; tail -20 "$work/hub.log" >&2; exit 1; }
    sleep 0.5
  done
}

port=$(free_port)
url="http://127.0.0.1:$port"
mkdir -p "$work/config"
TRINITY_HOME="$work/home" TRINITY_CONFIG_DIR="$work/config" TRINITY_HTTP_PORT=$port \
  TRINITY_BROKER_PORT=$(free_port) TRINITY_AMQP_PORT=$(free_port) TRINITY_STOMP_PORT=$(free_port) \
  TRINITY_MQTT_PORT=$(free_port) java -jar "$jar" >"$work/hub.log" 2>&1 &
pid=$!

services_running() {
  [ "$(curl -sf "$url/api/services?all=true" | grep -o '"state":"running"' | wc -l)" -eq 2 ]
}
await 120 "the two supervised services" services_running

jobs=100
for i in $(seq "$jobs"); do
  curl -sf -o /dev/null -X POST "$url/api/training/start" -H 'Content-Type: application/json' \
    -d "{\"experiences\": [{\"input\": \"question $i\", \"output\": \"answer $i\", \"reward\": 1.0},
         {\"input\": \"hello $i\", \"output\": \"hi $i\", \"reward\": 0.5}], \"epochs\": 2}"
done
jobs_completed() {
  [ "$(curl -sf "$url/api/training/jobs?status=completed&limit=1000" | grep -o '"job_id"' | wc -l)" -ge "$jobs" ]
}
await 600 "$jobs completed jobs" jobs_completed

for q in $(seq 0 9); do
  for m in $(seq "$(( q + 1 ))"); do
    curl -sf -o /dev/null -X POST "$url/api/queues/orders-$q" -H 'Content-Type: application/json' -d "{\"order\": $m}"
  done
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(/usr/bin/chromium --version 2>/dev/null)"
echo "hub: 3 services, $jobs completed jobs, 10 queues; loopback"
node src/test/js/dashboard/dashboard-bench.js "$url" "$loads" "$idle_s" ${screenshot:+"$(realpath -m "$screenshot")"}
