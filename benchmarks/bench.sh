#!/usr/bin/env bash
# The benchmark command: rlproxy against nginx (static and as a reverse proxy) on 127.0.0.1, with
# interleaved repeated wrk runs, medians, ratios, CPU per request, RSS, a report and a gnuplot chart.
#
#   benchmarks/bench.sh                 # ~10 min; writes benchmarks/reports/bench-<UTC stamp>.{md,png,svg}
#   benchmarks/bench.sh --profile       # async-profiler flame graph of the proxy under wrk
#   benchmarks/bench.sh --footprint     # start-up time, idle CPU, CPU and RSS at a steady 150 req/s
#   benchmarks/bench.sh --help          # every option
#
# Installs nginx, wrk, gnuplot and python3 with apt-get when missing, builds the proxy jar when it is
# absent (not when it is stale: run ./mvnw -B -q package -DskipTests after changing code) and, for
# --profile, downloads async-profiler from Maven Central into target/profiler/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[bench.sh] %s\n' "$*" >&2; }

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v gnuplot >/dev/null 2>&1 || missing+=(gnuplot-nox)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  # Debian starts the packaged nginx service on port 80; the benchmark runs its own instances.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true; fi
fi
command -v java >/dev/null 2>&1 || { log "java (17+) is not on the PATH"; exit 1; }
if [ ! -f proxy-server/target/proxy.jar ]; then
  log "building proxy-server/target/proxy.jar"
  ./mvnw -B -q package -DskipTests
fi
if [[ " $* " == *" --profile "* ]] && [ ! -f target/profiler/async-profiler-4.1.jar ]; then
  log "downloading async-profiler 4.1 (its jar carries libasyncProfiler.so)"
  ./mvnw -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 -DoutputDirectory=target/profiler
fi
exec python3 "$ROOT/benchmarks/bench.py" "$@"
