#!/usr/bin/env bash
# Supervisor benchmark: KILLS kill -9s of a supervised child (default 20): exit detection, kill -> new process
# (backoff 0), kill -> healthy again (default 1 s backoff), beside direct spawn and child start-up baselines.
# Usage: bench/supervisor.sh [KILLS]     (needs python3 for the HTTP child)
set -euo pipefail
"$(dirname "$0")/run-java.sh" ai.jarvis.trinity.bench.SupervisorBench "${1:-20}" 2>&1 | grep -vE '^[0-9:.]+ (INFO|WARN) '
