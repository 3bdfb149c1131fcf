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
BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
WORK="$BENCH/target"

mode=full build=1
sizes=small,typical,large rates=500,1000,2000,max duration=20 warmup=10 connections=16
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick; sizes=typical; duration=10; warmup=5 ;;
    --smoke) mode=smoke; build=0; sizes=typical; rates=200,max; duration=1; warmup=1; connections=4 ;;
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

if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"25'; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  else
    echo "bench: needs a JDK 25 in JAVA_HOME" >&2; exit 2
  fi
fi
JAVA="$JAVA_HOME/bin/java"
PORT="${BENCH_PORT:-28443}"
MPORT="${BENCH_MANAGEMENT_PORT:-28080}"
# Recommended production flags (bench/README.md): a fixed small heap, few GC and JIT threads.
JVM_OPTS="${BENCH_JVM_OPTS:--XX:+UseSerialGC -Xms64m -Xmx128m -Xss512k}"

mkdir -p "$WORK"
if [ "$build" = 1 ]; then
  echo "bench: building the jar"
  (cd "$ROOT" && ./mvnw -q -B -DskipTests package)
fi
JAR="$(ls "$ROOT"/target/pullsecret-webhook-*.jar 2>/dev/null | grep -v -- '-plain' | head -1 || true)"
[ -n "$JAR" ] || { echo "bench: no jar in target/ (run without --no-build)" >&2; exit 2; }

# Certificates: a CA and a serving certificate for localhost/127.0.0.1 (the client checks the SAN).
CERTS="$WORK/certs"
if [ ! -s "$CERTS/tls.crt" ]; then
  mkdir -p "$CERTS"
  if ! "$JAVA" -jar "$JAR" certs --dns localhost --ip 127.0.0.1 --out "$CERTS" --force >/dev/null 2>&1 \
      || [ ! -s "$CERTS/ca.crt" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
      -subj /CN=bench-ca -keyout "$CERTS/ca.key" -out "$CERTS/ca.crt" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
      -keyout "$CERTS/tls.key" -out "$CERTS/tls.csr" 2>/dev/null
    openssl x509 -req -in "$CERTS/tls.csr" -CA "$CERTS/ca.crt" -CAkey "$CERTS/ca.key" \
      -CAcreateserial -days 7 -out "$CERTS/tls.crt" \
      -extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n') 2>/dev/null
  fi
fi

LOG="$WORK/server.log"
# shellcheck disable=SC2086
"$JAVA" $JVM_OPTS -jar "$JAR" \
  --server.port="$PORT" --management.server.port="$MPORT" \
  --webhook.tls.cert-file="$CERTS/tls.crt" --webhook.tls.key-file="$CERTS/tls.key" \
  --webhook.rules.file="$BENCH/rules.yaml" --webhook.bench.noop-endpoint=true \
  >"$LOG" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  if curl -fs "http://127.0.0.1:$MPORT/actuator/health/readiness" >/dev/null 2>&1; then break; fi
  kill -0 "$PID" 2>/dev/null || { echo "bench: server died:" >&2; tail -30 "$LOG" >&2; exit 1; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$MPORT/actuator/health/readiness" >/dev/null \
  || { echo "bench: server not ready after 30 s" >&2; tail -30 "$LOG" >&2; exit 1; }
idle_rss=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")

RESULTS="$WORK/results-$mode.tsv"
: >"$RESULTS"
load() { # endpoint size rate
  local args=(--url "https://localhost:$PORT/$1" --body "$BENCH/reviews/$2.review.json"
    --cacert "$CERTS/ca.crt" --rate "$3" --duration "$duration" --warmup "$warmup"
    --connections "$connections" --pid "$PID" --clk-tck "$(getconf CLK_TCK)" --out "$RESULTS")
  "$JAVA" -XX:+UseSerialGC -cp "$WORK/loadgen" LoadGen "${args[@]}" >/dev/null
}
"$JAVA_HOME/bin/javac" -d "$WORK/loadgen" "$BENCH/LoadGen.java"
echo "bench: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), server pid $PID, idle RSS $((idle_rss / 1024)) MiB, JVM: $JVM_OPTS"
for size in ${sizes//,/ }; do
  for rate in ${rates//,/ }; do
    for endpoint in noop mutate; do
      echo "bench: $endpoint $size rate=$rate"
      load "$endpoint" "$size" "$rate"
    done
  done
done
"$JAVA" -cp "$WORK/loadgen" LoadGen report "$RESULTS"
echo "bench: results in $RESULTS; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$mode" = smoke ]; then
  # The smoke run only checks that the benchmark works: every request answered 200.
  if awk -F'\t' '{for (i = 1; i <= NF; i++) if ($i ~ /^errors=/ && $i != "errors=0") bad = 1} END {exit !bad}' "$RESULTS"; then
    echo "bench: errors in the smoke run" >&2; exit 1
  fi
  [ -s "$RESULTS" ] || { echo "bench: no results" >&2; exit 1; }
fi
