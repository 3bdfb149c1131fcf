#!/usr/bin/env bash
# Start-up and memory of the webhook (see bench/README.md):
#   bench/startup.sh [--no-build] [--runs N]
# For each way of launching it, N times: the time from launching the JVM to readiness UP, then to
# the 200 of the first POST /mutate sent once ready (Kubernetes only sends traffic to ready pods),
# how long that first review took (curl, TLS handshake included), RSS 2 s later, and the highest
# RSS during 10 s of 1,000 typical reviews/s. The ways:
#   cold jar       the fat jar, with the admission warm-up and eager DispatcherServlet turned off
#                  (how the webhook started before they existed)
#   jar            the fat jar (java -jar), Spring's wiring by reflection
#   extracted+SA   the jar extracted by Spring Boot's tools (java -Djarmode=tools -jar ... extract),
#                  on the wiring Spring's AOT processing generated (-Dspring.aot.enabled=true)
#   image          as extracted+SA, with a JDK 25 AOT cache (JEP 483/514/515) trained as the
#                  Dockerfile trains it (one start that stops after the context refresh): how the
#                  image starts
# Environment as for bench/run.sh (JAVA_HOME, BENCH_JVM_OPTS, BENCH_PORT, BENCH_MANAGEMENT_PORT).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

build=1 runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --runs) runs="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

prepare_bench "$build"
REVIEW="$BENCH/reviews/typical.review.json"
LOG="$WORK/startup-server.log"
RESULTS="$WORK/startup.tsv"
: >"$RESULTS"

echo "bench: extracting the jar"
EXTRACTED="$WORK/extracted"
rm -rf "$EXTRACTED"
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$EXTRACTED" >/dev/null
XJAR="$(ls "$EXTRACTED"/*.jar | head -1)"

echo "bench: training the AOT cache"
AOT="$WORK/app.aot"
rm -f "$AOT"
# As the Dockerfile trains it: one start that stops once the context is refreshed (the in-process
# warm-up runs during the refresh). A cache trained with 2,000 reviews of traffic instead was 84 MB
# against 73, 3 MiB more RSS idle and no faster (bench/README.md, Start-up).
# shellcheck disable=SC2086
start_server "$WORK/aot-training.log" "$XJAR" $JVM_OPTS $SPRING_AOT -XX:AOTCacheOutput="$AOT" \
  -Dspring.context.exit=onRefresh --
wait "$PID" || true # the cache is written as the JVM exits
PID=
[ -s "$AOT" ] || { echo "bench: no AOT cache written:" >&2; tail -20 "$WORK/aot-training.log" >&2; exit 1; }

# The readiness poller uses bash's own /dev/tcp and a read time-out as sleep: a curl or sleep
# process every 10 ms would take a good part of a core from the JVM being measured.
exec {PAUSE}<> <(:)
pause() { read -r -t 0.01 -u "$PAUSE" || true; }

first_review() { # after readiness, as Kubernetes sends traffic: "ms_since_start took_ms"
  local out code took
  out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --cacert "$CERTS/ca.crt" \
    -H 'Content-Type: application/json' --data-binary @"$REVIEW" "https://localhost:$PORT/mutate" || true)
  code=${out%% *} took=${out##* }
  [ "$code" = 200 ] || { echo "bench: first review answered $code" >&2; tail -30 "$LOG" >&2; exit 1; }
  echo "$(( ($(date +%s%N) - START_NS) / 1000000 )) $(awk -v t="$took" 'BEGIN {printf "%.0f", t * 1000}')"
}

ready_ms() { # polls readiness until UP; prints ms since start
  local line
  while kill -0 "$PID" 2>/dev/null; do
    if { exec {http}<>"/dev/tcp/127.0.0.1/$MPORT"; } 2>/dev/null; then
      printf 'GET /actuator/health/readiness HTTP/1.0\r\n\r\n' >&"$http"
      read -r line <&"$http" || line=
      exec {http}<&-
      if [[ $line == *" 200"* ]]; then
        echo $(( ($(date +%s%N) - START_NS) / 1000000 ))
        return
      fi
    fi
    pause
  done
}

measure() { # label jar [jvm flags...] -- [app args...]
  local label="$1" jar="$2"; shift 2
  for run in $(seq 1 "$runs"); do
    start_server "$LOG" "$jar" "$@"
    local first ready
    ready=$(ready_ms)
    [ -n "$ready" ] || { echo "bench: server died" >&2; tail -30 "$LOG" >&2; exit 1; }
    if [[ " $* " == *" -XX:AOTCache="* ]]; then require_aot_cache_mapped "$LOG"; fi
    first=$(first_review)
    sleep 2
    local idle
    idle=$(rss_mib "$PID")
    local loaded
    loaded=$(loadgen --url "https://localhost:$PORT/mutate" --body "$REVIEW" --cacert "$CERTS/ca.crt" \
      --rate 1000 --warmup 0 --duration 10 --connections 8 --pid "$PID" --clk-tck "$(getconf CLK_TCK)" |
      tr '\t' '\n' | awk -F= '$1 == "server_rss_max_mib" {printf "%.0f", $2}')
    stop_server
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$run" "$ready" "${first% *}" "${first#* }" "$idle" "$loaded" |
      tee -a "$RESULTS" | awk -F'\t' '{printf "bench: %-14s run %s: ready %5s ms, first review answered at %5s ms (took %s ms), RSS idle %s MiB, under load %s MiB\n", $1, $2, $3, $4, $5, $6, $7}'
  done
}

echo "bench: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), JVM: $JVM_OPTS"
# shellcheck disable=SC2086
measure "cold jar" "$JAR" $JVM_OPTS -- --webhook.warm-up=false --spring.mvc.servlet.load-on-startup=-1
# shellcheck disable=SC2086
measure "jar" "$JAR" $JVM_OPTS --
# shellcheck disable=SC2086
measure "extracted+SA" "$XJAR" $JVM_OPTS $SPRING_AOT --
# shellcheck disable=SC2086
measure "image" "$XJAR" $JVM_OPTS $SPRING_AOT -XX:AOTCache="$AOT" --

echo
awk -F'\t' '
  { n[$1]++; order[$1] = order[$1] ? order[$1] : ++k; name[k] = $1
    ready[$1] += $3; first[$1] += $4; took[$1] += $5; idle[$1] += $6; load[$1] += $7 }
  END {
    printf "%-14s %9s %16s %14s %9s %13s   (means of %d runs)\n", "launch", "ready ms", "first 200 at ms", "first took ms", "idle MiB", "loaded MiB", n[name[1]]
    for (i = 1; i <= k; i++) { l = name[i]; c = n[l]
      printf "%-14s %9.0f %16.0f %14.0f %9.0f %13.0f\n", l, ready[l]/c, first[l]/c, took[l]/c, idle[l]/c, load[l]/c }
  }' "$RESULTS"
echo "bench: load average now $(cut -d' ' -f1-3 /proc/loadavg); results in $RESULTS"
