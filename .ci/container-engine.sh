# shellcheck shell=bash
# Podman for the container image test (ContainerImageIT), and the image built from the
# repository's Dockerfile. Sourced by .ci/run after `./mvnw package`; by hand:
#
#   ./mvnw -DskipTests package
#   source .ci/container-engine.sh && container_engine_up    # exports DOCKER_HOST and friends
#   ./mvnw verify -Dit.test=ContainerImageIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
#   container_engine_down                                     # stops the podman service it started
#
# .ci/run calls container_engine_up_in_background instead: the same steps (about a minute on a fresh
# machine, most of it debootstrap) run beside `./mvnw verify`, on a copy of the jar, and
# ContainerImageIT waits for the file CONTAINER_ENGINE_STATUS names before it looks for the image.
#
# Idempotent: installs, configures and builds only what is missing, and says what it does. It never
# fails its caller: when podman cannot be had it prints why and leaves DOCKER_HOST unset, and the
# test skips with that reason. There is no container registry here, so the base image is made
# locally: Debian from debootstrap plus a JRE jlink'ed from the build's JDK 25 (about a minute, once
# per machine); the webhook image on top of it takes seconds. See shared NOTES on podman.

CE_BASE_IMAGE=localhost/jre25-base:local
CE_IMAGE=localhost/pullsecret-webhook:ci
CE_SOCKET=/run/podman/podman.sock
CE_CONF=/etc/containers/containers.conf
# `jdeps --print-module-deps` on the extracted jar and its libraries, plus java.logging and
# java.management (used reflectively by Spring and Micrometer) and jdk.zipfs.
CE_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.scripting,java.security.jgss,java.sql,java.xml,jdk.jfr,jdk.management,jdk.unsupported,jdk.zipfs
CE_SERVICE_PID=""
CE_STATE=/tmp/pullsecret-container-engine

ce_log() { echo "[container-engine] $*"; }
# shellcheck source=.ci/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

ce_install() {
  apt_ensure --with-recommends container-engine \
    "command -v podman && command -v runc && command -v debootstrap" podman runc debootstrap
}

# Without these, containers fail with "setrlimit ... Operation not permitted" and then "cgroups in
# hybrid mode not supported" (crun is podman's default runtime on Debian).
ce_configure() {
  if [ -f "$CE_CONF" ] && grep -q '^runtime = "runc"' "$CE_CONF"; then
    ce_log "$CE_CONF: runc and ulimits already set"
    return 0
  fi
  if [ -f "$CE_CONF" ]; then
    ce_log "$CE_CONF exists without runc; keeping it as $CE_CONF.orig"
    cp "$CE_CONF" "$CE_CONF.orig" || return 1
  fi
  ce_log "writing $CE_CONF (runtime runc, nofile/nproc ulimits)"
  mkdir -p "$(dirname "$CE_CONF")" || return 1
  cat >"$CE_CONF" <<'CONF' || return 1
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=16384:16384"]
[engine]
runtime = "runc"
CONF
}

ce_jdk() {
  local jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
  if [ -x "$jdk/bin/jlink" ] && "$jdk/bin/java" -version 2>&1 | grep -q '"25'; then
    echo "$jdk"
  elif [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/jlink ]; then
    echo /usr/lib/jvm/temurin-25-jdk-amd64
  else
    return 1
  fi
}

# Stands in for the official JRE image: same java location and PATH, so the Dockerfile is unchanged.
ce_base_image() {
  if podman image exists "$CE_BASE_IMAGE"; then
    ce_log "$CE_BASE_IMAGE: exists"
    return 0
  fi
  local jdk tmp started
  jdk="$(ce_jdk)" || { ce_log "no JDK 25 with jlink found"; return 1; }
  tmp="$(mktemp -d /tmp/jre25-base.XXXXXX)" || return 1
  started=$SECONDS
  ce_log "making $CE_BASE_IMAGE: debootstrap bookworm (minbase) into $tmp"
  if ! debootstrap --variant=minbase bookworm "$tmp/rootfs" http://deb.debian.org/debian >"$tmp/debootstrap.log" 2>&1; then
    ce_log "debootstrap failed; last lines:"
    tail -5 "$tmp/debootstrap.log"
    rm -rf "$tmp"
    return 1
  fi
  ce_log "jlink a JRE from $jdk into /opt/java/openjdk"
  if ! "$jdk/bin/jlink" --add-modules "$CE_MODULES" --strip-debug --no-man-pages --no-header-files \
      --compress=zip-6 --generate-cds-archive --output "$tmp/rootfs/opt/java/openjdk"; then
    rm -rf "$tmp"
    return 1
  fi
  rm -rf "$tmp/rootfs/var/cache/apt/"* "$tmp/rootfs/var/lib/apt/lists/"*
  ce_log "importing the root file system as $CE_BASE_IMAGE"
  if ! tar -C "$tmp/rootfs" -c . | podman import \
      --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV JAVA_HOME=/opt/java/openjdk' \
      - "$CE_BASE_IMAGE" >/dev/null; then
    rm -rf "$tmp"
    return 1
  fi
  rm -rf "$tmp"
  ce_log "$CE_BASE_IMAGE made in $((SECONDS - started)) s"
}

# The build context: the checkout, or a copy of what the image takes from it (the Dockerfile, the jar,
# the example rules), so a build beside `./mvnw verify` never reads a jar being rewritten.
ce_context() {
  if ! ls target/pullsecret-webhook-*.jar >/dev/null 2>&1; then
    ce_log "no target/pullsecret-webhook-*.jar: run ./mvnw -DskipTests package first"
    return 1
  fi
  local context="$1"
  [ "$context" = . ] && return 0
  rm -rf "$context" && mkdir -p "$context/target" "$context/examples" \
    && cp Dockerfile "$context/" && cp target/pullsecret-webhook-*.jar "$context/target/" \
    && cp examples/rules.yaml "$context/examples/"
}

# Always rebuilt (seconds): the image must hold the jar just built. No layer cache, and the image
# it replaces is removed, so repeated runs do not pile up images.
ce_build_image() {
  local context="${1:-.}" previous
  previous="$(podman image inspect --format '{{.Id}}' "$CE_IMAGE" 2>/dev/null || true)"
  ce_log "podman build --target runtime-from-jar --build-arg BASE_IMAGE=$CE_BASE_IMAGE -t $CE_IMAGE $context"
  podman build --quiet --layers=false --pull=never --target runtime-from-jar \
    --build-arg BASE_IMAGE="$CE_BASE_IMAGE" -t "$CE_IMAGE" "$context" >/dev/null || return 1
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$CE_IMAGE")" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
}

ce_ping() {
  curl -sf --max-time 2 --unix-socket "$CE_SOCKET" http://d/_ping >/dev/null 2>&1
}

ce_start_service() {
  if ce_ping; then
    ce_log "podman service already answers on $CE_SOCKET; using it"
    return 0
  fi
  mkdir -p "$(dirname "$CE_SOCKET")" || return 1
  podman system service --time=0 "unix://$CE_SOCKET" >/tmp/podman-service.log 2>&1 &
  CE_SERVICE_PID=$!
  mkdir -p "$CE_STATE" && echo "$CE_SERVICE_PID" >"$CE_STATE/service.pid"
  local i
  for i in $(seq 1 50); do
    if ce_ping; then
      ce_log "podman service started on $CE_SOCKET (pid $CE_SERVICE_PID)"
      return 0
    fi
    sleep 0.2
  done
  ce_log "podman service did not answer on $CE_SOCKET"
  container_engine_down
  return 1
}

# ce_up CONTEXT: every step; 0 when the service answers and the image is built.
ce_up() {
  local started=$SECONDS
  if ! { ce_install && ce_configure && ce_base_image && ce_build_image "$1" && ce_start_service; }; then
    ce_log "container engine unavailable: ContainerImageIT will be skipped"
    return 1
  fi
  ce_log "ready in $((SECONDS - started)) s: DOCKER_HOST=unix://$CE_SOCKET, image $CE_IMAGE"
}

ce_export() {
  export DOCKER_HOST="unix://$CE_SOCKET"
  export TESTCONTAINERS_RYUK_DISABLED=true
  export TESTCONTAINERS_HOST_OVERRIDE=localhost
}

container_engine_up() {
  ce_context . && ce_up . && ce_export
  return 0
}

# Exports DOCKER_HOST at once and makes everything in the background; CONTAINER_ENGINE_STATUS
# names the file that says "ready", or why not, once it is done.
container_engine_up_in_background() {
  mkdir -p "$CE_STATE" && rm -f "$CE_STATE/status" "$CE_STATE/service.pid"
  export CONTAINER_ENGINE_STATUS="$CE_STATE/status"
  ce_export
  if ! ce_context "$CE_STATE/context"; then
    echo "no jar to build the image from" >"$CONTAINER_ENGINE_STATUS"
    return 0
  fi
  (
    if ce_up "$CE_STATE/context"; then
      echo ready >"$CONTAINER_ENGINE_STATUS.part"
    else
      echo "container engine unavailable: see [container-engine] in the CI log" >"$CONTAINER_ENGINE_STATUS.part"
    fi
    mv "$CONTAINER_ENGINE_STATUS.part" "$CONTAINER_ENGINE_STATUS"
  ) &
  CE_BACKGROUND_PID=$!
}

container_engine_down() {
  if [ -n "${CE_BACKGROUND_PID:-}" ]; then
    wait "$CE_BACKGROUND_PID" 2>/dev/null || true
    CE_BACKGROUND_PID=""
  fi
  if [ -z "$CE_SERVICE_PID" ] && [ -f "$CE_STATE/service.pid" ]; then
    CE_SERVICE_PID="$(cat "$CE_STATE/service.pid")"
    rm -f "$CE_STATE/service.pid"
  fi
  if [ -n "$CE_SERVICE_PID" ]; then
    kill "$CE_SERVICE_PID" 2>/dev/null || true
    wait "$CE_SERVICE_PID" 2>/dev/null || true
    ce_log "podman service (pid $CE_SERVICE_PID) stopped"
    CE_SERVICE_PID=""
CE_STATE=/tmp/pullsecret-container-engine
  fi
}
