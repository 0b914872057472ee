#!/usr/bin/env bash
# Runs the chaos suite from a built tree, without the tether CLI:
#   ./mvnw -q -pl chaos-tests -am package -DskipTests
#   chaos-tests/chaos.sh run --scenario smoke --seed 1 --duration 30s --out target/chaos
# Same arguments as `tether chaos`; see docs/chaos.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cp_file="$here/target/classpath.txt"
if [ ! -f "$cp_file" ]; then
  echo "chaos.sh: $cp_file is missing; build first: ./mvnw -q -pl chaos-tests -am package -DskipTests" >&2
  exit 2
fi
exec java -cp "$here/target/classes:$(cat "$cp_file")" dev.tether.chaos.ChaosMain "$@"
