package dev.pullsecret.webhook.bench.decode;

import static dev.pullsecret.webhook.bench.decode.ReviewDecoder.tooManyElements;
import static dev.pullsecret.webhook.bench.decode.ReviewDecoder.wrongType;

import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.MalformedReviewException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.simdjson.JsonParsingException;
import org.simdjson.JsonValue;
import org.simdjson.SimdJsonParser;

/**
 * simdjson-java 0.3.0: the body is indexed with SIMD (the Vector API) and parsed into its tape,
 * then the fields the webhook reads are looked up ({@link JsonValue#get}) into the same fabric8
 * objects. The DOM is used because its schema-based mode binds only records, arrays and {@code
 * List}s: the annotations (a map with any keys) cannot be read with it.
 *
 * <p>A parser holds buffers sized for the largest body and is not thread-safe: one per thread.
 */
public final class SimdJsonReviewDecoder implements ReviewDecoder {

  /** Real pods nest about 15 levels deep; the codec allows 100. */
  private static final int MAX_NESTING_DEPTH = 100;

  private final SimdJsonParser parser;

  public SimdJsonReviewDecoder(int maxBodyBytes) {
    this.parser = new SimdJsonParser(maxBodyBytes, MAX_NESTING_DEPTH);
  }

  @Override
  public AdmissionRequest decode(byte[] body) {
    JsonValue root;
    try {
      root = parser.parse(body, body.length);
    } catch (JsonParsingException e) {
      throw new MalformedReviewException(
          "body is not a JSON AdmissionReview: not well-formed JSON", e);
    }
    if (root.isNull()) {
      return ReviewDecoder.checked(true, null, null, null);
    }
    if (!root.isObject()) {
      throw wrongType("an object", "(the review)");
    }
    String apiVersion = string(root, "", "apiVersion");
    String kind = string(root, "", "kind");
    JsonValue request = root.get("request");
    return ReviewDecoder.checked(
        false,
        apiVersion,
        kind,
        request == null || request.isNull() ? null : request(object(request, "request")));
  }

  private static AdmissionRequest request(JsonValue r) {
    return new AdmissionRequest(
        string(r, "request", "uid"),
        optionalObject(r, "request", "kind", SimdJsonReviewDecoder::groupVersionKind),
        optionalObject(r, "request", "resource", SimdJsonReviewDecoder::groupVersionResource),
        string(r, "request", "subResource"),
        string(r, "request", "name"),
        string(r, "request", "namespace"),
        string(r, "request", "operation"),
        bool(r, "request", "dryRun"),
        optionalObject(r, "request", "object", SimdJsonReviewDecoder::pod),
        optionalObject(r, "request", "oldObject", SimdJsonReviewDecoder::pod));
  }

  private static GroupVersionKind groupVersionKind(JsonValue v, Object path) {
    // fabric8's constructor takes the fields in alphabetical order.
    return new GroupVersionKind(
        string(v, path, "group"), string(v, path, "kind"), string(v, path, "version"));
  }

  private static GroupVersionResource groupVersionResource(JsonValue v, Object path) {
    return new GroupVersionResource(
        string(v, path, "group"), string(v, path, "resource"), string(v, path, "version"));
  }

  private static Pod pod(JsonValue v, Object path) {
    var pod = new Pod();
    pod.setMetadata(optionalObject(v, path, "metadata", SimdJsonReviewDecoder::metadata));
    pod.setSpec(optionalObject(v, path, "spec", SimdJsonReviewDecoder::spec));
    return pod;
  }

  /**
   * String and object fields are set whether present or not (absent reads as null, fabric8's
   * default); a map or list only where present, so that an absent one keeps the empty one fabric8
   * starts with, as Jackson leaves a field it does not see.
   */
  private static ObjectMeta metadata(JsonValue v, Object path) {
    var meta = new ObjectMeta();
    meta.setName(string(v, path, "name"));
    meta.setGenerateName(string(v, path, "generateName"));
    meta.setNamespace(string(v, path, "namespace"));
    if (v.get("annotations") != null) {
      meta.setAnnotations(
          optionalObject(v, path, "annotations", SimdJsonReviewDecoder::annotations));
    }
    return meta;
  }

  private static Map<String, String> annotations(JsonValue v, Object path) {
    var kept = new LinkedHashMap<String, String>();
    for (Iterator<Map.Entry<String, JsonValue>> it = v.objectIterator(); it.hasNext(); ) {
      var entry = it.next();
      String key = entry.getKey();
      if (kept.size() < MAX_ANNOTATIONS_KEPT || MIRROR_POD_ANNOTATION.equals(key)) {
        kept.put(key, asString(entry.getValue(), path, key));
      } else if (!entry.getValue().isString() && !entry.getValue().isNull()) {
        throw wrongType("a string", join(path, key));
      }
    }
    return kept;
  }

  private static PodSpec spec(JsonValue v, Object path) {
    var spec = new PodSpec();
    if (v.get("initContainers") != null) {
      spec.setInitContainers(list(v, path, "initContainers", SimdJsonReviewDecoder::container));
    }
    if (v.get("containers") != null) {
      spec.setContainers(list(v, path, "containers", SimdJsonReviewDecoder::container));
    }
    if (v.get("ephemeralContainers") != null) {
      spec.setEphemeralContainers(
          list(v, path, "ephemeralContainers", SimdJsonReviewDecoder::ephemeralContainer));
    }
    if (v.get("imagePullSecrets") != null) {
      spec.setImagePullSecrets(list(v, path, "imagePullSecrets", SimdJsonReviewDecoder::reference));
    }
    return spec;
  }

  private static Container container(JsonValue v, Object path) {
    var c = new Container();
    containerFields(v, path, c::setName, c::setImage, c::setImagePullPolicy);
    return c;
  }

  private static EphemeralContainer ephemeralContainer(JsonValue v, Object path) {
    var c = new EphemeralContainer();
    containerFields(v, path, c::setName, c::setImage, c::setImagePullPolicy);
    return c;
  }

  /** The fields read of a container, ephemeral or not (the two types share no interface). */
  private static void containerFields(
      JsonValue v,
      Object path,
      Consumer<String> name,
      Consumer<String> image,
      Consumer<String> imagePullPolicy) {
    name.accept(string(v, path, "name"));
    image.accept(string(v, path, "image"));
    imagePullPolicy.accept(string(v, path, "imagePullPolicy"));
  }

  private static LocalObjectReference reference(JsonValue v, Object path) {
    var ref = new LocalObjectReference();
    ref.setName(string(v, path, "name"));
    return ref;
  }

  /** The list; past 256 elements refused (the tape already holds them all). */
  private static <T> List<T> list(
      JsonValue parent, Object path, String name, BiFunction<JsonValue, Object, T> element) {
    JsonValue v = parent.get(name);
    if (v.isNull()) {
      return null;
    }
    var listPath = new Joined(path, name);
    if (!v.isArray()) {
      throw wrongType("an array", listPath.toString());
    }
    var list = new ArrayList<T>();
    for (Iterator<JsonValue> it = v.arrayIterator(); it.hasNext(); ) {
      JsonValue e = it.next();
      if (list.size() == MAX_LIST_ELEMENTS) {
        throw tooManyElements(listPath.toString());
      }
      if (e.isNull()) {
        list.add(null);
      } else if (!e.isObject()) {
        throw wrongType("an object", listPath + "[" + list.size() + "]");
      } else {
        list.add(element.apply(e, new Indexed(listPath, list.size())));
      }
    }
    return list;
  }

  private static <T> T optionalObject(
      JsonValue parent, Object path, String name, BiFunction<JsonValue, Object, T> read) {
    JsonValue v = parent.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    var fieldPath = new Joined(path, name);
    if (!v.isObject()) {
      throw wrongType("an object", fieldPath.toString());
    }
    return read.apply(v, fieldPath);
  }

  private static JsonValue object(JsonValue v, String path) {
    if (!v.isObject()) {
      throw wrongType("an object", path);
    }
    return v;
  }

  /** Paths, formatted only for an error message. */
  private record Joined(Object parent, String name) {
    @Override
    public String toString() {
      return join(parent, name);
    }
  }

  private record Indexed(Object list, int index) {
    @Override
    public String toString() {
      return list + "[" + index + "]";
    }
  }

  private static String string(JsonValue parent, Object path, String name) {
    JsonValue v = parent.get(name);
    return v == null ? null : asString(v, path, name);
  }

  /** {@code parent} is a path, formatted only for an error message. */
  private static String asString(JsonValue v, Object parent, String name) {
    if (v.isNull()) {
      return null;
    }
    if (!v.isString()) {
      throw wrongType("a string", join(parent, name));
    }
    return v.asString();
  }

  private static Boolean bool(JsonValue parent, Object path, String name) {
    JsonValue v = parent.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw wrongType("true or false", join(path, name));
    }
    return v.asBoolean();
  }

  private static String join(Object parent, String name) {
    String p = parent.toString();
    return p.isEmpty() ? name : p + "." + name;
  }
}
