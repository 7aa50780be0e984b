#!/usr/bin/env bash
# Registry benchmark: heartbeat latency (one writer) beside the raw lock+write+fsync+rename in the same run,
# then throughput and lost updates with several writer processes.
# Usage: bench/registry.sh [HEARTBEATS] [PROCESSES]    (defaults 2000 and 8)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B package -DskipTests
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
cp=$(cat "$cpfile")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1), disk under $(df --output=source "${TMPDIR:-/tmp}" | tail -1)"
java -cp "target/classes:target/test-classes:$cp" ai.jarvis.trinity.bench.RegistryBench "${1:-2000}" "${2:-8}"
