#!/usr/bin/env bash
# Holds N silent client connections against a proxy whose open-file limit is 1024 (as on many
# hosts) and reports, every 5 s, the proxy's file descriptors, the silent connections it still
# holds and whether a legitimate client is served. All traffic stays on 127.0.0.1.
#
# Usage: benchmarks/silent-clients.sh [JAR] [CLIENTS] [SOURCE_ADDRESSES] [WATCH_SECONDS] [EXTRA_SERVER_YAML]
#   e.g. benchmarks/silent-clients.sh proxy-server/target/proxy.jar 1100 1 70
set -euo pipefail
JAR=${1:-proxy-server/target/proxy.jar}
CLIENTS=${2:-1100}
SOURCES=${3:-1}
WATCH=${4:-70}
EXTRA=${5:-}
PORT=${PORT:-18080}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'kill "${PROXY:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

cat > "$WORK/proxy.yaml" <<YAML
server: { listen: "127.0.0.1:$PORT" $EXTRA }
upstreams:
  api: { url: "http://127.0.0.1:9" }
routes:
  - match: { pathPrefix: "/api/" }
    upstream: api
YAML
bash -c "ulimit -n 1024; exec java -jar '$JAR' run --config '$WORK/proxy.yaml'" > "$WORK/proxy.log" 2>&1 &
PROXY=$!
for _ in $(seq 100); do
  grep -q "proxy ready" "$WORK/proxy.log" && break
  sleep 0.2
done
grep -q "proxy ready" "$WORK/proxy.log" || { tail -20 "$WORK/proxy.log" >&2; exit 1; }
ulimit -n 8192
java "$HERE/SilentClients.java" "$PORT" "$CLIENTS" "$SOURCES" "$WATCH" "$PROXY"
echo
echo "proxy log lines mentioning limits or refusals:"
grep -E "listening|refused|Too many open files" "$WORK/proxy.log" | sort | uniq -c | sort -rn | head -5 || true
