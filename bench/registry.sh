#!/usr/bin/env bash
# Registry benchmark: heartbeat latency (one writer) beside the raw lock+write+fsync+rename in the same run,
# then throughput and lost updates with several writer processes.
# Usage: bench/registry.sh [HEARTBEATS] [PROCESSES]    (defaults 2000 and 8)
set -euo pipefail
exec "$(dirname "$0")/run-java.sh" ai.jarvis.trinity.bench.RegistryBench "${1:-2000}" "${2:-8}"
