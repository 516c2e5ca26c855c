#!/usr/bin/env bash
# Load benchmark: nginx hit directly vs. the same nginx through rlproxy, side by side in one run,
# with nginx-as-reverse-proxy as a reference row, plus a rate-limited run that checks the proxy
# holds an upstream to its configured limit.
# Everything listens on 127.0.0.1 only and is stopped when the script exits (trap).
#
#   benchmarks/load.sh                      # writes benchmarks/reports/load-YYYYMMDD-HHMMSS.md
#   DURATION=30s CONNECTIONS=64 benchmarks/load.sh
#
# Knobs (environment): DURATION (15s), WARMUP (5s), THREADS (2), CONNECTIONS (32),
# RL_LIMIT (200 per second), RL_DURATION (15s), RL_CONNECTIONS (512), RL_MAX_WAIT (2s),
# NGINX_WORKERS (1), JAVA_OPTS (none), REPORT_DIR (benchmarks/reports).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-5s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
RL_LIMIT="${RL_LIMIT:-200}"
RL_DURATION="${RL_DURATION:-15s}"
RL_CONNECTIONS="${RL_CONNECTIONS:-512}"
RL_MAX_WAIT="${RL_MAX_WAIT:-2s}"
NGINX_WORKERS="${NGINX_WORKERS:-1}"
JAVA_OPTS="${JAVA_OPTS:-}"
REPORT_DIR="${REPORT_DIR:-$ROOT/benchmarks/reports}"
JAR="$ROOT/proxy-server/target/proxy.jar"

log() { printf '[load.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- prerequisites
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  command -v apt-get >/dev/null 2>&1 || die "need ${missing[*]} and there is no apt-get; install them yourself"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q && $SUDO apt-get install -y -q "${missing[@]}"
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
command -v java >/dev/null 2>&1 || die "java (17+) is not on the PATH"
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  ./mvnw -B -q package -DskipTests
fi

# ---------------------------------------------------------------- cleanup
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rlproxy-load.XXXXXX")"
PIDS=()
WRK_PID=""
cleanup() {
  local pid
  [ -z "$WRK_PID" ] || kill -TERM "$WRK_PID" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free port on 127.0.0.1, below the kernel's ephemeral range (where client sockets may hold a port
# that nothing listens on), with no socket on it and nothing answering a connect (tiny race, fine here).
EPHEMERAL_LOW="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
free_port() {
  local port low=10000 high=$(( EPHEMERAL_LOW > 12000 ? EPHEMERAL_LOW : 32768 ))
  for _ in $(seq 1 100); do
    port=$(( low + RANDOM % (high - low) ))
    if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]; then
      continue
    fi
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; return 0
    fi
  done
  die "no free port found"
}

wait_for_port() { # port, name, pid, its log file
  for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { tail -20 "$4" >&2; die "$2 exited before listening"; }
    sleep 0.2
  done
  tail -20 "$4" >&2
  die "$2 did not listen on 127.0.0.1:$1 within 30 s"
}

# ---------------------------------------------------------------- nginx upstream
NGINX_PORT="$(free_port)"        # a tiny static JSON, no access log (phases a and b)
NGINX_LOG_PORT="$(free_port)"    # the same, logging each request's time (phase c)
NGINX_PROXY_PORT="$(free_port)"  # reference: nginx itself as a keep-alive reverse proxy to the first
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<EOF
daemon off;
worker_processes $NGINX_WORKERS;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  log_format arrival '\$msec \$status';
  server {
    listen 127.0.0.1:$NGINX_PORT;
    access_log off;
    location / { default_type application/json; return 200 '{"ok":true}'; }
  }
  upstream static_json { server 127.0.0.1:$NGINX_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PROXY_PORT;
    access_log off;
    location / {
      proxy_pass http://static_json;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
  server {
    listen 127.0.0.1:$NGINX_LOG_PORT;
    access_log $WORK/nginx/logs/arrivals.log arrival;
    location / { default_type application/json; return 200 '{"ok":true}'; }
  }
}
EOF
log "starting nginx on 127.0.0.1:$NGINX_PORT and :$NGINX_LOG_PORT"
"$NGINX" -e "$WORK/nginx/logs/error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" \
  >> "$WORK/nginx/logs/error.log" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_for_port "$NGINX_PORT" nginx "$NGINX_PID" "$WORK/nginx/logs/error.log"
wait_for_port "$NGINX_LOG_PORT" nginx "$NGINX_PID" "$WORK/nginx/logs/error.log"
wait_for_port "$NGINX_PROXY_PORT" nginx "$NGINX_PID" "$WORK/nginx/logs/error.log"

# ---------------------------------------------------------------- the proxy
PROXY_PORT="$(free_port)"
cat > "$WORK/proxy.yaml" <<EOF
server:
  listen: "127.0.0.1:$PROXY_PORT"
  maxConnectionsPerClient: 10000   # every wrk connection comes from 127.0.0.1
store:
  type: memory
queue:
  maxWait: $RL_MAX_WAIT
upstreams:
  open:                # a generous bucket, so nothing ever queues: measures the proxy's own cost
    url: "http://127.0.0.1:$NGINX_PORT"
    buckets:
      - { name: generous, limit: 1000000, per: 1s, scope: upstream }
  limited:             # what the rate-limited run checks
    url: "http://127.0.0.1:$NGINX_LOG_PORT"
    buckets:
      - { name: per-second, limit: $RL_LIMIT, per: 1s, scope: upstream }
routes:
  - match: { pathPrefix: "/open/" }
    upstream: open
  - match: { pathPrefix: "/limited/" }
    upstream: limited
EOF
log "starting the proxy on 127.0.0.1:$PROXY_PORT"
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" run --config "$WORK/proxy.yaml" > "$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
wait_for_port "$PROXY_PORT" proxy "$PROXY_PID" "$WORK/proxy.log"

DIRECT_URL="http://127.0.0.1:$NGINX_PORT/item"
PROXIED_URL="http://127.0.0.1:$PROXY_PORT/open/item"
LIMITED_URL="http://127.0.0.1:$PROXY_PORT/limited/item"
REFERENCE_URL="http://127.0.0.1:$NGINX_PROXY_PORT/item"
for url in "$DIRECT_URL" "$PROXIED_URL" "$REFERENCE_URL"; do
  code="$(curl -s -o /dev/null -w '%{http_code}' "$url")"
  [ "$code" = 200 ] || { cat "$WORK/proxy.log" >&2; die "$url answered $code, expected 200"; }
done

# ---------------------------------------------------------------- runs
run_wrk() { # name, url, duration, connections, [extra wrk args]
  local name="$1" url="$2" duration="$3" connections="$4"; shift 4
  log "wrk $name: -t$THREADS -c$connections -d$duration $url"
  # In the background and waited for, so a signal to this script stops it at once (the trap kills wrk).
  wrk -t"$THREADS" -c"$connections" -d"$duration" --latency "$@" "$url" > "$WORK/wrk-$name.txt" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || die "wrk $name failed: $(cat "$WORK/wrk-$name.txt")"
  WRK_PID=""
}

run_wrk warmup-direct "$DIRECT_URL" "$WARMUP" "$CONNECTIONS"
run_wrk direct "$DIRECT_URL" "$DURATION" "$CONNECTIONS"
run_wrk warmup-proxied "$PROXIED_URL" "$WARMUP" "$CONNECTIONS"
run_wrk proxied "$PROXIED_URL" "$DURATION" "$CONNECTIONS"
run_wrk warmup-reference "$REFERENCE_URL" "$WARMUP" "$CONNECTIONS"
run_wrk reference "$REFERENCE_URL" "$DURATION" "$CONNECTIONS"
: > "$WORK/nginx/logs/arrivals.log"   # only the measured rate-limited run below counts
RL_START="$(date +%s.%N)"
run_wrk limited "$LIMITED_URL" "$RL_DURATION" "$RL_CONNECTIONS" --timeout 10s
RL_END="$(date +%s.%N)"

# ---------------------------------------------------------------- parse
# Requests/sec, p50 and p99 (in ms) from a wrk --latency output.
wrk_rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
wrk_pct() { # file, percentile label (50% or 99%)
  awk -v p="$2" '$1 == p {
      v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
      f = (unit == "us") ? 0.001 : (unit == "ms") ? 1 : (unit == "s") ? 1000 : (unit == "m") ? 60000 : 1
      printf "%.2f", v * f }' "$1"
}
wrk_requests() { awk '/requests in/ {print $1}' "$1"; }
wrk_seconds() { awk '/requests in/ { s = $4; sub(/,$/, "", s); v = s; sub(/[a-z]+$/, "", v);
    if (s ~ /ms$/) v /= 1000; else if (s ~ /m$/) v *= 60; print v }' "$1"; }
wrk_non2xx() { awk '/Non-2xx or 3xx responses:/ {print $5}' "$1" | grep . || echo 0; }
wrk_errors() { awk '/Socket errors:/ {print}' "$1"; }

D_RPS="$(wrk_rps "$WORK/wrk-direct.txt")";   P_RPS="$(wrk_rps "$WORK/wrk-proxied.txt")"
D_P50="$(wrk_pct "$WORK/wrk-direct.txt" 50%)"; P_P50="$(wrk_pct "$WORK/wrk-proxied.txt" 50%)"
D_P99="$(wrk_pct "$WORK/wrk-direct.txt" 99%)"; P_P99="$(wrk_pct "$WORK/wrk-proxied.txt" 99%)"
D_BAD="$(wrk_non2xx "$WORK/wrk-direct.txt")";  P_BAD="$(wrk_non2xx "$WORK/wrk-proxied.txt")"
R_RPS="$(wrk_rps "$WORK/wrk-reference.txt")"; R_P50="$(wrk_pct "$WORK/wrk-reference.txt" 50%)"
R_P99="$(wrk_pct "$WORK/wrk-reference.txt" 99%)"; R_BAD="$(wrk_non2xx "$WORK/wrk-reference.txt")"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
REF_RATIO_RPS="$(ratio "$R_RPS" "$D_RPS")"
VS_REF_RPS="$(ratio "$P_RPS" "$R_RPS")"
RATIO_RPS="$(awk -v p="$P_RPS" -v d="$D_RPS" 'BEGIN { printf "%.2f", (d > 0) ? p / d : 0 }')"
RATIO_P50="$(awk -v p="$P_P50" -v d="$D_P50" 'BEGIN { printf "%.2f", (d > 0) ? p / d : 0 }')"
RATIO_P99="$(awk -v p="$P_P99" -v d="$D_P99" 'BEGIN { printf "%.2f", (d > 0) ? p / d : 0 }')"

L_REQ="$(wrk_requests "$WORK/wrk-limited.txt")"
L_SECS="$(wrk_seconds "$WORK/wrk-limited.txt")"
L_429="$(wrk_non2xx "$WORK/wrk-limited.txt")"
L_OK=$(( L_REQ - L_429 ))
L_OK_RATE="$(awk -v n="$L_OK" -v s="$L_SECS" 'BEGIN { printf "%.1f", (s > 0) ? n / s : 0 }')"
L_ACCURACY="$(awk -v r="$L_OK_RATE" -v l="$RL_LIMIT" 'BEGIN { printf "%.1f", 100 * r / l }')"
# What the upstream saw: every arrival time from nginx's log, the rate over the run's length and the
# busiest 1 s interval (two pointers over the sorted times); the proxy promises it never exceeds RL_LIMIT.
read -r U_COUNT U_SPAN U_MAX1S U_NON200 < <(sort -n "$WORK/nginx/logs/arrivals.log" | awk '
  { t[NR] = $1; if ($2 != 200) bad++ }
  END {
    n = NR; best = 0; j = 1
    for (i = 1; i <= n; i++) { while (t[i] - t[j] >= 1.0) j++; if (i - j + 1 > best) best = i - j + 1 }
    span = (n > 1) ? t[n] - t[1] : 0
    printf "%d %.2f %d %d\n", n, span, best, bad + 0 }')
U_RATE="$(awk -v n="$U_COUNT" -v s="$RL_END" -v b="$RL_START" 'BEGIN { d = s - b; printf "%.1f", (d > 0) ? n / d : 0 }')"
U_STEADY="$(awk -v n="$U_COUNT" -v l="$RL_LIMIT" -v s="$U_SPAN" 'BEGIN { printf "%.1f", (s > 0) ? (n - l) / s : 0 }')"
LIMIT_KEPT=$([ "$U_MAX1S" -le "$RL_LIMIT" ] && echo "yes" || echo "**NO**")

# ---------------------------------------------------------------- report
mkdir -p "$REPORT_DIR"
STAMP="$(date +%Y%m%d-%H%M%S)"
REPORT="$REPORT_DIR/load-$STAMP.md"
JAVA_VERSION="$(java -version 2>&1 | sed 's/^/    /')"
WRK_VERSION="$(wrk -v 2>&1 | head -1 || true)"
NGINX_VERSION="$("$NGINX" -v 2>&1 | head -1)"
CPU="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)')"

{
  echo "# rlproxy load benchmark — $(date '+%Y-%m-%d %H:%M:%S %Z')"
  echo
  echo "## Machine and versions"
  echo "- CPUs (nproc): $(nproc); CPU: $CPU"
  echo "- Kernel: $(uname -srm); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
  echo "- rlproxy commit: $COMMIT"
  echo "- $WRK_VERSION"
  echo "- $NGINX_VERSION ($NGINX_WORKERS worker process(es))"
  echo "- java -version:"
  echo
  echo "$JAVA_VERSION"
  echo
  echo "wrk, nginx and the proxy all share this machine's CPUs, so absolute numbers are low and drift"
  echo "between runs; compare the ratios, which come from the same run."
  echo
  echo "## Direct vs. proxied (wrk -t$THREADS -c$CONNECTIONS -d$DURATION, after a $WARMUP warm-up each)"
  echo
  echo "| target | req/s | p50 latency (ms) | p99 latency (ms) | non-2xx |"
  echo "|---|---:|---:|---:|---:|"
  echo "| nginx directly | $D_RPS | $D_P50 | $D_P99 | $D_BAD |"
  echo "| nginx through rlproxy | $P_RPS | $P_P50 | $P_P99 | $P_BAD |"
  echo "| **proxied / direct** | **$RATIO_RPS** | **$RATIO_P50** | **$RATIO_P99** | |"
  echo "| *reference: nginx proxy_pass → nginx* | *$R_RPS* | *$R_P50* | *$R_P99* | *$R_BAD* |"
  echo
  echo "The proxied path has a configured bucket of 1000000 per 1s (never the bottleneck), so this is"
  echo "the cost of routing, the limiter ticket, the pooled upstream hop and the relay. Any reverse"
  echo "proxy at least doubles the HTTP work per request: the reference row is nginx itself proxying to"
  echo "the same static server over keep-alive (reference / direct = $REF_RATIO_RPS in req/s);"
  echo "rlproxy / nginx-as-proxy = **$VS_REF_RPS** in req/s."
  echo
  echo "## Rate-limited run (limit $RL_LIMIT per 1s, queue.maxWait $RL_MAX_WAIT, wrk -t$THREADS -c$RL_CONNECTIONS -d$RL_DURATION)"
  echo
  echo "| measure | value |"
  echo "|---|---:|"
  echo "| requests completed by wrk | $L_REQ in ${L_SECS}s |"
  echo "| 200s through the proxy | $L_OK ($L_OK_RATE/s) |"
  echo "| 429s from the proxy (no ticket within maxWait) | $L_429 |"
  echo "| **achieved 200s per second vs. limit $RL_LIMIT** | **$L_OK_RATE/s = $L_ACCURACY% of the limit** |"
  echo "| requests nginx saw (non-200: $U_NON200) | $U_COUNT ($U_RATE/s over the run) |"
  echo "| steady rate at nginx after the first full window | $U_STEADY/s |"
  echo "| busiest 1 s interval at nginx (must be ≤ $RL_LIMIT) | $U_MAX1S — limit kept: $LIMIT_KEPT |"
  echo
  echo "Below 100% is by design: the proxy widens every configured window by a 100 ms safety margin"
  echo "(a request reaches the upstream a little after it is admitted), so the steady rate is about"
  echo "$RL_LIMIT per 1.1 s = $(awk -v l="$RL_LIMIT" 'BEGIN { printf "%.1f", l / 1.1 }')/s, while the first window starts with a full burst of $RL_LIMIT."
  echo "The promise is the last row: more than $RL_LIMIT in any 1 s interval at the upstream would be a bug."
  echo "429s come from the proxy to requests that could not get a ticket within queue.maxWait; the"
  echo "wrk latency of the limited run is therefore mostly time spent queued (up to maxWait)."
  echo
  echo "## Raw wrk output"
  for name in direct proxied reference limited; do
    echo
    echo "### $name"
    echo
    echo '```'
    cat "$WORK/wrk-$name.txt"
    echo '```'
  done
  if grep -qE 'WARN|ERROR' "$WORK/proxy.log"; then
    echo
    echo "## Proxy warnings/errors during the run"
    echo
    echo '```'
    grep -E 'WARN|ERROR' "$WORK/proxy.log" | sort | uniq -c | sort -rn | head -20
    echo '```'
  fi
} > "$REPORT"

for name in direct proxied reference limited; do
  if [ -n "$(wrk_errors "$WORK/wrk-$name.txt")" ]; then
    log "note: wrk reported socket errors in the $name run (see the report)"
  fi
done
log "direct $D_RPS req/s, proxied $P_RPS req/s (ratio $RATIO_RPS), nginx proxy_pass $R_RPS req/s; rate-limited: $L_OK_RATE/s of $RL_LIMIT/s, busiest 1 s at nginx $U_MAX1S"
echo "$REPORT"
