package dev.pullsecret.webhook.admission;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pullsecret.webhook.text.StrictJson;
import dev.pullsecret.webhook.text.Text;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads admission.k8s.io/v1 AdmissionReview requests and writes the responses, with one Jackson
 * mapper that binds only the fields the webhook uses ({@link PodFields}), with parser limits so a
 * hostile body cannot exhaust the stack or the heap.
 *
 * <p>A hand-written byte scanner was measured at about half the decoding time (10.7 against 24 us
 * for a typical 9 KB review) and deliberately not kept: a second JSON grammar in the path of every
 * pod creation is a parser-differential risk, and the saving is small next to the TLS floor.
 */
public final class AdmissionReviewCodec {

  static final String API_VERSION = "admission.k8s.io/v1";
  static final String KIND = "AdmissionReview";

  /** Real pods nest about 15 levels deep (managedFields included); 100 leaves room, not risk. */
  private static final int MAX_NESTING_DEPTH = 100;

  private final JsonMapper mapper;

  public AdmissionReviewCodec(int maxBodyBytes) {
    var constraints =
        StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxStringLength(maxBodyBytes)
            .maxDocumentLength(maxBodyBytes)
            .maxNumberLength(100)
            .build();
    // No property-name symbol table: Jackson keeps the names a parse met in a table shared by all
    // later parses (up to 6,000 names, each up to 50,000 characters), and every parse that meets a
    // new name copies it; reviews carrying made-up long names would fill the heap across requests,
    // out of reach of the in-flight budget. Without it nothing outlives a review; Jackson then
    // reads text, so the body is decoded as it is read, strictly (see utf8).
    var factory =
        JsonFactory.builder()
            .streamReadConstraints(constraints)
            .disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES)
            .build();
    this.mapper =
        PodFields.bindOnlyReadFields(JsonMapper.builder(factory))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) // decode checks, saying so
            .build();
  }

  record Envelope(String apiVersion, String kind, AdmissionRequest request) {}

  /**
   * @throws MalformedReviewException with a message fit to send back, if the body is not a v1
   *     AdmissionReview request with a uid
   */
  public AdmissionRequest decode(byte[] body) {
    Envelope envelope;
    try (JsonParser parser = mapper.createParser(utf8(body))) {
      envelope = mapper.readValue(parser, Envelope.class);
      // Told apart here: Jackson's own check calls it a value of the wrong type.
      if (parser.nextToken() != null) {
        throw new MalformedReviewException(
            "body is not a JSON AdmissionReview: content after the review"
                + StrictJson.where(parser.currentTokenLocation()));
      }
    } catch (JacksonException e) {
      if (malformedUtf8(e)) {
        throw new MalformedReviewException(
            "body is not valid UTF-8 (at byte " + malformedAt(body) + ")");
      }
      throw new MalformedReviewException(e);
    }
    if (envelope == null) {
      throw new MalformedReviewException("body is empty (JSON null)");
    }
    if (!KIND.equals(envelope.kind())) {
      throw new MalformedReviewException(
          "kind must be " + KIND + ", got " + quote(envelope.kind()));
    }
    if (!API_VERSION.equals(envelope.apiVersion())) {
      throw new MalformedReviewException(
          "apiVersion must be "
              + API_VERSION
              + " (register the webhook with admissionReviewVersions: [v1]), got "
              + quote(envelope.apiVersion()));
    }
    AdmissionRequest request = envelope.request();
    if (request == null) {
      throw new MalformedReviewException("the review has no request");
    }
    if (request.uid() == null || request.uid().isBlank()) {
      throw new MalformedReviewException("request.uid is missing: the response could not echo it");
    }
    return request;
  }

  /**
   * The body as text, read as Jackson goes, refusing malformed UTF-8 (JSON's encoding, RFC 8259),
   * which the JDK's decoding would replace with U+FFFD and go on: the decoder stops Jackson with a
   * {@link CharacterCodingException}. Not decoded into a string first: that string is the body
   * again, twice its size once one character is past U+00FF (and copied twice while made), heap the
   * in-flight budget did not count (InFlightBudget.answerCost).
   */
  private static Reader utf8(byte[] body) {
    return new InputStreamReader(
        new ByteArrayInputStream(body), StandardCharsets.UTF_8.newDecoder());
  }

  /** Whether {@code error} is the decoder's (databind may wrap the parser's error in its own). */
  private static boolean malformedUtf8(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof CharacterCodingException) {
        return true;
      }
    }
    return false;
  }

  /** Where the first malformed sequence of {@code body} starts (a refusal's message). */
  private static int malformedAt(byte[] body) {
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(8192);
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    while (!decoder.decode(in, out, true).isError() && in.hasRemaining()) {
      out.clear();
    }
    return in.position();
  }

  private record Review(String apiVersion, String kind, Response response) {}

  /** A member without a value is left out. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private record Response(
      String uid,
      boolean allowed,
      Status status,
      Map<String, String> auditAnnotations,
      List<String> warnings,
      String patchType,
      byte[] patch) {}

  private record Status(int code, String reason, String message) {}

  /** The response, from a few records, not fabric8's objects ({@code EncodeTest} compares). */
  public byte[] encode(AdmissionDecision decision) {
    boolean denies = decision.reason().denies();
    return mapper.writeValueAsBytes(
        new Review(
            API_VERSION,
            KIND,
            new Response(
                decision.uid(),
                !denies,
                denies ? new Status(403, "Forbidden", decision.refusal()) : null,
                new TreeMap<>(decision.auditAnnotations()),
                decision.shownWarnings(),
                decision.isPatched() ? "JSONPatch" : null,
                // Standard base64 with padding and no line breaks (Jackson's default), as the API
                // server decodes it.
                decision.isPatched() ? mapper.writeValueAsBytes(decision.patch()) : null)));
  }

  /** The value comes from the body and the refusal is logged: escaped and bounded. */
  private static String quote(String value) {
    return value == null ? "nothing" : Text.quote(value);
  }
}
