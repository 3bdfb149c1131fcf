package dev.pullsecret.webhook.image;

import static dev.pullsecret.webhook.image.SyntaxAssertions.assertInvalid;
import static dev.pullsecret.webhook.image.SyntaxAssertions.assertRejected;
import static dev.pullsecret.webhook.image.SyntaxAssertions.assertRejectsNullAsEmpty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

  private static final String DIGEST =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @ParameterizedTest(name = "{0}")
  @CsvFileSource(resources = "/image/references.csv", quoteCharacter = '\'')
  void validReferenceParsesIntoNormalisedComponents(
      String input, String domain, String path, String tag, String digest) {
    ImageReference reference = ImageReference.parse(input);

    assertThat(reference)
        .extracting(
            ImageReference::domain,
            ImageReference::path,
            ImageReference::tag,
            ImageReference::digest)
        .containsExactly(domain, path, tag, digest);
  }

  @ParameterizedTest(name = "{0}")
  @CsvFileSource(resources = "/image/references.csv", quoteCharacter = '\'')
  void canonicalFormParsesBackToAnEqualReference(
      String input, String domain, String path, String tag, String digest) {
    ImageReference reference = ImageReference.parse(input);

    String canonical = reference.toString();

    assertThat(canonical)
        .isEqualTo(
            domain
                + "/"
                + path
                + (tag == null ? "" : ":" + tag)
                + (digest == null ? "" : "@" + digest));
    assertThat(ImageReference.parse(canonical)).isEqualTo(reference);
  }

  @ParameterizedTest(name = "{0}")
  @CsvFileSource(resources = "/image/invalid-references.csv", quoteCharacter = '\'')
  void invalidReferenceIsRejectedWithAMessageSayingWhy(String input, String error) {
    assertRejected("image reference", input, () -> ImageReference.parse(input), error);
  }

  @Test
  void messageQuotesTheInputAndGivesTheReason() {
    assertThatThrownBy(() -> ImageReference.parse("Nginx"))
        .hasMessage("invalid image reference \"Nginx\": repository name must be lowercase");
  }

  @Test
  void messageEscapesControlCharactersOfTheInput() {
    assertThatThrownBy(() -> ImageReference.parse("nginx\n\"forged\"\u0007"))
        .hasMessageStartingWith("invalid image reference \"nginx\\n\\\"forged\\\"\\u0007\": ");
  }

  @Test
  void nullIsRejectedAsEmpty() {
    assertRejectsNullAsEmpty(
        () -> ImageReference.parse(null), "invalid image reference null: reference is empty");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "nginx,                        docker.io",
    "localhost/app,                localhost",
    "localhost:5000/app,           localhost:5000",
    "registry.corp:5000/team/app,  registry.corp:5000",
    "Registry.Example.com/app,     Registry.Example.com",
    "[::1]:5000/app,               [::1]:5000",
    "[2001:db8::1]/app:1,          [2001:db8::1]",
  })
  void domainIsTheHostAndPortAsWritten(String input, String domain) {
    assertThat(ImageReference.parse(input).domain()).isEqualTo(domain);
  }

  @Test
  void repositoryIsTheNameWithoutTagAndDigest() {
    ImageReference reference = ImageReference.parse("registry.corp:5000/team/app:1@" + DIGEST);

    assertThat(reference.repository()).isEqualTo("registry.corp:5000/team/app");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "nginx,                               true",
    "index.docker.io/bitnami/redis,       true",
    "docker.io/library/nginx,             true",
    "gcr.io/project/app,                  false",
    "registry-1.docker.io/library/nginx,  false",
  })
  void dockerHubIsTheNormalisedDomainDockerIo(String input, boolean dockerHub) {
    assertThat(ImageReference.parse(input).isDockerHub()).isEqualTo(dockerHub);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "nginx,                 false, false, true",
    "nginx:latest,          true,  false, true",
    "nginx:Latest,          true,  false, false",
    "nginx:1.27,            true,  false, false",
    "nginx@" + DIGEST + ",        false, true,  false",
    "nginx:latest@" + DIGEST + ", true,  true,  false",
  })
  void untaggedOrLatestMeansNoDigestAndNoTagOrTagLatest(
      String input, boolean hasTag, boolean hasDigest, boolean untaggedOrLatest) {
    ImageReference reference = ImageReference.parse(input);

    assertThat(reference.hasTag()).isEqualTo(hasTag);
    assertThat(reference.hasDigest()).isEqualTo(hasDigest);
    assertThat(reference.isUntaggedOrLatest()).isEqualTo(untaggedOrLatest);
  }

  @Test
  void absentTagIsNotTurnedIntoLatest() {
    ImageReference reference = ImageReference.parse("nginx");

    assertThat(reference.tag()).isNull();
    assertThat(reference).hasToString("docker.io/library/nginx");
  }

  /** A mirror's rewrite builds the reference from its parts: validated and normalised as parse. */
  @Test
  void aReferenceBuiltFromPartsKeepsTagAndDigest() {
    ImageReference mirrored =
        new ImageReference("mirror.local:5000", "cache/gcr/p/app", "v1", DIGEST);

    assertThat(mirrored).hasToString("mirror.local:5000/cache/gcr/p/app:v1@" + DIGEST);
    assertThat(new ImageReference("[::1]:5000", "p/app", "1", null))
        .isEqualTo(ImageReference.parse("[::1]:5000/p/app:1"));
  }

  @Test
  void aReferenceBuiltOnDockerHubNormalisesLikeParse() {
    assertThat(new ImageReference("index.docker.io", "app", "1", null))
        .isEqualTo(ImageReference.parse("app:1"));
  }

  @Test
  void aReferenceBuiltWithATooLongPathIsRefused() {
    assertInvalid(
            () -> new ImageReference("mirror.example.com", "mirror/" + "a".repeat(250), "1", null))
        .hasMessageContaining("must not be more than 255 characters");
  }

  @ParameterizedTest(name = "{0} [{1}]")
  @CsvSource({
    "path prefix,   /dockerhub,      has an empty component",
    "path prefix,   dockerhub/,      has an empty component",
    "path prefix,   DockerHub,       repository name must be lowercase",
    "path prefix,   docker..hub,     invalid repository path component \"docker..hub\"",
    "domain,         registry,        would be read as a Docker Hub namespace",
    "domain,         mirror_1.corp,   invalid registry domain \"mirror_1.corp\"",
    "domain,         mirror.corp:,    invalid port",
    "domain,         https://mirror,  registry domain must not include a scheme",
    "tag,            -1,              invalid tag \"-1\"",
  })
  void derivedReferenceThatWouldNotParseBackIsRejected(String part, String value, String error) {
    ImageReference reference = ImageReference.parse("nginx:1");

    assertInvalid(() -> derive(reference, part, value)).hasMessageContaining(error);
  }

  @ParameterizedTest(name = "{0} [{1}]")
  @CsvSource({
    "domain,  registry,  registry/library/nginx",
    "tag,     -1,        docker.io/library/nginx:-1",
  })
  void rejectedDerivationQuotesTheReferenceItWouldHaveBuilt(
      String part, String value, String built) {
    ImageReference reference = ImageReference.parse("nginx");

    assertInvalid(() -> derive(reference, part, value))
        .hasMessageStartingWith("invalid image reference \"" + built + "\": ");
  }

  @Test
  void withTagReplacesTheTagAndKeepsTheDigest() {
    ImageReference reference = ImageReference.parse("nginx:1@" + DIGEST);

    ImageReference retagged = reference.withTag("2");

    assertThat(retagged).hasToString("docker.io/library/nginx:2@" + DIGEST);
  }

  @Test
  void withTagNullRemovesTheTag() {
    ImageReference reference = ImageReference.parse("nginx:1");

    assertThat(reference.withTag(null)).isEqualTo(ImageReference.parse("nginx"));
  }

  @Test
  void constructorNormalisesDockerHubLikeParse() {
    ImageReference constructed = new ImageReference("index.docker.io", "nginx", "1", null);

    assertThat(constructed).isEqualTo(ImageReference.parse("nginx:1"));
  }

  @Test
  void constructorRejectsAMissingDomain() {
    assertInvalid(() -> new ImageReference(null, "app", null, null))
        .hasMessageContaining("registry domain is missing");
  }

  @Test
  void quotesALongInputOnlyInPartSoTheWarningStaysReadable() {
    String input = "Upper/" + "a".repeat(10_000);

    assertInvalid(() -> ImageReference.parse(input))
        .hasMessageStartingWith("invalid image reference \"Upper/aaa")
        .hasMessageContaining("...\" (10006 characters): ")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(256));
  }

  /**
   * A review may carry an image of megabytes: the grammar's repeated groups make java.util.regex
   * recurse once per repetition, so matching one ended the request in a StackOverflowError (a 500
   * and a thousand-line stack trace in the log) instead of refusing the image.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "domain,           registry host must not be more than 253 characters",
    "path,             repository path must not be more than 255 characters",
    "hub path,         repository path must not be more than 255 characters",
    "digest algorithm, digest algorithm must not be more than 255 characters",
  })
  void aHugeComponentIsRefusedWithoutOverflowingTheStack(String part, String error) {
    String dots = "a" + ".a".repeat(500_000);
    String input =
        switch (part) {
          case "domain" -> dots + "/app";
          case "path" -> "registry.corp/" + dots.replace('.', '_');
          case "hub path" -> dots;
          case "digest algorithm" -> "app@" + dots + ":" + "0".repeat(64);
          default -> throw new IllegalArgumentException(part);
        };

    assertInvalid(() -> ImageReference.parse(input)).hasMessageContaining(error);
  }

  /**
   * A digest of a made-up algorithm had no length limit, so an image of megabytes was valid, and
   * what is kept per image (the digests' cache, a failure cached for a mirror that refused it) grew
   * with it: 17 reviews of such an image under a `when: present` mirror ended the process with an
   * OutOfMemoryError (160 MiB heap).
   */
  @Test
  void aDigestLongerThanAnyAlgorithmsIsRefused() {
    assertThat(ImageReference.parse("app@x1:" + "0".repeat(256)).digest()).hasSize(259);
    assertInvalid(() -> ImageReference.parse("app@x1:" + "0".repeat(3_000_000)))
        .hasMessageContaining("digest must not be more than 256 hex characters");
  }

  /**
   * {@code reference} with {@code value} as its new {@code part}, as a mirror's rewrite (a path
   * prefix on a mirror's domain, or another domain) or a pinned tag makes one.
   */
  private static ImageReference derive(ImageReference reference, String part, String value) {
    return switch (part) {
      case "path prefix" ->
          new ImageReference(
              "mirror.example.com",
              value + "/" + reference.path(),
              reference.tag(),
              reference.digest());
      case "domain" ->
          new ImageReference(value, reference.path(), reference.tag(), reference.digest());
      case "tag" -> reference.withTag(value);
      default -> throw new IllegalArgumentException("unknown part " + part);
    };
  }
}
