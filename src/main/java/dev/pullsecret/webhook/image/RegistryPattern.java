package dev.pullsecret.webhook.image;

/** TEMPORARY stand-in, replaced by the kubelet-style matcher from branch image. */
public final class RegistryPattern {
  private final String pattern;

  private RegistryPattern(String pattern) {
    this.pattern = pattern;
  }

  public static RegistryPattern parse(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      throw new InvalidRegistryPatternException("empty registry pattern");
    }
    return new RegistryPattern(pattern);
  }

  public boolean matches(ImageReference image) {
    String p = pattern.equals("index.docker.io") ? "docker.io" : pattern;
    String repo = image.domain() + "/" + image.path();
    return repo.equals(p) || repo.startsWith(p + "/");
  }

  @Override
  public String toString() {
    return pattern;
  }
}
