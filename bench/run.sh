#!/usr/bin/env bash
# The webhook's load benchmark, in one command (see bench/README.md):
#   bench/run.sh            full run: 3 pod sizes x (500, 1000, 2000 reviews/s, max), ~12 min
#   bench/run.sh --quick    typical pod only, shorter phases, ~3 min
#   bench/run.sh --smoke    a few hundred requests per path, no build; run by the test suite
# Options: --no-build (use the jar in target/), --sizes small,typical,large, --rates 500,1000,max,
#          --duration SECONDS, --warmup SECONDS, --connections N.
# Environment: JAVA_HOME (a JDK 25), BENCH_JVM_OPTS (the server's JVM flags, default: the flags
# recommended in bench/README.md), BENCH_PORT / BENCH_MANAGEMENT_PORT (default 28443 / 28080).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

mode=full build=1
sizes=small,typical,large rates=500,1000,2000,max duration=20 warmup=10 connections=16
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick; sizes=typical; duration=10; warmup=5 ;;
    --smoke) mode=smoke; build=0; sizes=typical; rates=200,max; duration=1; warmup=0; connections=4 ;;
    --no-build) build=0 ;;
    --sizes) sizes="$2"; shift ;;
    --rates) rates="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

find_java
build_or_find_jar "$build"
make_certs
LOG="$WORK/server.log"
# shellcheck disable=SC2086
# The no-op endpoint (the floor) is not in the production jar: the build packs it on its own.
EXTRA_CLASSES="$(ls "$ROOT"/target/bench/pullsecret-webhook-*-bench.jar 2>/dev/null | head -1 || true)"
[ -n "$EXTRA_CLASSES" ] || { echo "bench: no target/bench/*-bench.jar (run without --no-build)" >&2; exit 2; }
start_server "$LOG" "$JAR" $JVM_OPTS -- --webhook.bench.noop-endpoint=true
trap stop_server EXIT
wait_ready "$LOG"
idle_rss=$(rss_mib "$PID")

RESULTS="$WORK/results-$mode.tsv"
: >"$RESULTS"
load() { # endpoint size rate
  local args=(--url "https://localhost:$PORT/$1" --body "$BENCH/reviews/$2.review.json"
    --cacert "$CERTS/ca.crt" --rate "$3" --duration "$duration" --warmup "$warmup"
    --connections "$connections" --pid "$PID" --clk-tck "$(getconf CLK_TCK)" --out "$RESULTS")
  loadgen "${args[@]}" >/dev/null
}
compile_loadgen
echo "bench: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), server pid $PID, idle RSS $idle_rss MiB, JVM: $JVM_OPTS"
for size in ${sizes//,/ }; do
  for rate in ${rates//,/ }; do
    for endpoint in noop mutate; do
      echo "bench: $endpoint $size rate=$rate"
      load "$endpoint" "$size" "$rate"
    done
  done
done
loadgen report "$RESULTS"
echo "bench: results in $RESULTS; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$mode" = smoke ] || "$BENCH/plot.sh" "$RESULTS" "$WORK/latency-$mode.png"
if [ "$mode" = smoke ]; then
  # The smoke run only checks that the benchmark works: every request answered 200.
  if awk -F'\t' '{for (i = 1; i <= NF; i++) if ($i ~ /^errors=/ && $i != "errors=0") bad = 1} END {exit !bad}' "$RESULTS"; then
    echo "bench: errors in the smoke run" >&2; exit 1
  fi
  [ -s "$RESULTS" ] || { echo "bench: no results" >&2; exit 1; }
fi
