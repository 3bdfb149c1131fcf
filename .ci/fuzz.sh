#!/usr/bin/env bash
# Fuzzes each @FuzzTest target in turn for a while (not part of CI, which runs the committed seeds
# only, in regression mode, within `./mvnw verify`).
#
#   .ci/fuzz.sh [DURATION] [TARGET...]     e.g. .ci/fuzz.sh 10m, .ci/fuzz.sh 2m 'ImageFuzzTest#*'
#
# DURATION is Jazzer's (e.g. 30s, 5m, 1h; default 5m); a TARGET is Class#method as for -Dtest.
# The corpus each run grows is kept in .cifuzz-corpus/ (ignored by git) and reused by the next
# run; a finding fails the run and is written under src/test/resources/**/<Class>Inputs/<method>/,
# where it stays as a regression seed once committed. Logs: target/fuzz/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi

duration="${1:-5m}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    'AdmissionFuzzTest#anyBodyIsAnsweredOrRefusedAsMalformed'
    'AdmissionFuzzTest#structurallyMutatedReviewsAreAnswered'
    'RulesFuzzTest#anyTextIsCompiledOrRefusedWithLocatedErrors'
    'ImageFuzzTest#imageReferencesRoundTripOrAreRefused'
    'ImageFuzzTest#registryPatternsParseOrAreRefusedAndMatchWithoutThrowing'
    'DockerConfigFuzzTest#anySecretContentIsReadOrReported'
    'DockerConfigFuzzTest#coveredPatternGivesACredentialForEveryImageItMatches'
  )
fi

mkdir -p target/fuzz
./mvnw -q -B -ntp test-compile
status=0
for target in "${targets[@]}"; do
  log="target/fuzz/${target//[#*]/_}.log"
  echo "fuzzing $target for $duration (log: $log)"
  if JAZZER_FUZZ=1 ./mvnw -q -B -ntp surefire:test -Dtest="$target" \
      -Djazzer.max_duration="$duration" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    result=passed
  else
    result="FAILED (a finding: see the log and the Inputs directory)"
    status=1
  fi
  runs=$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1 || true)
  echo "  $result; ${runs:-no libFuzzer summary}"
done
exit $status
