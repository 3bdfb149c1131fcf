{{/*
Replicas, autoscaling and the PodDisruptionBudget checked together, once, from the Deployment: a
combination that would block every node drain, or an autoscaler that could never scale, fails the
rendering with the values to change.
*/}}
{{- define "pullsecret-webhook.checkReplicas" -}}
{{- $pdb := .Values.podDisruptionBudget }}
{{- $hpa := .Values.autoscaling }}
{{- $fewest := int .Values.replicaCount }}
{{- $name := "replicaCount" }}
{{- if $hpa.enabled }}
{{- $fewest = int $hpa.minReplicas }}
{{- $name = "autoscaling.minReplicas" }}
{{- if gt (int $hpa.minReplicas) (int $hpa.maxReplicas) }}
{{- fail (printf "autoscaling.minReplicas (%d) must not exceed autoscaling.maxReplicas (%d)" (int $hpa.minReplicas) (int $hpa.maxReplicas)) }}
{{- end }}
{{- if not (dig "requests" "cpu" "" .Values.resources) }}
{{- fail "autoscaling scales on CPU utilization, a share of resources.requests.cpu: set resources.requests.cpu" }}
{{- end }}
{{- end }}
{{- if $pdb.enabled }}
{{- if and (not (kindIs "invalid" $pdb.minAvailable)) (not (kindIs "string" $pdb.minAvailable)) }}
{{- if ge (int $pdb.minAvailable) $fewest }}
{{- fail (printf "podDisruptionBudget.minAvailable (%d) must be below %s (%d), or no webhook pod can ever be evicted and node drains block: raise %s or lower minAvailable" (int $pdb.minAvailable) $name $fewest $name) }}
{{- end }}
{{- else if and (kindIs "invalid" $pdb.minAvailable) (not (kindIs "string" $pdb.maxUnavailable)) (eq (int $pdb.maxUnavailable) 0) }}
{{- fail "podDisruptionBudget.maxUnavailable 0 lets no webhook pod ever be evicted, so node drains block: use 1 (the default)" }}
{{- end }}
{{- end }}
{{- end }}
