# shellcheck shell=bash
# Debian's docker-registry (CNCF Distribution 2.8) for the tests that push images to a real
# registry and resolve their digests (dev.pullsecret.webhook.registry.Registry*Test). Sourced by
# .ci/run; by hand: `source .ci/registry.sh && registry_install`.
#
# Idempotent and quiet. The tests start their own registry process on an ephemeral loopback port
# with a temporary config and storage directory, so the package's own service plays no part: it is
# kept from starting during the install (policy-rc.d answers 101, "action forbidden"), and if a
# machine runs it anyway it only holds its own port (5000), which no test uses.

registry_install() {
  if [ -x /usr/bin/docker-registry ]; then
    echo "[registry] docker-registry: installed"
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "[registry] docker-registry is missing and cannot be installed here (needs root and apt-get)"
    return 1
  fi
  echo "[registry] installing docker-registry with apt-get"
  local made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  local status=0
  apt-get install -y -qq --no-install-recommends docker-registry >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends docker-registry >/dev/null 2>&1; } \
    || status=1
  if [ -n "$made_policy" ]; then
    rm -f /usr/sbin/policy-rc.d
  fi
  if [ "$status" != 0 ] || [ ! -x /usr/bin/docker-registry ]; then
    echo "[registry] apt-get could not install docker-registry; the registry tests will fail (CI=true)"
    return 1
  fi
  echo "[registry] docker-registry $(dpkg-query -W -f='${Version}' docker-registry) installed"
}
