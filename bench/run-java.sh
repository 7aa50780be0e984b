#!/usr/bin/env bash
# Builds the project and runs one of the benchmark programs of src/test/java with the test class path.
# Usage: bench/run-java.sh MAIN_CLASS [ARGS...]     (used by the other bench scripts)
# JAVA_OPTS (empty by default): JVM options of the benchmark JVM, e.g. JAVA_OPTS="-Xms1g -Xmx1g".
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B package -DskipTests
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
main=$1
shift
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
java ${JAVA_OPTS:-} -cp "$PWD/target/classes:$PWD/target/test-classes:$(cat "$cpfile")" "$main" "$@"
