{{/* Chart name, overridable. */}}
{{- define "pullsecret-webhook.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects. Also the Service name, so it must stay a DNS-1035 label: at
most 63 characters (the cert-manager Secret "-ca"/"-tls" suffixes fit, as Secret names may be 253).
*/}}
{{- define "pullsecret-webhook.fullname" -}}
{{- $full := "" }}
{{- if .Values.fullnameOverride }}
{{- $full = .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- $full = .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $full = printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $full) }}
{{- fail (printf "the full name %q cannot name the Service (a DNS-1035 label: lower-case letters, digits and '-', starting with a letter): Helm takes release names with dots or a leading digit; set fullnameOverride (or a lower-case nameOverride)" $full) }}
{{- end }}
{{- $full }}
{{- end }}

{{- define "pullsecret-webhook.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "pullsecret-webhook.labels" -}}
helm.sh/chart: {{ include "pullsecret-webhook.chart" . }}
{{ include "pullsecret-webhook.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Labels that select the webhook pods (Deployment, Service, PDB, NetworkPolicy, anti-affinity). The
component label keeps the `helm test` pod out of them.
*/}}
{{- define "pullsecret-webhook.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pullsecret-webhook.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: webhook
{{- end }}

{{/*
The webhook's ServiceAccount. With delivery on, the roles are bound to it: never to the namespace's
`default` one, which every pod there that names no ServiceAccount runs as.
*/}}
{{- define "pullsecret-webhook.serviceAccountName" -}}
{{- $name := "" }}
{{- if .Values.serviceAccount.create }}
{{- $name = default (include "pullsecret-webhook.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- $name = default "default" .Values.serviceAccount.name }}
{{- end }}
{{- if and .Values.sync.enabled (eq $name "default") }}
{{- fail "serviceAccount: secret delivery (sync.enabled) binds its roles to the webhook's ServiceAccount, and this is the namespace's default ServiceAccount, which every pod there that names none runs as: set serviceAccount.name to a ServiceAccount of the webhook's own (or serviceAccount.create=true)" }}
{{- end }}
{{- $name }}
{{- end }}

{{- define "pullsecret-webhook.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "pullsecret-webhook.rulesConfigMapName" -}}
{{- default (printf "%s-rules" (include "pullsecret-webhook.fullname" .)) .Values.existingRulesConfigMap }}
{{- end }}

{{/* The kubernetes.io/tls Secret the webhook serves from, whichever mode fills it. */}}
{{- define "pullsecret-webhook.tlsSecretName" -}}
{{- if eq .Values.certificates.mode "existingSecret" }}
{{- required "certificates.existingSecret is required when certificates.mode is existingSecret" .Values.certificates.existingSecret }}
{{- else }}
{{- printf "%s-tls" (include "pullsecret-webhook.fullname" .) }}
{{- end }}
{{- end }}

{{/* The name the API server calls and checks against the certificate. */}}
{{- define "pullsecret-webhook.serviceHost" -}}
{{- printf "%s.%s.svc" (include "pullsecret-webhook.fullname" .) .Release.Namespace }}
{{- end }}

{{/* DNS names of the serving certificate: the Service's four in-cluster names, then the extras. */}}
{{- define "pullsecret-webhook.dnsNames" -}}
{{- $svc := include "pullsecret-webhook.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- $names := list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) }}
{{- toYaml (concat $names .Values.certificates.extraDnsNames | uniq) }}
{{- end }}

{{- define "pullsecret-webhook.servingCertificateName" -}}
{{- printf "%s-tls" (include "pullsecret-webhook.fullname" .) }}
{{- end }}

{{/*
certificates.mode=helm: the CA and serving certificate, as base64 values for a Secret's data and
the caBundle. An existing Secret is reused (so upgrades do not rotate certificates, and the
caBundle keeps matching the CA that signed the served certificate); otherwise new ones are made.
The result is cached on the root context: the Secret and the webhook configuration are rendered
from different files, and must get the same (randomly generated) certificates.
*/}}
{{- define "pullsecret-webhook.helmCertificates" -}}
{{- if not (hasKey $ "pullsecretWebhookCertificates") }}
{{- $secret := lookup "v1" "Secret" .Release.Namespace (include "pullsecret-webhook.tlsSecretName" .) }}
{{- $data := dig "data" dict ($secret | default dict) }}
{{- $certs := dict }}
{{- if and (get $data "ca.crt") (get $data "tls.crt") (get $data "tls.key") }}
{{- $certs = dict "caCrt" (get $data "ca.crt") "tlsCrt" (get $data "tls.crt") "tlsKey" (get $data "tls.key") }}
{{- else }}
{{- $days := int .Values.certificates.helm.validityDays }}
{{- $ca := genCAWithKey (printf "%s CA" (include "pullsecret-webhook.serviceHost" .)) $days (genPrivateKey "ecdsa") }}
{{- $dnsNames := include "pullsecret-webhook.dnsNames" . | fromYamlArray }}
{{- $cert := genSignedCertWithKey (include "pullsecret-webhook.serviceHost" .) nil $dnsNames $days $ca (genPrivateKey "ecdsa") }}
{{- $certs = dict "caCrt" ($ca.Cert | b64enc) "tlsCrt" ($cert.Cert | b64enc) "tlsKey" ($cert.Key | b64enc) }}
{{- end }}
{{- $_ := set $ "pullsecretWebhookCertificates" $certs }}
{{- end }}
{{- toYaml (get $ "pullsecretWebhookCertificates") }}
{{- end }}

{{/* The Lease that elects the replica that writes copies. */}}
{{- define "pullsecret-webhook.leaseName" -}}
{{- printf "%s-sync" (include "pullsecret-webhook.fullname" .) }}
{{- end }}

{{/*
The namespaces the webhook never acts in: the control plane's (kube-system, kube-public,
kube-node-lease) and the release namespace, always (a webhook that intercepts its own pods or the
control plane's can block its own recovery, and no credentials go there), and
webhook.excludeNamespaces. One list for the registration's namespaceSelector, the webhook's own
skip list (admission and delivery), the notes and the alerts.
*/}}
{{- define "pullsecret-webhook.skippedNamespaces" -}}
{{- concat (list "kube-system" "kube-public" "kube-node-lease" .Release.Namespace) .Values.webhook.excludeNamespaces | uniq | join "," -}}
{{- end }}

{{/*
The pull secrets the webhook delivers, as the chart knows them: those of `rules` with a `source` or
a `provider` (unless the rules come from an existing ConfigMap) and sync.rbac.extraPullSecrets. A
YAML list of {name, sourceNamespace, sourceName, generated}, for the RBAC that names exactly what
delivery touches; `generated`: the source is the Secret the webhook writes for a provider's
credentials, `<name>-provider` in the release namespace.
*/}}
{{- define "pullsecret-webhook.deliveredPullSecrets" -}}
{{- $delivered := list }}
{{- $declared := list }}
{{- if not .Values.existingRulesConfigMap }}
{{- $declared = concat $declared (.Values.rules.pullSecrets | default list) }}
{{- end }}
{{- $declared = concat $declared (.Values.sync.rbac.extraPullSecrets | default list) }}
{{- range $declared }}
{{- if .provider }}
{{- $delivered = append $delivered (dict "name" .name "sourceNamespace" $.Release.Namespace "sourceName" (printf "%s-provider" .name) "generated" true) }}
{{- else if .source }}
{{- $parts := splitList "/" .source }}
{{- $namespace := ternary (first $parts) $.Release.Namespace (eq (len $parts) 2) }}
{{- $delivered = append $delivered (dict "name" .name "sourceNamespace" $namespace "sourceName" (last $parts) "generated" false) }}
{{- end }}
{{- end }}
{{- toYaml $delivered }}
{{- end }}

{{/* The ConfigMap of the CredentialProviderConfig (credentialProviders.config). */}}
{{- define "pullsecret-webhook.credentialProvidersName" -}}
{{- printf "%s-credential-providers" (include "pullsecret-webhook.fullname" .) }}
{{- end }}

{{/* Where the webhook reads the CredentialProviderConfig and the plugin binaries. */}}
{{- define "pullsecret-webhook.credentialProvidersDir" -}}
/etc/pullsecret-webhook/credential-providers
{{- end }}

{{/*
Credential providers need secret delivery (the credentials are kept in a Secret the sync loop
copies) and exactly one source of plugin binaries.
*/}}
{{- define "pullsecret-webhook.checkCredentialProviders" -}}
{{- $plugins := .Values.credentialProviders.plugins }}
{{- if not .Values.sync.enabled }}
{{- fail "credentialProviders.enabled needs sync.enabled: the credentials a provider gives are kept in a Secret that secret delivery copies" }}
{{- end }}
{{- if and $plugins.image.repository $plugins.volume }}
{{- fail "credentialProviders.plugins: give either image or volume, not both" }}
{{- end }}
{{- if not (or $plugins.image.repository $plugins.volume) }}
{{- fail "credentialProviders.plugins: give the plugin binaries, as an image (plugins.image.repository) or a volume (plugins.volume)" }}
{{- end }}
{{- if and $plugins.image.repository (not (or $plugins.image.tag $plugins.image.digest)) }}
{{- fail "credentialProviders.plugins.image: give a tag or a digest" }}
{{- end }}
{{- end }}
