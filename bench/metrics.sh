#!/usr/bin/env bash
# Metrics benchmark: GET /metrics over loopback on a loaded hub (3 supervised services, JOBS training jobs, 10 reliable
# queues and their DLQs holding messages), SCRAPES times after 50 warm-up scrapes; the goal is under 50 ms.
# Usage: bench/metrics.sh [SCRAPES] [JOBS] [FILE]     (500 100; FILE: where to write the last scrape)
set -euo pipefail
"$(dirname "$0")/run-java.sh" ai.jarvis.trinity.bench.MetricsBench "${1:-500}" "${2:-100}" ${3:+"$3"} 2>&1 \
    | grep -vE '^[0-9:.]+ (INFO|WARN) '
