#!/usr/bin/env bash
# Start-up benchmark: wall time from `java -jar target/trinity-camel.jar` to the first 200 from /api/health,
# and the hub's RSS once healthy, median of RUNS runs. Odd runs start on a new TRINITY_HOME (first start on a
# machine), even runs restart on the home of the run before (the usual case). Baseline in the same run: `java -jar ... --version`
# (JVM start + opening the jar + argument parsing), so the figures can be read as a ratio on a noisy machine.
# Usage: bench/startup.sh [RUNS]   (needs target/trinity-camel.jar: mvn -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
jar=target/trinity-camel.jar
[ -f "$jar" ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 1; }
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid"; rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

baseline=() ; startup=() ; first=() ; again=() ; rss=()
for i in $(seq "$runs"); do
  home="$work/home$(( (i + 1) / 2 ))"
  t0=$(now_ms); java -jar "$jar" --version >/dev/null; baseline+=($(( $(now_ms) - t0 )))

  port=$(free_port); core=$(free_port); amqp=$(free_port); stomp=$(free_port); mqtt=$(free_port)
  # Empty config dir: the jar's own broker.xml and routes, as on a fresh machine.
  mkdir -p "$work/config$i"
  t0=$(now_ms)
  TRINITY_HOME="$home" TRINITY_CONFIG_DIR="$work/config$i" TRINITY_HTTP_PORT=$port \
    TRINITY_BROKER_PORT=$core TRINITY_AMQP_PORT=$amqp TRINITY_STOMP_PORT=$stomp TRINITY_MQTT_PORT=$mqtt \
    java -jar "$jar" >"$work/hub$i.log" 2>&1 &
  pid=$!
  deadline=$(( t0 + 60000 ))
  until curl -sf -o /dev/null "http://127.0.0.1:$port/api/health"; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "hub did not become healthy" >&2; cat "$work/hub$i.log" >&2; kill "$pid"; exit 1; }
    sleep 0.01
  done
  took=$(( $(now_ms) - t0 ))
  startup+=($took)
  if (( i % 2 )); then first+=($took); else again+=($took); fi
  sleep 1
  rss+=($(( $(ps -o rss= -p "$pid") / 1024 )))
  child_rss=$( (ps -o rss= --ppid "$pid" || true) | awk '{s+=$1} END {print int(s/1024)}')
  kill -TERM "$pid"; wait "$pid" || true
  pid=
done

b=$(printf '%s\n' "${baseline[@]}" | median)
s=$(printf '%s\n' "${startup[@]}" | median)
r=$(printf '%s\n' "${rss[@]}" | median)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "runs: $runs"
echo "baseline (java -jar --version) median ms: $b   [${baseline[*]}]"
echo "start to first healthy /api/health median ms: $s   [${startup[*]}]   ratio to baseline: $(awk "BEGIN {printf \"%.1f\", $s/$b}")"
echo "  on a new home median ms: $(printf '%s\n' "${first[@]}" | median)   restart on the same home median ms: $( [ ${#again[@]} -gt 0 ] && printf '%s\n' "${again[@]}" | median || echo -)"
echo "RSS after start median MB: $r   [${rss[*]}]   (hub only; its two built-in children, still starting, had $child_rss MB together in the last run)"
