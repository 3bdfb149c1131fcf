#!/usr/bin/env bash
# Generates a CA and the webhook's TLS serving certificate with the jar's `certs` command.
#   certs/generate.sh --help        all options
#   certs/generate.sh [OPTIONS]     writes certs/out/ unless --out is given
# Builds the jar first if target/ has none. See certs/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64

# Feature version of a java binary ("25"), or 0 if it does not run.
java_version() {
  local version
  version="$("$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')"
  echo "${version:-0}"
}

# First Java 25+ among $JAVA_HOME, java on PATH and the well-known JDK 25 location.
java_bin=""
for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" "$jdk25/bin/java"; do
  if [[ -n "$candidate" && -x "$candidate" ]] && (( $(java_version "$candidate") >= 25 )); then
    java_bin="$candidate"
    break
  fi
done
if [[ -z "$java_bin" ]]; then
  echo "generate.sh: Java 25 or newer is required; set JAVA_HOME to a JDK 25" >&2
  exit 1
fi
# The Maven wrapper uses JAVA_HOME: point it at the JDK just chosen.
JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
export JAVA_HOME

shopt -s nullglob
jars=("$root"/target/pullsecret-webhook-*.jar)
if (( ${#jars[@]} == 0 )); then
  echo "generate.sh: no jar in $root/target, building it (./mvnw -q -DskipTests package)" >&2
  (cd "$root" && ./mvnw -q -B -DskipTests package) >&2
  jars=("$root"/target/pullsecret-webhook-*.jar)
fi
if (( ${#jars[@]} != 1 )); then
  echo "generate.sh: expected one jar in $root/target, found ${#jars[@]}: ${jars[*]}" >&2
  exit 1
fi

# Without --out, write to certs/out of this checkout wherever the script is run from.
out=(--out "$root/certs/out")
for arg in "$@"; do
  if [[ "$arg" == --out || "$arg" == --out=* ]]; then
    out=()
  fi
done

exec "$java_bin" -jar "${jars[0]}" certs ${out[@]+"${out[@]}"} "$@"
