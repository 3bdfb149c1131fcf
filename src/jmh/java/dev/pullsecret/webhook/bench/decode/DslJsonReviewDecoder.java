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

  /**
   * A field handler: reads the value at the reader (its first byte is last()) and leaves the reader
   * on the value's last byte.
   */
  @FunctionalInterface
  private interface Fields {
    void read(JsonReader<?> r, int field) throws IOException;
  }

  /** Reads one member of an object or element of an array (see {@link #each}), returns next. */
  @FunctionalInterface
  private interface Each {
    byte read(JsonReader<?> r) throws IOException;
  }

  /** The names of an object's known fields, as text (for messages) and as UTF-8 (to match). */
  private record Names(String[] texts, byte[][] utf8) {
    String text(int field) {
      return texts[field];
    }

    /** The known field the reader's last name is, or -1. */
    int indexOfLastName(JsonReader<?> r) {
      for (int i = 0; i < utf8.length; i++) {
        if (r.wasLastName(utf8[i])) {
          return i;
        }
      }
      return -1;
    }
  }

  private static Names names(String... names) {
    var bytes = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      bytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
    }
    return new Names(names, bytes);
  }

  private static final Names ENVELOPE = names("apiVersion", "kind", "request");
  private static final Names REQUEST =
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
  private static final Names GVK = names("group", "version", "kind");
  private static final Names GVR = names("group", "version", "resource");
  private static final Names POD = names("metadata", "spec");
  private static final Names META = names("name", "generateName", "namespace", "annotations");
  private static final Names SPEC =
      names("initContainers", "containers", "ephemeralContainers", "imagePullSecrets");
  private static final Names CONTAINER = names("name", "image", "imagePullPolicy");
  private static final Names REFERENCE = names("name");

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
                default -> request[0] = nullOr(reader, DslJsonReviewDecoder::request);
              }
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

  private static AdmissionRequest request(JsonReader<?> r) throws IOException {
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
            case 1 -> kind[0] = nullOr(reader, DslJsonReviewDecoder::groupVersionKind);
            case 2 -> resource[0] = nullOr(reader, DslJsonReviewDecoder::groupVersionResource);
            case 3 -> v[1] = string(reader, "request", "subResource");
            case 4 -> v[2] = string(reader, "request", "name");
            case 5 -> v[3] = string(reader, "request", "namespace");
            case 6 -> v[4] = string(reader, "request", "operation");
            case 7 -> dryRun[0] = bool(reader, "request", "dryRun");
            case 8 -> pods[0] = nullOr(reader, rr -> pod(rr, OBJECT));
            default -> pods[1] = nullOr(reader, rr -> pod(rr, OLD_OBJECT));
          }
        });
    return new AdmissionRequest(
        v[0], kind[0], resource[0], v[1], v[2], v[3], v[4], dryRun[0], pods[0], pods[1]);
  }

  private static GroupVersionKind groupVersionKind(JsonReader<?> r) throws IOException {
    var gvk = new GroupVersionKind();
    strings(r, "request.kind", GVK, gvk::setGroup, gvk::setVersion, gvk::setKind);
    return gvk;
  }

  private static GroupVersionResource groupVersionResource(JsonReader<?> r) throws IOException {
    var gvr = new GroupVersionResource();
    strings(r, "request.resource", GVR, gvr::setGroup, gvr::setVersion, gvr::setResource);
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
    var pod = new Pod();
    object(
        r,
        path.pod(),
        POD,
        (reader, field) -> {
          if (field == 0) {
            pod.setMetadata(nullOr(reader, rr -> metadata(rr, path)));
          } else {
            pod.setSpec(nullOr(reader, rr -> spec(rr, path)));
          }
        });
    return pod;
  }

  private static ObjectMeta metadata(JsonReader<?> r, PodPaths paths) throws IOException {
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
        });
    return meta;
  }

  private static Map<String, String> annotations(JsonReader<?> r, String path) throws IOException {
    if (r.wasNull()) {
      return null;
    }
    var kept = new LinkedHashMap<String, String>();
    each(
        r,
        OBJECT_OPEN,
        path,
        reader -> {
          String key = reader.readKey();
          String value = string(reader, path, key);
          if (kept.size() < MAX_ANNOTATIONS_KEPT || MIRROR_POD_ANNOTATION.equals(key)) {
            kept.put(key, value);
          }
          return reader.getNextToken();
        });
    return kept;
  }

  private static PodSpec spec(JsonReader<?> r, PodPaths paths) throws IOException {
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
        });
    return spec;
  }

  private static Container container(JsonReader<?> r, Object path) throws IOException {
    var c = new Container();
    strings(r, path, CONTAINER, c::setName, c::setImage, c::setImagePullPolicy);
    return c;
  }

  private static EphemeralContainer ephemeralContainer(JsonReader<?> r, Object path)
      throws IOException {
    var c = new EphemeralContainer();
    strings(r, path, CONTAINER, c::setName, c::setImage, c::setImagePullPolicy);
    return c;
  }

  private static LocalObjectReference reference(JsonReader<?> r, Object path) throws IOException {
    var ref = new LocalObjectReference();
    strings(r, path, REFERENCE, ref::setName);
    return ref;
  }

  /** A field read as a string into its object. */
  @FunctionalInterface
  private interface StringField {
    void set(String value);
  }

  /** An object whose known fields are all strings, {@code set[i]} given the field {@code i}. */
  private static void strings(JsonReader<?> r, Object path, Names known, StringField... set)
      throws IOException {
    object(
        r, path, known, (reader, field) -> set[field].set(string(reader, path, known.text(field))));
  }

  /** null for a JSON null, else what {@code read} reads. */
  private static <T> T nullOr(JsonReader<?> r, Value<T> read) throws IOException {
    return r.wasNull() ? null : read.read(r);
  }

  @FunctionalInterface
  private interface Value<T> {
    T read(JsonReader<?> r) throws IOException;
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
    var list = new ArrayList<T>();
    each(
        r,
        ARRAY_OPEN,
        path,
        reader -> {
          if (list.size() == MAX_LIST_ELEMENTS) {
            throw tooManyElements(path);
          }
          list.add(nullOr(reader, rr -> element.read(rr, new Indexed(path, list.size()))));
          return reader.getNextToken();
        });
    return list;
  }

  /**
   * The object at the reader, its known fields given to {@code fields} and the others skipped; on
   * return the reader is at its closing brace.
   */
  private static void object(JsonReader<?> r, Object path, Names known, Fields fields)
      throws IOException {
    each(
        r,
        OBJECT_OPEN,
        path,
        reader -> {
          if (reader.last() != '"') {
            throw reader.newParseError("expecting a property name");
          }
          reader.fillName();
          reader.getNextToken();
          int field = known.indexOfLastName(reader);
          if (field < 0) {
            return reader.skip();
          }
          fields.read(reader, field);
          return reader.getNextToken();
        });
  }

  private static final byte OBJECT_OPEN = '{';
  private static final byte ARRAY_OPEN = '[';

  /**
   * The members of the object or the elements of the array at the reader ({@code open} says which),
   * each read by {@code each}; on return the reader is at the closing bracket.
   */
  private static void each(JsonReader<?> r, byte open, Object path, Each each) throws IOException {
    boolean isObject = open == OBJECT_OPEN;
    if (r.last() != open) {
      String where = path.toString();
      throw wrongType(
          isObject ? "an object" : "an array", where.isEmpty() ? "(the review)" : where);
    }
    byte close = isObject ? (byte) '}' : (byte) ']';
    byte t = r.getNextToken();
    if (t == close) {
      return;
    }
    while (true) {
      t = each.read(r);
      if (t == close) {
        return;
      }
      if (t != ',') {
        throw r.newParseError(isObject ? "expecting ',' or '}'" : "expecting ',' or ']'");
      }
      r.getNextToken();
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
