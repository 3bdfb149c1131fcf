#!/usr/bin/env bash
# Checks the TLS versions and suites a running webhook accepts, as an auditor would, with openssl:
# TLS 1.0 and 1.1 refused by the server, TLS 1.2 and 1.3 accepted, TLS 1.2 only with ECDHE and an
# AEAD cipher (CBC refused).
#
#   certs/check-tls.sh HOST:PORT [CA_FILE [SERVER_NAME]]
#
# With CA_FILE the certificate must chain to it; with SERVER_NAME it is also sent as SNI and must
# be among the certificate's subjectAltNames (e.g. pullsecret-webhook.pullsecret-webhook.svc).
# Exit status: 0 when every check passed, 1 when one failed, 2 on bad usage or a missing openssl.
set -uo pipefail

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "usage: $0 HOST:PORT [CA_FILE [SERVER_NAME]]" >&2
  exit 2
fi
target=$1
ca_file=${2:-}
server_name=${3:-}
command -v openssl >/dev/null || { echo "check-tls: openssl is not on the PATH" >&2; exit 2; }

verify=()
[ -n "$ca_file" ] && verify+=(-CAfile "$ca_file" -verify_return_error)
[ -n "$server_name" ] && verify+=(-servername "$server_name" -verify_hostname "$server_name")

passed=0
failed=0
pass() { echo "ok    $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; failed=$((failed + 1)); }

# One handshake; prints openssl's brief summary (or its errors) and returns its status.
handshake() {
  timeout 15 openssl s_client -connect "$target" -brief "$@" </dev/null 2>&1
}

# An old protocol must be refused by the server, not merely left out by this openssl: security
# level 0 lets the client offer it, and the refusal must be the server's alert.
expect_refused_version() {
  local flag=$1 name=$2 out
  out=$(handshake "$flag" -cipher 'DEFAULT:@SECLEVEL=0')
  local status=$?
  if [ $status -eq 0 ]; then
    fail "$name accepted; it must be refused"
  elif grep -qiE 'no protocols available|no ciphers available' <<<"$out"; then
    fail "$name could not be offered by this openssl; the server was not tested"
  elif grep -qiE 'SSL alert number|wrong version number' <<<"$out"; then
    pass "$name refused by the server ($(grep -oiE 'alert [a-z ]+|wrong version number' <<<"$out" | head -n 1))"
  else
    fail "$name: handshake failed without an answer from the server: $(tail -n 2 <<<"$out" | tr '\n' ' ')"
  fi
}

expect_accepted_version() {
  local flag=$1 name=$2 out
  out=$(handshake "$flag" "${verify[@]}")
  local status=$?
  local protocol suite
  protocol=$(sed -n 's/^Protocol version: //p' <<<"$out")
  suite=$(sed -n 's/^Ciphersuite: //p' <<<"$out")
  if [ $status -ne 0 ] || [ "$protocol" != "$name" ]; then
    fail "$name refused: $(tail -n 2 <<<"$out" | tr '\n' ' ')"
  elif [ "$name" = TLSv1.2 ] && ! grep -qE '^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$' <<<"$suite"; then
    fail "$name negotiated $suite, which is not ECDHE with an AEAD cipher"
  else
    pass "$name accepted ($suite)"
  fi
}

expect_refused_cbc() {
  local out
  out=$(handshake -tls1_2 -cipher 'ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA')
  if [ $? -eq 0 ]; then
    fail "TLSv1.2 with CBC suites accepted ($(sed -n 's/^Ciphersuite: //p' <<<"$out"))"
  else
    pass "TLSv1.2 with CBC suites only refused"
  fi
}

expect_refused_version -tls1 TLSv1.0
expect_refused_version -tls1_1 TLSv1.1
expect_accepted_version -tls1_2 TLSv1.2
expect_accepted_version -tls1_3 TLSv1.3
expect_refused_cbc

if [ $failed -gt 0 ]; then
  echo "check-tls: $failed of $((passed + failed)) checks failed for $target"
  exit 1
fi
echo "check-tls: all $passed checks passed for $target"
