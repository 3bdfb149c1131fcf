package dev.pullsecret.webhook.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The stub credential provider plugin of the tests ({@code
 * src/test/resources/providers/stub/stub-credential-provider}, a bash script speaking the real exec
 * protocol) installed in a plugin directory under a provider's name, with the file that steers it:
 * answer, fail, hang, garbage, an endless stream, a wrong kind or version, an answer for another
 * registry; credentials that last seconds. See the script for its settings.
 */
public final class StubCredentialProvider {

  public static final String API_VERSION = "credentialprovider.kubelet.k8s.io/v1";

  private final Path binDir;
  private final String name;
  private final Map<String, String> settings = new LinkedHashMap<>();

  private StubCredentialProvider(Path binDir, String name) {
    this.binDir = binDir;
    this.name = name;
  }

  /** Installs the stub as {@code binDir/name}, executable, answering by default. */
  public static StubCredentialProvider install(Path binDir, String name) {
    try {
      Files.createDirectories(binDir);
      Path plugin = binDir.resolve(name);
      Files.write(plugin, Reviews.resource("providers/stub/stub-credential-provider"));
      Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var stub = new StubCredentialProvider(binDir, name);
    stub.write();
    return stub;
  }

  public Path binDir() {
    return binDir;
  }

  public String name() {
    return name;
  }

  /** Sets one setting of the script (BEHAVIOUR, CACHE_DURATION, USERNAMES...) for the next runs. */
  public StubCredentialProvider set(String setting, String value) {
    settings.put(setting, value);
    write();
    return this;
  }

  public StubCredentialProvider behaviour(String behaviour) {
    return set("BEHAVIOUR", behaviour);
  }

  /** How many times it has run. */
  public int runs() {
    String runs = read(".runs", "").strip();
    return runs.isEmpty() ? 0 : Integer.parseInt(runs); // empty while the script rewrites it
  }

  /** The process id of the child a hanging run waits for, once it has started it. */
  public java.util.OptionalLong child() {
    String pid = read(".child", "").strip();
    return pid.isEmpty()
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(Long.parseLong(pid));
  }

  /** How many runs started while another was going on. */
  public int overlaps() {
    return (int) read(".overlaps", "").lines().count();
  }

  /** The request of its last run. */
  public String lastRequest() {
    return read(".request", "");
  }

  /** The environment of its last run, as {@code NAME=value} lines. */
  public List<String> lastEnvironment() {
    return read(".env", "").lines().toList();
  }

  /**
   * A CredentialProviderConfig with this provider, made for {@code matchImages}, its credentials
   * lasting {@code defaultCacheDuration} unless it answers a cacheDuration, and {@code env}.
   */
  public String config(String matchImages, String defaultCacheDuration, Map<String, String> env) {
    String variables =
        env.entrySet().stream()
            .map(e -> "      - {name: " + e.getKey() + ", value: \"" + e.getValue() + "\"}\n")
            .collect(Collectors.joining());
    return """
        apiVersion: kubelet.config.k8s.io/v1
        kind: CredentialProviderConfig
        providers:
          - name: %s
            matchImages: ["%s"]
            defaultCacheDuration: "%s"
            apiVersion: %s
        """
            .formatted(name, matchImages, defaultCacheDuration, API_VERSION)
        + (variables.isEmpty() ? "" : "    env:\n" + variables);
  }

  private void write() {
    String conf =
        settings.entrySet().stream()
            .map(e -> e.getKey() + "='" + e.getValue() + "'\n")
            .collect(Collectors.joining());
    try {
      Files.writeString(binDir.resolve(name + ".conf"), conf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String read(String suffix, String absent) {
    Path file = binDir.resolve(name + suffix);
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : absent;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
