package dev.pullsecret.webhook.chart;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.cfg.MutableCoercionConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads rendered manifests into fabric8's typed models, strictly: a field the Kubernetes API does
 * not have, or a value of the wrong type, is an error here rather than something the API server
 * would reject (or, worse, silently drop) at install time.
 */
final class KubeObjects {

  /**
   * fabric8 models keep unknown fields in an {@code additionalProperties} map through
   * {@code @JsonAnySetter}; ignoring that annotation makes Jackson report them instead. Scalars are
   * not coerced: {@code replicas: "2"} or {@code timeoutSeconds: true} fail.
   */
  static final JsonMapper STRICT =
      JsonMapper.builder()
          .annotationIntrospector(
              new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
                  return Boolean.FALSE;
                }
              })
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .withCoercionConfig(
              LogicalType.Integer,
              refuse(
                  CoercionInputShape.String, CoercionInputShape.Float, CoercionInputShape.Boolean))
          .withCoercionConfig(
              LogicalType.Boolean, refuse(CoercionInputShape.String, CoercionInputShape.Integer))
          .withCoercionConfig(
              LogicalType.Textual,
              refuse(
                  CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean))
          .build();

  /** Custom resources have no fabric8 model here; they are read as generic resources. */
  static final JsonMapper LENIENT = JsonMapper.builder().build();

  private static final Map<String, Class<? extends HasMetadata>> TYPED =
      Map.ofEntries(
          Map.entry("v1/ServiceAccount", ServiceAccount.class),
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("v1/Secret", Secret.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/Pod", Pod.class),
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
          Map.entry(
              "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration",
              MutatingWebhookConfiguration.class),
          Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
          Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
          Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
          Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class));

  private static final List<String> CUSTOM =
      List.of(
          "cert-manager.io/v1/Issuer",
          "cert-manager.io/v1/Certificate",
          "monitoring.coreos.com/v1/ServiceMonitor",
          "monitoring.coreos.com/v1/PrometheusRule");

  private KubeObjects() {}

  /** Every YAML document of a rendering, each read into its model. */
  static List<HasMetadata> read(String manifests) {
    var yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<HasMetadata> objects = new ArrayList<>();
    for (Object document : yaml.loadAll(manifests)) {
      if (document != null) {
        objects.add(read((Map<?, ?>) document));
      }
    }
    return List.copyOf(objects);
  }

  static HasMetadata read(Map<?, ?> document) {
    String type = document.get("apiVersion") + "/" + document.get("kind");
    Class<? extends HasMetadata> model = TYPED.get(type);
    if (model != null) {
      return STRICT.convertValue(document, model);
    }
    if (CUSTOM.contains(type)) {
      return LENIENT.convertValue(document, GenericKubernetesResource.class);
    }
    throw new IllegalArgumentException("the chart renders an unexpected kind " + type);
  }

  /** A coercion config that fails on input of any of {@code shapes} instead of converting it. */
  private static Consumer<MutableCoercionConfig> refuse(CoercionInputShape... shapes) {
    return config -> {
      for (CoercionInputShape shape : shapes) {
        config.setCoercion(shape, CoercionAction.Fail);
      }
    };
  }
}
