# shellcheck shell=bash
# apt_ensure [--with-recommends] TAG CHECK PACKAGE...: the one way .ci installs what the tests
# need from Debian.
# Nothing to do when CHECK (a shell command) succeeds; otherwise installs the packages quietly with
# apt-get, running `apt-get update` only if the first attempt fails (stale or empty package lists
# on a fresh machine). Services the packages would start (prometheus, docker-registry) are kept
# from starting: the tests run their own processes. Needs root; says why and returns 1 otherwise.
apt_ensure() {
  local recommends=--no-install-recommends
  if [ "$1" = --with-recommends ]; then
    recommends="" # podman needs its recommended helpers (network, storage)
    shift
  fi
  local tag="$1" check="$2"
  shift 2
  if eval "$check" >/dev/null 2>&1; then
    echo "[$tag] installed: $*"
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "[$tag] $* missing and cannot be installed here (needs root and apt-get)"
    return 1
  fi
  echo "[$tag] installing $* with apt-get"
  local made_policy="" status=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # invoke-rc.d asks this script; 101 means "action forbidden": no service is started.
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  apt-get install -y -qq $recommends "$@" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $recommends "$@" >/dev/null 2>&1; } \
    || status=1
  [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
  if [ "$status" != 0 ] || ! eval "$check" >/dev/null 2>&1; then
    echo "[$tag] apt-get could not install $*"
    return 1
  fi
  echo "[$tag] installed: $*"
}
