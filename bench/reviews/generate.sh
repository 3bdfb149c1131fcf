#!/usr/bin/env bash
# Regenerates the benchmark reviews from a review recorded from a real API server
# (src/test/resources/admission/cases/recorded-*.review.json): the envelope (uid, kind, resource,
# userInfo, options) is kept as recorded, only request.object and the names change.
#   small.review.json    ~2 KB: a pod applied server-side, as recorded
#   typical.review.json  ~8 KB: a Deployment's pod as the ReplicaSet controller creates it:
#                        generateName, ownerReferences, managedFields, an init container, the app
#                        (env, ports, probes, resources) and two sidecars; four kinds of volume
#   large.review.json   ~60 KB: 20 application containers with env, ports, probes and resources
# Every pod lives in namespace team-a-prod and pulls from registries that bench/rules.yaml serves
# without a secret already present, so every review takes the full path and is answered with a patch.
# Needs jq. The output is committed; run this only to change the shapes.
set -euo pipefail
cd "$(dirname "$0")"
CASES=../../src/test/resources/admission/cases
NS=team-a-prod

jq -c --arg ns "$NS" '
  .request.uid = "6b1e1a4e-2a9c-4c8e-9d1f-000000000002"
  | .request.namespace = $ns
  | .request.object.metadata.namespace = $ns
  | .request.object.spec.containers[0].image = "registry.corp:5000/team/app:1.0"
' "$CASES/recorded-09-create-server-side-apply.review.json" > small.review.json

pod() { # $1 = number of app containers, $2 = uid
  jq -c --arg ns "$NS" --argjson n "$1" --arg uid "$2" -f pod.jq \
    "$CASES/recorded-01-create-plain-pod.review.json"
}
pod 1 6b1e1a4e-2a9c-4c8e-9d1f-000000000008 > typical.review.json
pod 20 6b1e1a4e-2a9c-4c8e-9d1f-000000000060 > large.review.json
wc -c small.review.json typical.review.json large.review.json
