# A Deployment's pod as kube-controller-manager creates it: with $n = 1, one application container
# and two sidecars (the typical pod); with $n > 1, $n application containers (the large pod).
def images: [
  "registry.corp:5000/team/web:2.14.1",
  "envoyproxy/envoy:v1.31.2",
  "europe-docker.pkg.dev/acme-prod/platform/log-shipper:3.2.0",
  "quay.io/prometheus/node-exporter:v1.8.2"
];
def env($i): [
  {name: "APP_ENV", value: "production"},
  {name: "LOG_LEVEL", value: "info"},
  {name: "HTTP_PORT", value: "\(8080 + $i)"},
  {name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://otel-collector.observability.svc:4317"},
  {name: "POD_NAME", valueFrom: {fieldRef: {apiVersion: "v1", fieldPath: "metadata.name"}}},
  {name: "POD_IP", valueFrom: {fieldRef: {apiVersion: "v1", fieldPath: "status.podIP"}}},
  {name: "DB_PASSWORD", valueFrom: {secretKeyRef: {name: "web-db", key: "password"}}}
];
def probe($port; $path): {
  httpGet: {path: $path, port: $port, scheme: "HTTP"},
  initialDelaySeconds: 5, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3
};
def container($i; $name; $image): {
  name: $name, image: $image,
  ports: [{name: "http", containerPort: (8080 + $i), protocol: "TCP"}],
  env: env($i),
  resources: {limits: {cpu: "500m", memory: "512Mi"}, requests: {cpu: "100m", memory: "128Mi"}},
  volumeMounts: [
    {name: "config", readOnly: true, mountPath: "/etc/web"},
    {name: "tmp", mountPath: "/tmp"},
    {name: "kube-api-access-7xk2p", readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}
  ],
  livenessProbe: probe(8080 + $i; "/healthz"),
  readinessProbe: probe(8080 + $i; "/ready"),
  terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File",
  imagePullPolicy: "IfNotPresent",
  securityContext: {capabilities: {drop: ["ALL"]}, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
};
# A sidecar or init container: no env, ports or probes.
def lean($name; $image): {
  name: $name, image: $image, args: ["--config=/etc/web/\($name).yaml"],
  resources: {limits: {cpu: "200m", memory: "128Mi"}, requests: {cpu: "50m", memory: "64Mi"}},
  volumeMounts: [{name: "config", readOnly: true, mountPath: "/etc/web"}],
  terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File",
  imagePullPolicy: "IfNotPresent"
};
def managed($c): if $c.env == null then {
  ".": {}, "f:args": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {},
  "f:resources": {".": {}, "f:limits": {".": {}, "f:cpu": {}, "f:memory": {}}, "f:requests": {".": {}, "f:cpu": {}, "f:memory": {}}},
  "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {},
  "f:volumeMounts": {".": {}, "k:{\"mountPath\":\"/etc/web\"}": {".": {}, "f:mountPath": {}, "f:name": {}, "f:readOnly": {}}}
} else {
  ".": {}, "f:env": ([$c.env[] | {key: "k:{\"name\":\"\(.name)\"}", value: {".": {}, "f:name": {}, "f:value": {}}}] | from_entries),
  "f:image": {}, "f:imagePullPolicy": {}, "f:livenessProbe": {".": {}, "f:failureThreshold": {}, "f:httpGet": {".": {}, "f:path": {}, "f:port": {}, "f:scheme": {}}},
  "f:name": {}, "f:ports": {".": {}, "k:{\"containerPort\":\($c.ports[0].containerPort),\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}, "f:name": {}, "f:protocol": {}}},
  "f:readinessProbe": {".": {}, "f:httpGet": {".": {}, "f:path": {}, "f:port": {}}},
  "f:resources": {".": {}, "f:limits": {".": {}, "f:cpu": {}, "f:memory": {}}, "f:requests": {".": {}, "f:cpu": {}, "f:memory": {}}},
  "f:securityContext": {".": {}, "f:capabilities": {".": {}, "f:drop": {}}, "f:readOnlyRootFilesystem": {}, "f:runAsNonRoot": {}},
  "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {},
  "f:volumeMounts": {".": {}, "k:{\"mountPath\":\"/etc/web\"}": {".": {}, "f:mountPath": {}, "f:name": {}, "f:readOnly": {}}}
} end;
(if $n == 1 then
   [container(0; "web"; images[0]), lean("envoy"; images[1]), lean("log-shipper"; images[2])]
 else
   [range(0; $n) as $i | container($i; "app-\($i)"; images[$i % (images | length)])]
 end) as $containers
| lean("migrate"; "registry.corp:5000/team/migrate:2.14.1") as $init
| .request.uid = $uid
| .request.name = ""
| .request.namespace = $ns
| .request.userInfo = {username: "system:serviceaccount:kube-system:replicaset-controller",
    uid: "8f3c0b1e-6a57-4c62-9a0e-5e2f1d7c9b10",
    groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]}
| .request.options.fieldManager = "kube-controller-manager"
| .request.object.metadata = {
    generateName: "web-7c9f8d6b5-", namespace: $ns, creationTimestamp: null,
    labels: {app: "web", "app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop", "pod-template-hash": "7c9f8d6b5", version: "2.14.1"},
    annotations: {"prometheus.io/scrape": "true", "prometheus.io/port": "9090", "kubectl.kubernetes.io/restartedAt": "2026-11-20T10:15:00Z"},
    ownerReferences: [{apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7c9f8d6b5", uid: "a2d4c1f0-3b5e-4f6a-8c7d-9e0f1a2b3c4d", controller: true, blockOwnerDeletion: true}],
    managedFields: [{manager: "kube-controller-manager", operation: "Update", apiVersion: "v1", time: "2026-11-23T07:40:12Z", fieldsType: "FieldsV1",
      fieldsV1: {"f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/restartedAt": {}, "f:prometheus.io/port": {}, "f:prometheus.io/scrape": {}},
          "f:generateName": {}, "f:labels": {".": {}, "f:app": {}, "f:pod-template-hash": {}, "f:version": {}},
          "f:ownerReferences": {".": {}, "k:{\"uid\":\"a2d4c1f0-3b5e-4f6a-8c7d-9e0f1a2b3c4d\"}": {}}},
        "f:spec": {"f:containers": ([$containers[] | {key: "k:{\"name\":\"\(.name)\"}", value: managed(.)}] | from_entries),
          "f:initContainers": {"k:{\"name\":\"migrate\"}": managed($init)},
          "f:dnsPolicy": {}, "f:enableServiceLinks": {}, "f:restartPolicy": {}, "f:schedulerName": {}, "f:securityContext": {},
          "f:terminationGracePeriodSeconds": {}, "f:volumes": {".": {}, "k:{\"name\":\"config\"}": {".": {}, "f:configMap": {".": {}, "f:defaultMode": {}, "f:name": {}}, "f:name": {}}}}}}]
  }
| .request.object.spec.volumes = [
    {name: "config", configMap: {name: "web-config", defaultMode: 420}},
    {name: "tls", secret: {secretName: "web-tls", defaultMode: 420}},
    {name: "tmp", emptyDir: {sizeLimit: "64Mi"}}
  ] + .request.object.spec.volumes
| .request.object.spec.volumes[3].name = "kube-api-access-7xk2p"
| .request.object.spec.initContainers = [$init]
| .request.object.spec.containers = $containers
| .request.object.spec.serviceAccountName = "web"
| .request.object.spec.serviceAccount = "web"
| .request.object.spec.securityContext = {runAsUser: 10001, fsGroup: 10001, seccompProfile: {type: "RuntimeDefault"}}
| .request.object.spec.affinity = {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [
    {weight: 100, podAffinityTerm: {labelSelector: {matchLabels: {app: "web"}}, topologyKey: "kubernetes.io/hostname"}}]}}
| .request.object.spec.topologySpreadConstraints = [
    {maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: {matchLabels: {app: "web"}}}]
