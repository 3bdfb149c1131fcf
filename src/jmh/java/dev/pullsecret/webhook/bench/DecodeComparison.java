package dev.pullsecret.webhook.bench;

import dev.pullsecret.webhook.testing.TestContexts;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.MalformedReviewException;
import dev.pullsecret.webhook.bench.decode.DslJsonReviewDecoder;
import dev.pullsecret.webhook.bench.decode.ReviewDecoder;
import dev.pullsecret.webhook.bench.decode.SimdJsonReviewDecoder;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whether the candidate decoders of {@code DecodeBenchmark} read what the codec's Jackson path
 * reads: every review under src/test/resources (admission cases and fuzz seeds) and bench/reviews
 * decoded by each, the decoded requests compared as JSON; then a list of malformed and edge-case
 * bodies, with how each decoder answers. Prints a report; exits 1 if a fixture differs.
 *
 * <p>{@code ./mvnw -q -B -Pjmh -DskipTests test-compile exec:exec
 * -Djmh.main=dev.pullsecret.webhook.bench.DecodeComparison -Djmh.args=}
 */
public final class DecodeComparison {

  private static final int MAX_BODY = 4 * 1024 * 1024;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private DecodeComparison() {}

  public static void main(String[] args) throws IOException {
    var jackson = new AdmissionReviewCodec(MAX_BODY);
    Map<String, ReviewDecoder> decoders = new LinkedHashMap<>();
    decoders.put("jackson", jackson::decode);
    decoders.put("dsl-json", new DslJsonReviewDecoder(MAX_BODY));
    decoders.put("simdjson", new SimdJsonReviewDecoder(MAX_BODY));
    var rules =
        new LoadedRules(
            RulesParser.parse(
                Files.readString(Path.of("src/test/resources/rules/test-rules.yaml")),
                "test-rules"),
            1,
            "comparison",
            Instant.EPOCH,
            "test-rules.yaml");
    var handler = new AdmissionHandler(() -> rules, TestContexts.offline());

    List<Path> files = fixtureFiles();
    Map<String, Integer> differing = new LinkedHashMap<>();
    for (Path file : files) {
      byte[] body = Files.readAllBytes(file);
      String expected = outcome(decoders.get("jackson"), body);
      for (var entry : decoders.entrySet()) {
        String got = outcome(entry.getValue(), body);
        if (!sameOutcome(expected, got)) {
          if (differing.merge(entry.getKey(), 1, Integer::sum) <= 2) {
            System.out.printf("DIFF %s %s: %s%n", entry.getKey(), file, difference(expected, got));
          }
        }
      }
    }
    System.out.printf(
        "%d fixture bodies (admission cases, fuzz seeds, bench reviews)%n", files.size());
    for (String name : decoders.keySet()) {
      System.out.printf(
          "  %-9s %d answers differ from Jackson's%n", name, differing.getOrDefault(name, 0));
    }

    System.out.println();
    System.out.println(
        "Malformed and edge-case bodies (\"= jackson\": the same request or also 400):");
    for (var edge : edgeCases().entrySet()) {
      System.out.println("- " + edge.getKey());
      String expected = outcome(decoders.get("jackson"), edge.getValue());
      for (var entry : decoders.entrySet()) {
        String got = outcome(entry.getValue(), edge.getValue());
        String shown =
            entry.getKey().equals("jackson") || !sameOutcome(expected, got) || got.startsWith("400")
                ? difference(expected, got)
                : "= jackson";
        if (got.startsWith("ok ") && expected.startsWith("400 ")) {
          // What the webhook would do with a body Jackson refuses: the fuzz invariants re-read
          // the body with Jackson to apply the patch, which fails for these.
          shown += " -> " + handler.decide(entry.getValue().decode(edge.getValue())).reason();
        }
        System.out.printf("    %-9s %s%n", entry.getKey(), shown);
      }
    }

    System.gc();
    long before = usedHeap();
    var parser = new SimdJsonReviewDecoder(MAX_BODY);
    System.gc();
    System.out.printf(
        "%nheap held by one simdjson parser for bodies up to %d bytes: %.1f MiB%n",
        MAX_BODY, (usedHeap() - before) / (double) (1 << 20));
    Reference.reachabilityFence(parser);
    System.exit(differing.keySet().stream().anyMatch(k -> !k.equals("simdjson")) ? 1 : 0);
  }

  /** The outcome, or where it departs from Jackson's (requests compared as JSON text). */
  private static String difference(String expected, String got) {
    if (expected.equals(got) || !got.startsWith("ok ") || !expected.startsWith("ok ")) {
      return cut(got);
    }
    int i = 0;
    while (i < expected.length() && i < got.length() && expected.charAt(i) == got.charAt(i)) {
      i++;
    }
    int from = Math.max(3, i - 60);
    return "ok, but differs: jackson ..."
        + expected.substring(from, Math.min(expected.length(), i + 40))
        + "... got ..."
        + got.substring(from, Math.min(got.length(), i + 40))
        + "...";
  }

  private static long usedHeap() {
    var rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** "ok <request as JSON>", "400 <message> [cause]" or "ERROR <throwable>". */
  private static String outcome(ReviewDecoder decoder, byte[] body) {
    try {
      AdmissionRequest request = decoder.decode(body);
      return "ok " + JSON.writeValueAsString(request);
    } catch (StackOverflowError e) {
      return "ERROR java.lang.StackOverflowError";
    } catch (MalformedReviewException e) {
      Throwable cause = e.getCause();
      return "400 "
          + e.getMessage()
          + (cause == null || cause instanceof tools.jackson.core.JacksonException
              ? ""
              : " [library: " + cause.getClass().getSimpleName() + ": " + cause.getMessage() + "]");
    } catch (Throwable t) {
      return "ERROR "
          + t.getClass().getName()
          + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
  }

  /** The same request, or both refused (the messages may be worded differently). */
  private static boolean sameOutcome(String expected, String got) {
    return expected.equals(got) || (expected.startsWith("400 ") && got.startsWith("400 "));
  }

  private static String cut(String s) {
    String line = s.replace('\n', ' ');
    if (line.startsWith("ok ")) {
      return "ok";
    }
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  private static List<Path> fixtureFiles() throws IOException {
    var files = new ArrayList<Path>();
    for (String dir :
        new String[] {
          "src/test/resources/admission",
          "src/test/resources/dev/pullsecret/webhook/admission",
          "bench/reviews"
        }) {
      try (Stream<Path> walk = Files.walk(Path.of(dir))) {
        walk.filter(Files::isRegularFile)
            .filter(p -> !p.toString().endsWith(".expected.json"))
            .filter(p -> !p.toString().endsWith(".sh") && !p.toString().endsWith(".jq"))
            .sorted()
            .forEach(files::add);
      }
    }
    return files;
  }

  private static final String BASE =
      """
      {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":UID,\
      "kind":{"group":"","version":"v1","kind":"Pod"},\
      "resource":{"group":"","version":"v1","resource":"pods"},\
      "namespace":"team-a","operation":"CREATE","dryRun":false,"userInfo":{"username":"u"},\
      "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","annotations":{"a":"b"}},\
      "spec":{"containers":[{"name":"c","image":IMAGE,"env":[{"name":"E","value":SKIPPED}]}]\
      EXTRA}}}}\
      """;

  private static byte[] review(String uid, String image, String skipped, String extra) {
    return BASE.replace("UID", uid)
        .replace("IMAGE", image)
        .replace("SKIPPED", skipped)
        .replace("EXTRA", extra)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] review(String extra) {
    return review("\"u-1\"", "\"nginx:1\"", "\"v\"", extra);
  }

  /** {@code marker} replaced by the given raw bytes (invalid UTF-8, control characters). */
  private static byte[] withBytes(byte[] body, String marker, byte... raw) {
    String text = new String(body, StandardCharsets.UTF_8);
    int at = text.indexOf(marker);
    var out = new ByteArrayOutputStream();
    out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
    out.writeBytes(raw);
    out.writeBytes(text.substring(at + marker.length()).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** The base review with {@code raw} bytes inside the image, a string every decoder reads. */
  private static byte[] rawInImage(byte... raw) {
    return withBytes(review("\"u-1\"", "\"nginx:@@\"", "\"v\"", ""), "@@", raw);
  }

  /** The base review with {@code raw} bytes inside an env value, a string the decoders skip. */
  private static byte[] rawInSkipped(byte... raw) {
    return withBytes(review("\"u-1\"", "\"nginx:1\"", "\"@@\"", ""), "@@", raw);
  }

  private static Map<String, byte[]> edgeCases() {
    var cases = new LinkedHashMap<String, byte[]>();
    byte[] plain = review("");
    cases.put("well-formed base review", plain);
    cases.put("truncated (first half)", java.util.Arrays.copyOf(plain, plain.length / 2));
    cases.put("truncated (last byte missing)", java.util.Arrays.copyOf(plain, plain.length - 1));
    cases.put("empty body", new byte[0]);
    cases.put("JSON null", "null".getBytes(StandardCharsets.UTF_8));
    cases.put("an array", "[]".getBytes(StandardCharsets.UTF_8));
    cases.put("trailing garbage after the review", concat(plain, " x"));
    cases.put("a second JSON value after the review", concat(plain, " {}"));
    cases.put(
        "duplicate request.uid (\"u-1\" then \"u-2\")",
        review("\"u-1\",\"uid\":\"u-2\"", "\"nginx:1\"", "\"v\"", ""));
    cases.put(
        "duplicate image in a container (\"nginx:1\" then \"evil:2\")",
        review("\"u-1\"", "\"nginx:1\",\"image\":\"evil:2\"", "\"v\"", ""));
    cases.put(
        "escaped property name \"\\u0075id\" for uid",
        new String(review(""))
            .replace("\"uid\"", "\"\\u0075id\"")
            .getBytes(StandardCharsets.UTF_8));
    cases.put("invalid UTF-8 (0xFF) in a read field (image)", rawInImage((byte) 0xFF));
    cases.put("invalid UTF-8 (0xFF) in a skipped field (env value)", rawInSkipped((byte) 0xFF));
    cases.put(
        "overlong UTF-8 (0xC0 0xAF) in a read field (image)", rawInImage((byte) 0xC0, (byte) 0xAF));
    cases.put("raw control character (0x01) in a skipped string", rawInSkipped((byte) 0x01));
    cases.put("raw control character (0x01) in a read string (image)", rawInImage((byte) 0x01));
    cases.put(
        "lone surrogate escape \\ud800 in the image",
        review("\"u-1\"", "\"nginx\\ud800\"", "\"v\"", ""));
    cases.put("bad literal in a skipped field (tru)", review("\"u-1\"", "\"nginx:1\"", "tru", ""));
    cases.put(
        "bad literal in a skipped field (nul1)", review("\"u-1\"", "\"nginx:1\"", "nul1", ""));
    cases.put("NaN in a skipped field", review("\"u-1\"", "\"nginx:1\"", "NaN", ""));
    cases.put("number 01 in a skipped field", review("\"u-1\"", "\"nginx:1\"", "01", ""));
    cases.put("number 1. in a skipped field", review("\"u-1\"", "\"nginx:1\"", "1.", ""));
    cases.put(
        "60-digit integer in a skipped field",
        review("\"u-1\"", "\"nginx:1\"", "1".repeat(60), ""));
    cases.put(
        "150-digit integer in a skipped field",
        review("\"u-1\"", "\"nginx:1\"", "1".repeat(150), ""));
    cases.put("1e400 in a skipped field", review("\"u-1\"", "\"nginx:1\"", "1e400", ""));
    cases.put("uid given as a number (123)", review("123", "\"nginx:1\"", "\"v\"", ""));
    cases.put("image given as true", review("\"u-1\"", "true", "\"v\"", ""));
    cases.put(
        "single-quoted string in a skipped field", review("\"u-1\"", "\"nginx:1\"", "'v'", ""));
    cases.put("comment in a skipped field", review("\"u-1\"", "\"nginx:1\"", "/*c*/\"v\"", ""));
    cases.put("missing comma between skipped fields", review(",\"x\":1 \"y\":2"));
    cases.put("trailing comma in a skipped array", review(",\"x\":[1,2,]"));
    // The spec is at depth 4, so an array nested n deep in it takes the body to depth 4 + n.
    cases.put(
        "body nested 100 deep (the limit), in a skipped field", review(",\"x\":" + nested(96)));
    cases.put("body nested 101 deep, in a skipped field", review(",\"x\":" + nested(97)));
    cases.put("body nested 2,000 deep, in a skipped field", review(",\"x\":" + nested(2_000)));
    cases.put("body nested 100,000 deep, in a skipped field", review(",\"x\":" + nested(100_000)));
    cases.put(
        "body nested 100,000 deep, unclosed, in a skipped field",
        review(",\"x\":" + "[".repeat(100_000)));
    cases.put("257 containers", review(",\"initContainers\":" + containers(257)));
    cases.put("256 containers", review(",\"initContainers\":" + containers(256)));
    cases.put(
        "a million empty objects in a skipped list",
        review(",\"volumes\":[" + "{},".repeat(1_000_000) + "{}]"));
    return cases;
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private static String containers(int n) {
    var s = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":\"x\"}");
    }
    return s.append(']').toString();
  }

  private static byte[] concat(byte[] a, String b) {
    byte[] tail = b.getBytes(StandardCharsets.UTF_8);
    byte[] out = java.util.Arrays.copyOf(a, a.length + tail.length);
    System.arraycopy(tail, 0, out, a.length, tail.length);
    return out;
  }
}
