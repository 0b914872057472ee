#!/usr/bin/env bash
# Builds the bench module and runs the placement-lookup JMH benchmarks with the GC profiler.
#   bench/jmh.sh            full run: 3 forks, 5 x 1 s warm-up, 5 x 1 s measurement (~20 min)
#   bench/jmh.sh --quick    1 fork, 3 x 1 s warm-up, 3 x 1 s measurement (~4 min)
# Any further arguments go to JMH (for example: -p nodes=100, or a benchmark regex).
# Prints JMH's own output, then a markdown summary table; raw results go to bench-out/jmh.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mode=(-f 3 -wi 5 -w 1s -i 5 -r 1s)
if [[ "${1:-}" == "--quick" ]]; then
  mode=(-f 1 -wi 3 -w 1s -i 3 -r 1s)
  shift
fi

./mvnw -q -DskipTests -Dspotless.check.skip=true package -pl bench -am

java_bin="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java_bin="$JAVA_HOME/bin/java"
fi
mkdir -p bench-out
classpath="bench/target/classes:$(cat bench/target/classpath.txt)"
exec "$java_bin" -cp "$classpath" dev.tether.bench.JmhMain "dev.tether.bench.jmh" \
  "${mode[@]}" -prof gc -rf json -rff bench-out/jmh.json "$@"
