#!/usr/bin/env bash
# Broker channels benchmark: on an in-process hub and, in the same JVM, a bare Artemis from the same broker.xml (no
# Camel): durable messages from an AMQP 1.0 producer (python3 qpid-proton) to a transacted consumer committing each
# one (hub: a queue-worker route; bare: a JMS session), one-by-one and 100 in flight; RPC ping p50/p99 (Core JMS,
# and the hub's REST RPC); events fanned out to 10 wildcard subscribers. RUNS times each, interleaved, medians.
# Usage: bench/channels.sh [RUNS] [SYNC_MESSAGES] [BATCHED_MESSAGES] [RPC_CALLS] [EVENTS]   (3 2000 20000 2000 2000)
# Needs /usr/bin/python3 with qpid-proton (Debian: python3-qpid-proton). Benchmark JVM: -Xms1g -Xmx1g (JAVA_OPTS).
set -euo pipefail
/usr/bin/python3 -c 'import proton' || { echo "needs /usr/bin/python3 with qpid-proton (apt-get install python3-qpid-proton)" >&2; exit 1; }
export JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx1g}"
"$(dirname "$0")/run-java.sh" ai.jarvis.trinity.bench.ChannelsBench "${1:-3}" "${2:-2000}" "${3:-20000}" "${4:-2000}" "${5:-2000}" \
    2>&1 | grep -vE '^[0-9:.]+ (INFO|WARN) '
