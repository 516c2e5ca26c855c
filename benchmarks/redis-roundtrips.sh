#!/usr/bin/env bash
# Redis commands per admitted request: rlproxy's leases against bucket4j's Jedis proxy manager, on
# a private redis-server (a free port of 127.0.0.1, never 6379), in one run. Writes
# benchmarks/reports/redis-roundtrips-<UTC stamp>.md and prints it.
#
# Usage: benchmarks/redis-roundtrips.sh [LIMIT_PER_SECOND] [SECONDS] [REPLICAS] [CLIENTS_PER_REPLICA[,CLIENTS...]]
#   e.g. benchmarks/redis-roundtrips.sh 200 20 3 2,20   (defaults; each side runs once per client count)
set -euo pipefail
LIMIT=${1:-200}
SECONDS_PER_SIDE=${2:-20}
REPLICAS=${3:-3}
CLIENTS=${4:-2,20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
command -v redis-server >/dev/null || { echo "redis-server not found (apt-get install redis-server)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'kill "${REDIS:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
[ "$PORT" != 6379 ] || { echo "refusing port 6379" >&2; exit 1; }
redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no --dir "$WORK" > "$WORK/redis.log" 2>&1 &
REDIS=$!

echo "compiling (test classes of proxy-server) ..." >&2
./mvnw -B -o -q -pl proxy-server -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >&2
CP="proxy-server/target/test-classes:proxy-server/target/classes:proxy-core/target/classes:proxy-core/target/test-classes:$(cat "$WORK/cp.txt")"

for _ in $(seq 50); do
  redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done

mkdir -p benchmarks/reports
REPORT="benchmarks/reports/redis-roundtrips-$(date -u +%Y%m%d-%H%M%S).md"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
java -cp "$CP" dev.rlproxy.server.store.RedisRoundTripsBenchmark 127.0.0.1 "$PORT" "$LIMIT" "$SECONDS_PER_SIDE" \
  "$REPLICAS" "$CLIENTS" "$REPORT"
{
  echo
  echo "Machine: $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1), $(redis-server --version | cut -d' ' -f1-3)."
  echo "Load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)."
} >> "$REPORT"
echo >&2
echo "report: $REPORT" >&2
