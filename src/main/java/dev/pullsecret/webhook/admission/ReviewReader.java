package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.admission.AdmissionReviewCodec.Envelope;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The codec's fast path: reads the fields of {@link PodFields} and of the request envelope straight
 * from the bytes, and steps over everything else (managedFields, env, probes, volumes: most of a
 * pod) with a scanner that checks the JSON grammar but builds nothing. Jackson, even skipping,
 * turns every one of those bytes into tokens and canonical names, which is most of a review's cost.
 *
 * <p>It only ever answers for input it fully understands: valid JSON (strings, escapes, UTF-8,
 * numbers, literals, nesting up to {@link #MAX_DEPTH}) whose read fields have the expected types,
 * with ASCII in the strings it reads. For anything else it returns null and the codec decodes the
 * body with Jackson, which gives the same result or the precise error. So it may be stricter than
 * Jackson, never laxer; {@code ReviewReaderTest} checks that on every review we have and on
 * thousands of corrupted copies of them.
 */
final class ReviewReader {

  /** The same limit as the Jackson path's {@code StreamReadConstraints}. */
  static final int MAX_DEPTH = 100;

  private static final int MAX_NUMBER_LENGTH = 100;

  /** Thrown, without a stack trace, when the input leaves what the fast path handles. */
  private static final class Unhandled extends RuntimeException {
    Unhandled() {
      super(null, null, false, false);
    }
  }

  private static final Unhandled UNHANDLED = new Unhandled();

  private static final byte[] API_VERSION = ascii("apiVersion");
  private static final byte[] KIND = ascii("kind");
  private static final byte[] REQUEST = ascii("request");
  private static final byte[] UID = ascii("uid");
  private static final byte[] RESOURCE = ascii("resource");
  private static final byte[] SUB_RESOURCE = ascii("subResource");
  private static final byte[] NAME = ascii("name");
  private static final byte[] NAMESPACE = ascii("namespace");
  private static final byte[] OPERATION = ascii("operation");
  private static final byte[] DRY_RUN = ascii("dryRun");
  private static final byte[] OBJECT = ascii("object");
  private static final byte[] GROUP = ascii("group");
  private static final byte[] VERSION = ascii("version");
  private static final byte[] METADATA = ascii("metadata");
  private static final byte[] SPEC = ascii("spec");
  private static final byte[] GENERATE_NAME = ascii("generateName");
  private static final byte[] ANNOTATIONS = ascii("annotations");
  private static final byte[] CONTAINERS = ascii("containers");
  private static final byte[] INIT_CONTAINERS = ascii("initContainers");
  private static final byte[] EPHEMERAL_CONTAINERS = ascii("ephemeralContainers");
  private static final byte[] IMAGE_PULL_SECRETS = ascii("imagePullSecrets");
  private static final byte[] IMAGE = ascii("image");
  private static final byte[] IMAGE_PULL_POLICY = ascii("imagePullPolicy");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] NULL = ascii("null");

  private final byte[] in;
  private int at;
  private int depth;
  private int keyStart;
  private int keyEnd;
  private boolean keyEscaped;
  private boolean keyAscii;

  private ReviewReader(byte[] in) {
    this.in = in;
  }

  /** The envelope, or null when the body is anything this reader does not fully handle. */
  static Envelope read(byte[] body) {
    try {
      var reader = new ReviewReader(body);
      Envelope envelope = reader.envelope();
      reader.whitespace();
      return reader.at == body.length ? envelope : null;
    } catch (Unhandled | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private Envelope envelope() {
    whitespace();
    if (peek() != '{') {
      throw UNHANDLED;
    }
    String apiVersion = null;
    String kind = null;
    AdmissionRequest request = null;
    for (boolean first = startObject(); member(first); first = false) {
      if (key(API_VERSION)) {
        apiVersion = string();
      } else if (key(KIND)) {
        kind = string();
      } else if (key(REQUEST)) {
        request = isNull() ? null : request();
      } else {
        skipValue();
      }
    }
    return new Envelope(apiVersion, kind, request);
  }

  private AdmissionRequest request() {
    String uid = null;
    GroupVersionKind kind = null;
    GroupVersionResource resource = null;
    String subResource = null;
    String name = null;
    String namespace = null;
    String operation = null;
    Boolean dryRun = null;
    Pod object = null;
    for (boolean first = startObject(); member(first); first = false) {
      if (key(UID)) {
        uid = string();
      } else if (key(KIND)) {
        kind = isNull() ? null : groupVersionKind();
      } else if (key(RESOURCE)) {
        resource = isNull() ? null : groupVersionResource();
      } else if (key(SUB_RESOURCE)) {
        subResource = string();
      } else if (key(NAME)) {
        name = string();
      } else if (key(NAMESPACE)) {
        namespace = string();
      } else if (key(OPERATION)) {
        operation = string();
      } else if (key(DRY_RUN)) {
        dryRun = bool();
      } else if (key(OBJECT)) {
        object = isNull() ? null : pod();
      } else {
        skipValue();
      }
    }
    return new AdmissionRequest(
        uid, kind, resource, subResource, name, namespace, operation, dryRun, object);
  }

  /** fabric8 keeps unknown members of these in additionalProperties: leave those to Jackson. */
  private GroupVersionKind groupVersionKind() {
    var gvk = new GroupVersionKind();
    for (boolean first = startObject(); member(first); first = false) {
      if (key(GROUP)) {
        gvk.setGroup(string());
      } else if (key(VERSION)) {
        gvk.setVersion(string());
      } else if (key(KIND)) {
        gvk.setKind(string());
      } else {
        throw UNHANDLED;
      }
    }
    return gvk;
  }

  private GroupVersionResource groupVersionResource() {
    var gvr = new GroupVersionResource();
    for (boolean first = startObject(); member(first); first = false) {
      if (key(GROUP)) {
        gvr.setGroup(string());
      } else if (key(VERSION)) {
        gvr.setVersion(string());
      } else if (key(RESOURCE)) {
        gvr.setResource(string());
      } else {
        throw UNHANDLED;
      }
    }
    return gvr;
  }

  private Pod pod() {
    var pod = new Pod();
    for (boolean first = startObject(); member(first); first = false) {
      if (key(METADATA)) {
        pod.setMetadata(notNull() ? metadata() : null);
      } else if (key(SPEC)) {
        pod.setSpec(notNull() ? spec() : null);
      } else {
        skipValue();
      }
    }
    return pod;
  }

  private ObjectMeta metadata() {
    var metadata = new ObjectMeta();
    for (boolean first = startObject(); member(first); first = false) {
      if (key(NAME)) {
        metadata.setName(string());
      } else if (key(GENERATE_NAME)) {
        metadata.setGenerateName(string());
      } else if (key(NAMESPACE)) {
        metadata.setNamespace(string());
      } else if (key(ANNOTATIONS)) {
        metadata.setAnnotations(notNull() ? stringMap() : null);
      } else {
        skipValue();
      }
    }
    return metadata;
  }

  private PodSpec spec() {
    var spec = new PodSpec();
    for (boolean first = startObject(); member(first); first = false) {
      if (key(CONTAINERS)) {
        spec.setContainers(notNull() ? containers() : null);
      } else if (key(INIT_CONTAINERS)) {
        spec.setInitContainers(notNull() ? containers() : null);
      } else if (key(EPHEMERAL_CONTAINERS)) {
        spec.setEphemeralContainers(notNull() ? ephemeralContainers() : null);
      } else if (key(IMAGE_PULL_SECRETS)) {
        spec.setImagePullSecrets(notNull() ? pullSecrets() : null);
      } else {
        skipValue();
      }
    }
    return spec;
  }

  private List<Container> containers() {
    List<Container> list = new ArrayList<>();
    for (boolean first = startArray(); element(first); first = false) {
      var container = new Container();
      for (boolean f = startObject(); member(f); f = false) {
        if (key(NAME)) {
          container.setName(string());
        } else if (key(IMAGE)) {
          container.setImage(string());
        } else if (key(IMAGE_PULL_POLICY)) {
          container.setImagePullPolicy(string());
        } else {
          skipValue();
        }
      }
      list.add(container);
    }
    return list;
  }

  private List<EphemeralContainer> ephemeralContainers() {
    List<EphemeralContainer> list = new ArrayList<>();
    for (boolean first = startArray(); element(first); first = false) {
      var container = new EphemeralContainer();
      for (boolean f = startObject(); member(f); f = false) {
        if (key(NAME)) {
          container.setName(string());
        } else if (key(IMAGE)) {
          container.setImage(string());
        } else if (key(IMAGE_PULL_POLICY)) {
          container.setImagePullPolicy(string());
        } else {
          skipValue();
        }
      }
      list.add(container);
    }
    return list;
  }

  private List<LocalObjectReference> pullSecrets() {
    List<LocalObjectReference> list = new ArrayList<>();
    for (boolean first = startArray(); element(first); first = false) {
      var reference = new LocalObjectReference();
      for (boolean f = startObject(); member(f); f = false) {
        if (key(NAME)) {
          reference.setName(string());
        } else {
          throw UNHANDLED; // fabric8 would keep it in additionalProperties
        }
      }
      list.add(reference);
    }
    return list;
  }

  private Map<String, String> stringMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (boolean first = startObject(); member(first); first = false) {
      String name = keyString();
      map.put(name, string());
    }
    return map;
  }

  // --- Structure: objects and arrays, with the nesting limit.

  /** Consumes '{'; true, for the first call of {@link #member}. */
  private boolean startObject() {
    if (next() != '{') {
      throw UNHANDLED;
    }
    if (++depth > MAX_DEPTH) {
      throw UNHANDLED;
    }
    return true;
  }

  /**
   * Moves to the next member of the object and reads its name into {@code keyStart..keyEnd},
   * leaving the position at its value; false at the closing brace.
   */
  private boolean member(boolean first) {
    whitespace();
    byte c = next();
    if (c == '}') {
      depth--;
      return false;
    }
    if (!first) {
      if (c != ',') {
        throw UNHANDLED;
      }
      whitespace();
      c = next();
    }
    if (c != '"') {
      throw UNHANDLED;
    }
    name();
    whitespace();
    if (next() != ':') {
      throw UNHANDLED;
    }
    whitespace();
    return true;
  }

  /**
   * After the opening quote of a member name: to after the closing one. Names in managedFields are
   * full of escapes ({@code "k:{\"name\":\"app\"}"}), so they are allowed and noted.
   */
  private void name() {
    keyStart = at;
    keyEscaped = false;
    keyAscii = true;
    byte[] bytes = in;
    int i = at;
    while (i < bytes.length && PLAIN[bytes[i] & 0xFF]) {
      i++;
    }
    at = i;
    for (; ; ) {
      byte b = byteAt(at++);
      if (b == '"') {
        keyEnd = at - 1;
        return;
      }
      if (b == '\\') {
        keyEscaped = true;
        escape();
      } else if (b < 0) {
        keyAscii = false;
        utf8Continuation(b);
      } else if (b < 0x20) {
        throw UNHANDLED;
      }
    }
  }

  /** Whether the current member's name is {@code name} (given in ASCII). */
  private boolean key(byte[] name) {
    if (!keyAscii) {
      return false; // raw non-ASCII bytes cannot spell an ASCII name
    }
    if (keyEscaped) {
      return keyString().equals(new String(name, StandardCharsets.ISO_8859_1));
    }
    return Arrays.equals(in, keyStart, keyEnd, name, 0, name.length);
  }

  /** The current member's name as text; only for ASCII names. */
  private String keyString() {
    if (!keyAscii) {
      throw UNHANDLED;
    }
    if (!keyEscaped) {
      return new String(in, keyStart, keyEnd - keyStart, StandardCharsets.ISO_8859_1);
    }
    int resume = at;
    at = keyStart;
    var out = new StringBuilder(keyEnd - keyStart);
    while (at < keyEnd) {
      byte b = next();
      out.append(b == '\\' ? escape() : (char) b);
    }
    at = resume;
    return out.toString();
  }

  private boolean startArray() {
    whitespace();
    if (next() != '[') {
      throw UNHANDLED;
    }
    if (++depth > MAX_DEPTH) {
      throw UNHANDLED;
    }
    return true;
  }

  /** Moves to the next element of the array; false at the closing bracket. */
  private boolean element(boolean first) {
    whitespace();
    if (first) {
      if (peek() == ']') {
        at++;
        depth--;
        return false;
      }
      return true;
    }
    byte c = next();
    if (c == ']') {
      depth--;
      return false;
    }
    if (c != ',') {
      throw UNHANDLED;
    }
    whitespace();
    return true;
  }

  // --- Values that are read.

  /** A string (ASCII, escapes decoded) or null. */
  private String string() {
    byte c = next();
    if (c == 'n') {
      literal(NULL);
      return null;
    }
    if (c != '"') {
      throw UNHANDLED; // Jackson would coerce a number or a boolean; leave that to it
    }
    int start = at;
    for (; ; ) {
      byte b = byteAt(at);
      if (b == '"') {
        at++;
        return new String(in, start, at - 1 - start, StandardCharsets.ISO_8859_1);
      }
      if (b == '\\') {
        return escapedString(start);
      }
      if (b < 0x20) { // control characters, and every byte >= 0x80 (bytes are signed)
        throw UNHANDLED;
      }
      at++;
    }
  }

  private String escapedString(int start) {
    var out = new StringBuilder(at - start + 16);
    out.append(new String(in, start, at - start, StandardCharsets.ISO_8859_1));
    for (; ; ) {
      byte b = next();
      if (b == '"') {
        return out.toString();
      }
      if (b == '\\') {
        out.append(escape());
      } else if (b < 0x20) {
        throw UNHANDLED;
      } else {
        out.append((char) b);
      }
    }
  }

  /** After a backslash: the character it stands for. */
  private char escape() {
    byte c = next();
    return switch (c) {
      case '"' -> '"';
      case '\\' -> '\\';
      case '/' -> '/';
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> {
        int value = 0;
        for (int i = 0; i < 4; i++) {
          int digit = Character.digit(next(), 16);
          if (digit < 0) {
            throw UNHANDLED;
          }
          value = value * 16 + digit;
        }
        yield (char) value;
      }
      default -> throw UNHANDLED;
    };
  }

  private Boolean bool() {
    byte c = peek();
    if (c == 't') {
      literal(TRUE);
      return Boolean.TRUE;
    }
    if (c == 'f') {
      literal(FALSE);
      return Boolean.FALSE;
    }
    if (c == 'n') {
      literal(NULL);
      return null;
    }
    throw UNHANDLED;
  }

  /** At a value: consumes it if it is null and says so. */
  private boolean isNull() {
    if (peek() == 'n') {
      literal(NULL);
      return true;
    }
    return false;
  }

  /** At a value inside the pod: null there is left to Jackson (fabric8 may treat it apart). */
  private boolean notNull() {
    if (peek() == 'n') {
      throw UNHANDLED;
    }
    return true;
  }

  // --- Values that are skipped: checked against the JSON grammar, nothing built.

  private void skipValue() {
    byte c = peek();
    switch (c) {
      case '{' -> {
        for (boolean first = startObject(); member(first); first = false) {
          skipValue();
        }
      }
      case '[' -> {
        for (boolean first = startArray(); element(first); first = false) {
          skipValue();
        }
      }
      case '"' -> {
        at++;
        skipString();
      }
      case 't' -> literal(TRUE);
      case 'f' -> literal(FALSE);
      case 'n' -> literal(NULL);
      default -> number();
    }
  }

  /** After the opening quote: to after the closing one, checking escapes and UTF-8. */
  private void skipString() {
    byte[] b = in;
    int i = at;
    for (; ; ) {
      // The common case, plain ASCII, in a tight loop on a local index.
      while (i < b.length && PLAIN[b[i] & 0xFF]) {
        i++;
      }
      if (i >= b.length) {
        throw UNHANDLED;
      }
      byte c = b[i++];
      if (c == '"') {
        at = i;
        return;
      }
      at = i;
      if (c == '\\') {
        escape();
      } else if (c < 0) {
        utf8Continuation(c);
      } else {
        throw UNHANDLED; // a control character
      }
      i = at;
    }
  }

  /** Bytes that stand for themselves inside a string: ASCII except '"', '\\' and controls. */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  /** A multi-byte UTF-8 sequence whose lead byte was {@code lead}: checks its continuation. */
  private void utf8Continuation(byte lead) {
    int l = lead & 0xFF;
    int count;
    if (l >= 0xC2 && l <= 0xDF) {
      count = 1;
    } else if (l >= 0xE0 && l <= 0xEF) {
      count = 2;
    } else if (l >= 0xF0 && l <= 0xF4) {
      count = 3;
    } else {
      throw UNHANDLED;
    }
    for (int i = 0; i < count; i++) {
      if ((byteAt(at++) & 0xC0) != 0x80) {
        throw UNHANDLED;
      }
    }
  }

  /** A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private void number() {
    int start = at;
    if (peek() == '-') {
      at++;
    }
    byte c = next();
    if (c == '0') {
      // no leading zeros
    } else if (c >= '1' && c <= '9') {
      digits();
    } else {
      throw UNHANDLED;
    }
    if (at < in.length && in[at] == '.') {
      at++;
      requireDigit();
      digits();
    }
    if (at < in.length && (in[at] == 'e' || in[at] == 'E')) {
      at++;
      if (at < in.length && (in[at] == '+' || in[at] == '-')) {
        at++;
      }
      requireDigit();
      digits();
    }
    if (at - start > MAX_NUMBER_LENGTH) {
      throw UNHANDLED;
    }
  }

  private void requireDigit() {
    byte c = peek();
    if (c < '0' || c > '9') {
      throw UNHANDLED;
    }
  }

  private void digits() {
    while (at < in.length && in[at] >= '0' && in[at] <= '9') {
      at++;
    }
  }

  private void literal(byte[] word) {
    if (at + word.length > in.length
        || !Arrays.equals(in, at, at + word.length, word, 0, word.length)) {
      throw UNHANDLED;
    }
    at += word.length;
  }

  // --- Bytes.

  private void whitespace() {
    byte[] b = in;
    int i = at;
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    at = i;
  }

  private byte peek() {
    return byteAt(at);
  }

  private byte next() {
    return byteAt(at++);
  }

  private byte byteAt(int i) {
    if (i >= in.length) {
      throw UNHANDLED;
    }
    return in[i];
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
