#!/usr/bin/env bash
# Training drop-box benchmark: a job of EXPERIENCES experiences (~5 KB each, default 10,000 = ~50 MB) through
# (a) TrainingCoordinator.submit (drop-box file + fsync + rename + job message), (b) the same experiences POSTed
# inline, (c) a plain write + fsync of as many bytes, RUNS times each, interleaved, with the heap growth during (a);
# then submit -> first SSE "running" event on a hub with a supervised reactor and the built-in trainer.
# Usage: bench/dropbox.sh [RUNS] [EXPERIENCES]     (defaults 5 and 10000)
# The benchmark JVM gets a fixed heap and the serial GC (override with JAVA_OPTS).
set -euo pipefail
export JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseSerialGC}"
"$(dirname "$0")/run-java.sh" ai.jarvis.trinity.bench.DropboxBench "${1:-5}" "${2:-10000}" 2>&1 | grep -vE '^[0-9:.]+ (INFO|WARN) '
