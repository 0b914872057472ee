#!/usr/bin/env bash
# Replicated-state benchmarks (issue 3): the core apply rate on RocksDB and in memory, then
# OpenSession throughput on three in-process Ratis servers with and without group commit.
#   bench/state.sh            full: apply 5 trials x 400k commands; replicated 3 trials x 20 s
#   bench/state.sh --quick    apply 2 trials x 150k; replicated 1 trial x 8 s (about 3 minutes)
# Before each benchmark it waits (at most QUIET_WAIT_S seconds, default 1200) for the 1-minute
# load average to fall below QUIET_LOAD (default 1.5), then measures anyway and says so.
# Output goes to the terminal and to bench-out/state-<time>.txt. JAVA_OPTS replaces the JVM
# options below; APPLY_ARGS and REPLICATED_ARGS are added to each benchmark's own options.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick=false
if [[ "${1:-}" == "--quick" ]]; then
  quick=true
  shift
fi
if [[ $# -gt 0 ]]; then
  echo "usage: bench/state.sh [--quick]" >&2
  exit 2
fi

quiet_load="${QUIET_LOAD:-1.5}"
quiet_wait_s="${QUIET_WAIT_S:-1200}"
# A fixed heap keeps GC behaviour the same from run to run. The common-pool parallelism:
# see docs/performance.md, "Replicated state (issue 3)".
java_opts=(${JAVA_OPTS:--Xms3g -Xmx3g -Djava.util.concurrent.ForkJoinPool.common.parallelism=4})
if $quick; then
  apply_args=(--trials 2 --commands 150000 --warmup-commands 50000 --seconds 10)
  replicated_args=(--trials 1 --seconds 8 --warmup-seconds 3)
else
  apply_args=(--trials 5 --commands 400000 --warmup-commands 100000 --seconds 30)
  replicated_args=(--trials 3 --seconds 20 --warmup-seconds 5)
fi
apply_args+=(${APPLY_ARGS:-})
replicated_args+=(${REPLICATED_ARGS:-})

mkdir -p bench-out
out="bench-out/state-$(date -u +%Y%m%dT%H%M%SZ).txt"
exec > >(tee "$out") 2>&1

./mvnw -q -DskipTests -Dspotless.check.skip=true package -pl bench -am
java_bin="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java_bin="$JAVA_HOME/bin/java"
fi
classpath="bench/target/classes:$(cat bench/target/classpath.txt)"

# Waits until the 1-minute load average is below $quiet_load, for at most $quiet_wait_s.
wait_for_quiet() {
  local waited=0 load
  while true; do
    load="$(cut -d' ' -f1 /proc/loadavg)"
    if awk -v l="$load" -v q="$quiet_load" 'BEGIN { exit !(l < q) }'; then
      echo "# quiet: 1-minute load $load < $quiet_load after ${waited}s ($(uptime))"
      return
    fi
    if ((waited >= quiet_wait_s)); then
      echo "# NOT QUIET: 1-minute load $load >= $quiet_load after ${waited}s; measuring anyway ($(uptime))"
      return
    fi
    sleep 15
    waited=$((waited + 15))
  done
}

echo "# bench/state.sh $($quick && echo --quick) at $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo '+dirty')"
echo "# java ${java_opts[*]}"
wait_for_quiet
"$java_bin" "${java_opts[@]}" -cp "$classpath" dev.tether.bench.core.ApplyBench \
  --dir bench/target "${apply_args[@]}"
echo
wait_for_quiet
"$java_bin" "${java_opts[@]}" -cp "$classpath" dev.tether.bench.replicated.ReplicatedBench \
  --dir bench/target "${replicated_args[@]}"
echo "# done at $(date -u +%FT%TZ); $(uptime)"
echo "# output: $out"
