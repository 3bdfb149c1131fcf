package dev.pullsecret.webhook.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.image.RegistryPattern;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fuzz targets of pull-secret checks, which read content that anyone with write access to a source
 * Secret controls. A normal build runs them on the committed seeds (under {@code
 * DockerConfigFuzzTestInputs/<method>/}); {@code JAZZER_FUZZ=1} fuzzes one of them.
 */
class DockerConfigFuzzTest {

  private static final String[] TYPES = {
    PullSecretCheck.DOCKER_CONFIG_JSON, PullSecretCheck.DOCKERCFG, "Opaque"
  };
  private static final List<RegistryPattern> REGISTRIES =
      List.of("docker.io", "*.pkg.dev", "registry.corp:5000/team", "ghcr.io").stream()
          .map(RegistryPattern::parse)
          .toList();
  private static final List<ImageReference> IMAGES =
      List.of("nginx", "bitnami/redis:7", "europe-docker.pkg.dev/p/r/app", "localhost/app").stream()
          .map(ImageReference::parse)
          .toList();

  /**
   * First byte: the type, and whether the rest is the content (encoded for the API) or the data
   * value as is. Any input is read or reported with located, bounded messages; nothing throws.
   */
  @FuzzTest
  void anySecretContentIsReadOrReported(byte[] input) {
    if (input.length == 0) {
      return;
    }
    String type = TYPES[(input[0] & 0xff) % TYPES.length];
    boolean raw = (input[0] & 0x80) != 0;
    byte[] content = Arrays.copyOfRange(input, 1, input.length);
    String key =
        type.equals(PullSecretCheck.DOCKERCFG)
            ? PullSecretCheck.DOCKERCFG_KEY
            : PullSecretCheck.DOCKER_CONFIG_JSON_KEY;
    String value =
        raw
            ? new String(content, StandardCharsets.UTF_8)
            : Base64.getEncoder().encodeToString(content);

    PullSecretCheck check = PullSecretCheck.of(type, Map.of(key, value), REGISTRIES);

    assertThat(check.problems())
        .allSatisfy(p -> assertThat(p.message()).isNotBlank().hasSizeLessThan(2000));
    for (ImageReference image : IMAGES) {
      check
          .config()
          .credentialFor(image)
          .ifPresent(c -> assertThat(check.config().credentials()).contains(c));
    }
  }

  /**
   * {@code key\npattern\nimage}: when the key covers the pattern, the kubelet finds a credential
   * for every image the pattern matches (images in lower case without leading zeros in the port,
   * and not written with registry-1.docker.io, as {@link DockerConfig#covers} documents).
   */
  @FuzzTest
  void coveredPatternGivesACredentialForEveryImageItMatches(byte[] input) {
    String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", 3);
    if (lines.length < 3) {
      return;
    }
    DockerConfig config = Configs.withKeys(lines[0]);
    RegistryPattern pattern;
    ImageReference image;
    try {
      pattern = RegistryPattern.parse(lines[1]);
      image = ImageReference.parse(lines[2]);
    } catch (InvalidImageSyntaxException e) {
      return;
    }
    boolean covered = config.covers(pattern);
    boolean plainImage =
        image.domain().equals(image.domain().toLowerCase(Locale.ROOT))
            && !image.domain().equals("registry-1.docker.io")
            && !image.domain().matches(".*:0[0-9]*")
            && !lines[1].matches("[^/]*:0.*");
    if (covered && plainImage && pattern.matches(image)) {
      assertThat(config.credentialFor(image)).as("%s covers %s", lines[0], pattern).isPresent();
    }
  }
}
