#!/usr/bin/env bash
# Secret delivery figures against fabric8's mock API server (in-process, CRUD mode): time from a
# namespace's creation to its copy, a full sync of 1,000 namespaces and a rotation (seconds and API
# calls), heap with 2,000 namespaces, the packaged jar's RSS with delivery off and on (2,000
# namespaces synced) and with 10,000 labelled namespaces chosen by glob or by label, namespace
# labels read on a miss at admission (real API server), and admission's answers from the caches
# while the API server is slow. See bench/README.md. About 7 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
# The miss path of namespace labels runs on the real API server (testing/KubeApiServer).
if [[ -z "${KUBEBUILDER_ASSETS:-}" && -x ../shared/kube/unpack.sh ]]; then
  KUBEBUILDER_ASSETS="$(bash ../shared/kube/unpack.sh)" && export KUBEBUILDER_ASSETS
fi
./mvnw -q -B -ntp -DskipTests package # the RSS figure starts the packaged jar
./mvnw -q -B -ntp test -Dtest='SyncBench,SlowApiServerBench,NamespaceLabelsBench,LabelledNamespacesBench' -Dbench.sync=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.reportFormat=plain 2>&1 | grep '^BENCH ' || true
grep -h '^BENCH ' target/surefire-reports/*{SyncBench,SlowApiServerBench}*-output.txt 2>/dev/null || true
