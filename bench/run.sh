#!/usr/bin/env bash
# Tether side by side with etcd on this machine, in one run (docs/performance.md, "Side by side
# with etcd"). Installs etcd 3.4 from Debian if missing, builds the bench module, then runs
# dev.tether.bench.peers.PeersMain, which starts a three-daemon Tether region (3 JVMs), a
# three-member etcd cluster and a gRPC echo server on loopback, interleaves A/B trials after a
# quiet check, and prints the tables; results.json, results.md and throughput.png go to --out.
#
#   bench/run.sh [--quick] [--out DIR] [--only throughput,membership,failover,steady,nodefail,scale]
#                [--trials N] [--quiet-wait-s S] [--scale-sessions N] [--scale-load-s S]
#                [--nodefail-sessions N,N] [--nodefail-trials N] [--first-warmup-ms MS] ...
#
# --quick: reduced grid, 2 trials, short windows: under 5 minutes after the build.
# The first trial of each system in each throughput cell warms up longer (--first-warmup-ms: 15 s,
# 3 s with --quick) so that the JVMs have compiled the cell's code paths before it is measured.
# Full: 5 trials per cell, every scenario: under about 60 minutes on a quiet 2-vCPU machine.
# Every process started is stopped by its pid at the end, also on failure or Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

out="bench-out/peers"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[$i]}" == "--out" && $((i + 1)) -lt ${#args[@]} ]]; then
    out="${args[$((i + 1))]}"
  fi
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d /tmp/tether-peers.XXXXXX)"

# Stop, by pid, anything the harness started and did not stop itself (a crashed or killed JVM).
harness_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$harness_pid" ]] && kill -0 "$harness_pid" 2>/dev/null; then
    kill "$harness_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$harness_pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$harness_pid" 2>/dev/null || true
  fi
  if [[ -f "$out/pids.txt" ]]; then
    while read -r pid name; do
      if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        echo "run.sh: stopping leftover $name (pid $pid)" >&2
        kill "$pid" 2>/dev/null || true
        sleep 2
        kill -9 "$pid" 2>/dev/null || true
      fi
    done < "$out/pids.txt"
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v etcd >/dev/null 2>&1; then
  echo "run.sh: installing etcd-server and etcd-client from Debian" >&2
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq etcd-server etcd-client
fi
etcd --version | head -1

./mvnw -q -DskipTests -Dspotless.check.skip=true package -pl bench -am

java_bin="java"
[[ -n "${JAVA_HOME:-}" ]] && java_bin="$JAVA_HOME/bin/java"
classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
# The load generator sizes its common pool like the daemons do (DaemonMain): on 2 CPUs the JDK
# default (1) makes CompletableFuture start a thread per async task.
"$java_bin" -Xmx2g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
  -cp "$classpath" dev.tether.bench.peers.PeersMain \
  --work "$work" "$@" --out "$out" &
harness_pid=$!
wait "$harness_pid"
