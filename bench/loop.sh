#!/usr/bin/env bash
# Trinity loop benchmark: in one JVM an in-process hub (TRINITY_TRAINING_THRESHOLD=0) and a bare Artemis from the same
# broker.xml (no Camel), plus a J-Prime child process. (1) Durable experiences from an AMQP 1.0 producer (python3
# qpid-proton) to trinity.experiences until the pipeline stored them all, against the bare broker's queue drained by a
# transacted JMS consumer, one-by-one and 100 in flight; (2) POST /api/generate p50/p99 through the hub's proxy vs.
# J-Prime directly; (3) POST /api/models/{id}/deploy -> J-Prime answering with that version. RUNS times, interleaved.
# Usage: bench/loop.sh [RUNS] [SYNC_EXPERIENCES] [PIPELINED_EXPERIENCES] [GENERATE_CALLS] [DEPLOYS]   (3 1000 5000 2000 10)
# Experience counts are multiples of the batch size (100). Needs /usr/bin/python3 with qpid-proton (Debian:
# python3-qpid-proton). Benchmark JVM: -Xms1g -Xmx1g (JAVA_OPTS); J-Prime: -Xmx192m, C1 only, serial GC
# (the tests' child JVM; the supervisor's default child options but for the heap).
set -euo pipefail
/usr/bin/python3 -c 'import proton' || { echo "needs /usr/bin/python3 with qpid-proton (apt-get install python3-qpid-proton)" >&2; exit 1; }
export JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx1g}"
"$(dirname "$0")/run-java.sh" ai.jarvis.trinity.bench.LoopBench "${1:-3}" "${2:-1000}" "${3:-5000}" "${4:-2000}" "${5:-10}" \
    2>&1 | grep -vE '^[0-9:.]+ (INFO|WARN) '
