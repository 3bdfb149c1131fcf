# Shared by bench/run.sh and bench/startup.sh: the JDK, the jar, certificates, the server.
# shellcheck shell=bash
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
WORK="$BENCH/target"
PORT="${BENCH_PORT:-28443}"
MPORT="${BENCH_MANAGEMENT_PORT:-28080}"
# The JVM flags recommended for production (bench/README.md), and glibc's arena limit beside them.
RECOMMENDED_JVM_OPTS="-XX:+UseSerialGC -Xms16m -Xmx160m -XX:+UseCompactObjectHeaders -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m -XX:SweeperThreshold=50 -Xss512k -XX:TrimNativeHeapInterval=2000"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
JVM_OPTS="${BENCH_JVM_OPTS:-$RECOMMENDED_JVM_OPTS}"
# What the image adds: Spring's AOT-generated wiring (built into the jar by process-aot). Not for
# bench/run.sh: its no-op endpoint is a bean from an extra jar, which only the reflective wiring sees.
SPRING_AOT="-Dspring.aot.enabled=true"

find_java() {
  if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"25'; then
    if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
      export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
    else
      echo "bench: needs a JDK 25 in JAVA_HOME" >&2; exit 2
    fi
  fi
  JAVA="$JAVA_HOME/bin/java"
  mkdir -p "$WORK"
}

build_or_find_jar() { # $1 = 1 to build
  if [ "$1" = 1 ]; then
    echo "bench: building the jar"
    (cd "$ROOT" && ./mvnw -q -B -DskipTests package)
  fi
  JAR="$(ls "$ROOT"/target/pullsecret-webhook-*.jar 2>/dev/null | grep -v -- '-plain' | head -1 || true)"
  [ -n "$JAR" ] || { echo "bench: no jar in target/ (run without --no-build)" >&2; exit 2; }
}

# A CA and a serving certificate for localhost and 127.0.0.1 (clients check the SAN): made by the
# jar's `certs` command where it has one, else by openssl.
make_certs() {
  CERTS="$WORK/certs"
  [ -s "$CERTS/tls.crt" ] && return
  mkdir -p "$CERTS"
  if "$JAVA" -jar "$JAR" certs --dns localhost --ip 127.0.0.1 --out "$CERTS" --force >/dev/null 2>&1 \
      && [ -s "$CERTS/ca.crt" ]; then
    return
  fi
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
    -subj /CN=bench-ca -keyout "$CERTS/ca.key" -out "$CERTS/ca.crt" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout "$CERTS/tls.key" -out "$CERTS/tls.csr" 2>/dev/null
  openssl x509 -req -in "$CERTS/tls.csr" -CA "$CERTS/ca.crt" -CAkey "$CERTS/ca.key" \
    -CAcreateserial -days 7 -out "$CERTS/tls.crt" -extfile <(printf '%s\n' \
      'subjectAltName=DNS:localhost,IP:127.0.0.1' 'extendedKeyUsage=serverAuth' 'keyUsage=digitalSignature') 2>/dev/null
}

# Starts the webhook in the background: start_server LOG JAR [JVM flags...] -- [app args...];
# EXTRA_CLASSES=JAR adds a jar of classes to the server's (bench/run.sh: the no-op endpoint).
# Sets PID and START_NS (the time just before the JVM was launched).
start_server() {
  local log="$1" jar="$2"; shift 2
  local jvm=() app=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do jvm+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  app=("$@")
  # With EXTRA_CLASSES (a jar), Spring Boot's PropertiesLauncher adds it to the jar's class path.
  local launch=(-jar "$jar")
  if [ -n "${EXTRA_CLASSES:-}" ]; then
    launch=(-Dloader.path="$EXTRA_CLASSES" -cp "$jar" org.springframework.boot.loader.launch.PropertiesLauncher)
  fi
  START_NS=$(date +%s%N)
  "$JAVA" "${jvm[@]}" "${launch[@]}" \
    --server.port="$PORT" --management.server.port="$MPORT" \
    --webhook.tls.cert-file="$CERTS/tls.crt" --webhook.tls.key-file="$CERTS/tls.key" \
    --webhook.rules.file="$BENCH/rules.yaml" "${app[@]}" >"$log" 2>&1 &
  PID=$!
}

stop_server() {
  if [ -n "${PID:-}" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
  fi
}

wait_ready() { # $1 = log, for the error message
  for _ in $(seq 1 600); do
    if curl -fs "http://127.0.0.1:$MPORT/actuator/health/readiness" >/dev/null 2>&1; then return; fi
    kill -0 "$PID" 2>/dev/null || { echo "bench: server died:" >&2; tail -30 "$1" >&2; exit 1; }
    sleep 0.05
  done
  echo "bench: server not ready after 30 s" >&2; tail -30 "$1" >&2; exit 1
}

# A JVM started with -XX:AOTCache whose cache does not match (another jar, a jar copied without its
# time stamp, other flags) says so in its log and runs without the cache: stop rather than report
# the figures of a launch that is not the image's. $1 = the server's log.
require_aot_cache_mapped() {
  if grep -qE '\[error *\]\[(aot|cds)\]' "$1"; then
    echo "bench: the JVM could not use the AOT cache (retrain it: bench/startup.sh):" >&2
    grep -E '\[(aot|cds)\]' "$1" | head -5 >&2
    exit 1
  fi
}

rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

compile_loadgen() { "$JAVA_HOME/bin/javac" -d "$WORK/loadgen" "$BENCH/LoadGen.java"; }

# What startup.sh and nmt.sh do before they start the server: JDK, jar ($1 = 1 to build it first),
# certificates, the load generator, and the server stopped whatever happens.
prepare_bench() {
  find_java
  build_or_find_jar "$1"
  make_certs
  compile_loadgen
  trap stop_server EXIT
}

loadgen() { "$JAVA" -XX:+UseSerialGC -cp "$WORK/loadgen" LoadGen "$@"; }
