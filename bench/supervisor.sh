#!/usr/bin/env bash
# Supervisor benchmark: KILLS kill -9s of a supervised child (default 20): exit detection, kill -> new process
# (backoff 0), kill -> healthy again (default 1 s backoff), beside direct spawn and child start-up baselines.
# Usage: bench/supervisor.sh [KILLS]     (needs python3 for the HTTP child)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B package -DskipTests
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
cp=$(cat "$cpfile")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
java -cp "target/classes:target/test-classes:$cp" ai.jarvis.trinity.bench.SupervisorBench "${1:-20}" 2>&1 \
  | grep -vE '^[0-9:.]+ (INFO|WARN) '
