package dev.pullsecret.webhook.bench.decode;

import static dev.pullsecret.webhook.bench.decode.ReviewDecoder.tooManyElements;
import static dev.pullsecret.webhook.bench.decode.ReviewDecoder.wrongType;

import com.dslplatform.json.DslJson;
import com.dslplatform.json.JsonReader;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DSL-JSON 2.0.2 used as its generated code uses it: a pull reader over the bytes, the fields the
 * webhook reads bound by hand into the same fabric8 objects, everything else stepped over with
 * {@link JsonReader#skip()}. Same bounds as the codec: lists refused past 256 elements, the first
 * 16 annotations and the mirror marker kept, numbers limited to 100 digits. There is no nesting
 * limit to set: {@code skip()} recurses (see bench/README.md).
 */
public final class DslJsonReviewDecoder implements ReviewDecoder {

  private final DslJson<Object> dsl;

  public DslJsonReviewDecoder(int maxBodyBytes) {
    this.dsl =
        new DslJson<>(
            new DslJson.Settings<>().limitDigitsBuffer(100).limitStringBuffer(maxBodyBytes));
  }

  /** A field handler: reads the value at the reader (its first byte is last()), returns next. */
  @FunctionalInterface
  private interface Fields {
    byte read(JsonReader<?> r, int field) throws IOException;
  }

  private static byte[][] names(String... names) {
    var bytes = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      bytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
    }
    return bytes;
  }

  private static final byte[][] ENVELOPE = names("apiVersion", "kind", "request");
  private static final byte[][] REQUEST =
      names(
          "uid",
          "kind",
          "resource",
          "subResource",
          "name",
          "namespace",
          "operation",
          "dryRun",
          "object",
          "oldObject");
  private static final byte[][] GVK = names("group", "version", "kind");
  private static final byte[][] GVR = names("group", "version", "resource");
  private static final byte[][] POD = names("metadata", "spec");
  private static final byte[][] META = names("name", "generateName", "namespace", "annotations");
  private static final byte[][] SPEC =
      names("initContainers", "containers", "ephemeralContainers", "imagePullSecrets");
  private static final byte[][] CONTAINER = names("name", "image", "imagePullPolicy");
  private static final byte[][] REFERENCE = names("name");

  @Override
  public AdmissionRequest decode(byte[] body) {
    JsonReader<Object> r = dsl.newReader(body);
    var envelope = new String[2];
    var request = new AdmissionRequest[1];
    boolean isNull;
    try {
      r.getNextToken();
      isNull = r.wasNull();
      if (!isNull) {
        object(
            r,
            "",
            ENVELOPE,
            (reader, field) -> {
              switch (field) {
                case 0 -> envelope[0] = string(reader, "", "apiVersion");
                case 1 -> envelope[1] = string(reader, "", "kind");
                default -> {
                  if (reader.wasNull()) {
                    request[0] = null;
                  } else {
                    request[0] = request(reader);
                  }
                }
              }
              return reader.getNextToken();
            });
      }
      for (int i = r.getCurrentIndex(); i < body.length; i++) {
        byte b = body[i];
        if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
          throw r.newParseError("trailing content after the review");
        }
      }
    } catch (IOException e) { // ParsingException included
      throw new MalformedReviewException(
          "body is not a JSON AdmissionReview: not well-formed JSON", e);
    }
    return ReviewDecoder.checked(isNull, envelope[0], envelope[1], request[0]);
  }

  private AdmissionRequest request(JsonReader<?> r) throws IOException {
    var v = new String[6];
    var dryRun = new Boolean[1];
    var kind = new GroupVersionKind[1];
    var resource = new GroupVersionResource[1];
    var pods = new Pod[2];
    object(
        r,
        "request",
        REQUEST,
        (reader, field) -> {
          switch (field) {
            case 0 -> v[0] = string(reader, "request", "uid");
            case 1 -> kind[0] = groupVersionKind(reader);
            case 2 -> resource[0] = groupVersionResource(reader);
            case 3 -> v[1] = string(reader, "request", "subResource");
            case 4 -> v[2] = string(reader, "request", "name");
            case 5 -> v[3] = string(reader, "request", "namespace");
            case 6 -> v[4] = string(reader, "request", "operation");
            case 7 -> dryRun[0] = bool(reader, "request", "dryRun");
            case 8 -> pods[0] = pod(reader, OBJECT);
            default -> pods[1] = pod(reader, OLD_OBJECT);
          }
          return reader.getNextToken();
        });
    return new AdmissionRequest(
        v[0], kind[0], resource[0], v[1], v[2], v[3], v[4], dryRun[0], pods[0], pods[1]);
  }

  private static GroupVersionKind groupVersionKind(JsonReader<?> r) throws IOException {
    if (r.wasNull()) {
      return null;
    }
    var gvk = new GroupVersionKind();
    object(
        r,
        "request.kind",
        GVK,
        (reader, field) -> {
          switch (field) {
            case 0 -> gvk.setGroup(string(reader, "request.kind", "group"));
            case 1 -> gvk.setVersion(string(reader, "request.kind", "version"));
            default -> gvk.setKind(string(reader, "request.kind", "kind"));
          }
          return reader.getNextToken();
        });
    return gvk;
  }

  private static GroupVersionResource groupVersionResource(JsonReader<?> r) throws IOException {
    if (r.wasNull()) {
      return null;
    }
    var gvr = new GroupVersionResource();
    object(
        r,
        "request.resource",
        GVR,
        (reader, field) -> {
          switch (field) {
            case 0 -> gvr.setGroup(string(reader, "request.resource", "group"));
            case 1 -> gvr.setVersion(string(reader, "request.resource", "version"));
            default -> gvr.setResource(string(reader, "request.resource", "resource"));
          }
          return reader.getNextToken();
        });
    return gvr;
  }

  /** The paths of a pod's fields, made once: for error messages only. */
  private record PodPaths(
      String pod,
      String metadata,
      String spec,
      String annotations,
      String initContainers,
      String containers,
      String ephemeralContainers,
      String imagePullSecrets) {
    static PodPaths of(String pod) {
      return new PodPaths(
          pod,
          pod + ".metadata",
          pod + ".spec",
          pod + ".metadata.annotations",
          pod + ".spec.initContainers",
          pod + ".spec.containers",
          pod + ".spec.ephemeralContainers",
          pod + ".spec.imagePullSecrets");
    }
  }

  private static final PodPaths OBJECT = PodPaths.of("request.object");
  private static final PodPaths OLD_OBJECT = PodPaths.of("request.oldObject");

  private static Pod pod(JsonReader<?> r, PodPaths path) throws IOException {
    if (r.wasNull()) {
      return null;
    }
    var pod = new Pod();
    object(
        r,
        path.pod(),
        POD,
        (reader, field) -> {
          if (field == 0) {
            pod.setMetadata(metadata(reader, path));
          } else {
            pod.setSpec(spec(reader, path));
          }
          return reader.getNextToken();
        });
    return pod;
  }

  private static ObjectMeta metadata(JsonReader<?> r, PodPaths paths) throws IOException {
    if (r.wasNull()) {
      return null;
    }
    var meta = new ObjectMeta();
    object(
        r,
        paths.metadata(),
        META,
        (reader, field) -> {
          switch (field) {
            case 0 -> meta.setName(string(reader, paths.metadata(), "name"));
            case 1 -> meta.setGenerateName(string(reader, paths.metadata(), "generateName"));
            case 2 -> meta.setNamespace(string(reader, paths.metadata(), "namespace"));
            default -> meta.setAnnotations(annotations(reader, paths.annotations()));
          }
          return reader.getNextToken();
        });
    return meta;
  }

  private static Map<String, String> annotations(JsonReader<?> r, String path) throws IOException {
    if (r.wasNull()) {
      return null;
    }
    if (r.last() != '{') {
      throw wrongType("an object", path);
    }
    var kept = new LinkedHashMap<String, String>();
    byte t = r.getNextToken();
    if (t == '}') {
      return kept;
    }
    while (true) {
      String key = r.readKey();
      String value = string(r, path, key);
      if (kept.size() < MAX_ANNOTATIONS_KEPT || MIRROR_POD_ANNOTATION.equals(key)) {
        kept.put(key, value);
      }
      t = r.getNextToken();
      if (t == '}') {
        return kept;
      }
      if (t != ',') {
        throw r.newParseError("expecting ',' or '}'");
      }
      r.getNextToken();
    }
  }

  private static PodSpec spec(JsonReader<?> r, PodPaths paths) throws IOException {
    if (r.wasNull()) {
      return null;
    }
    var spec = new PodSpec();
    object(
        r,
        paths.spec(),
        SPEC,
        (reader, field) -> {
          switch (field) {
            case 0 ->
                spec.setInitContainers(
                    list(reader, paths.initContainers(), DslJsonReviewDecoder::container));
            case 1 ->
                spec.setContainers(
                    list(reader, paths.containers(), DslJsonReviewDecoder::container));
            case 2 ->
                spec.setEphemeralContainers(
                    list(
                        reader,
                        paths.ephemeralContainers(),
                        DslJsonReviewDecoder::ephemeralContainer));
            default ->
                spec.setImagePullSecrets(
                    list(reader, paths.imagePullSecrets(), DslJsonReviewDecoder::reference));
          }
          return reader.getNextToken();
        });
    return spec;
  }

  private static Container container(JsonReader<?> r, Object path) throws IOException {
    var c = new Container();
    object(
        r,
        path,
        CONTAINER,
        (reader, field) -> {
          switch (field) {
            case 0 -> c.setName(string(reader, path, "name"));
            case 1 -> c.setImage(string(reader, path, "image"));
            default -> c.setImagePullPolicy(string(reader, path, "imagePullPolicy"));
          }
          return reader.getNextToken();
        });
    return c;
  }

  private static EphemeralContainer ephemeralContainer(JsonReader<?> r, Object path)
      throws IOException {
    var c = new EphemeralContainer();
    object(
        r,
        path,
        CONTAINER,
        (reader, field) -> {
          switch (field) {
            case 0 -> c.setName(string(reader, path, "name"));
            case 1 -> c.setImage(string(reader, path, "image"));
            default -> c.setImagePullPolicy(string(reader, path, "imagePullPolicy"));
          }
          return reader.getNextToken();
        });
    return c;
  }

  private static LocalObjectReference reference(JsonReader<?> r, Object path) throws IOException {
    var ref = new LocalObjectReference();
    object(
        r,
        path,
        REFERENCE,
        (reader, field) -> {
          ref.setName(string(reader, path, "name"));
          return reader.getNextToken();
        });
    return ref;
  }

  @FunctionalInterface
  private interface Element<T> {
    T read(JsonReader<?> r, Object path) throws IOException;
  }

  /** A list element's path, formatted only for an error message. */
  private record Indexed(String list, int index) {
    @Override
    public String toString() {
      return list + "[" + index + "]";
    }
  }

  private static String join(Object parent, String name) {
    String p = parent.toString();
    return p.isEmpty() ? name : p + "." + name;
  }

  /** A list bounded while read: the 257th element is refused before it is built. */
  private static <T> List<T> list(JsonReader<?> r, String path, Element<T> element)
      throws IOException {
    if (r.wasNull()) {
      return null;
    }
    if (r.last() != '[') {
      throw wrongType("an array", path);
    }
    var list = new ArrayList<T>();
    byte t = r.getNextToken();
    if (t == ']') {
      return list;
    }
    while (true) {
      if (list.size() == MAX_LIST_ELEMENTS) {
        throw tooManyElements(path);
      }
      list.add(r.wasNull() ? null : element.read(r, new Indexed(path, list.size())));
      t = r.getNextToken();
      if (t == ']') {
        return list;
      }
      if (t != ',') {
        throw r.newParseError("expecting ',' or ']'");
      }
      r.getNextToken();
    }
  }

  /**
   * The object at the reader, its known fields given to {@code fields} and the others skipped; on
   * return the reader is at its closing brace.
   */
  private static void object(JsonReader<?> r, Object path, byte[][] known, Fields fields)
      throws IOException {
    if (r.last() != '{') {
      throw wrongType("an object", path.toString().isEmpty() ? "(the review)" : path.toString());
    }
    byte t = r.getNextToken();
    if (t == '}') {
      return;
    }
    while (true) {
      if (t != '"') {
        throw r.newParseError("expecting a property name");
      }
      r.fillName();
      r.getNextToken();
      int field = -1;
      for (int i = 0; i < known.length; i++) {
        if (r.wasLastName(known[i])) {
          field = i;
          break;
        }
      }
      t = field < 0 ? r.skip() : fields.read(r, field);
      if (t == '}') {
        return;
      }
      if (t != ',') {
        throw r.newParseError("expecting ',' or '}'");
      }
      t = r.getNextToken();
    }
  }

  /** {@code parent} is a path, formatted only for an error message. */
  private static String string(JsonReader<?> r, Object parent, String name) throws IOException {
    if (r.wasNull()) {
      return null;
    }
    if (r.last() != '"') {
      throw wrongType("a string", join(parent, name));
    }
    return r.readString();
  }

  private static Boolean bool(JsonReader<?> r, Object parent, String name) throws IOException {
    if (r.wasNull()) {
      return null;
    }
    if (r.wasTrue()) {
      return Boolean.TRUE;
    }
    if (r.wasFalse()) {
      return Boolean.FALSE;
    }
    throw wrongType("true or false", join(parent, name));
  }
}
