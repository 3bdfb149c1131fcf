package dev.pullsecret.webhook.credentials;

import dev.pullsecret.webhook.credentials.Problem.Code;
import dev.pullsecret.webhook.credentials.RegistryKey.HostPort;
import dev.pullsecret.webhook.image.DockerHub;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.text.Text;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * The auths entries of a pull secret, looked up as the kubelet looks them up
 * (pkg/credentialprovider/keyring.go). Obtain one from {@link PullSecretCheck#config()}.
 *
 * <p>Lookup, for the image as the kubelet and {@link ImageReference} normalise it: every key whose
 * host matches the image's host label by label ({@code *} within one label, same number of labels),
 * whose port is the image's (no port matches no port), and whose path is a plain string prefix of
 * the image's path ({@code /team} matches {@code /teamfoo/app} too, as in the kubelet). The keys
 * are tried in reverse lexical order, so {@code quay.io/coreos} before {@code quay.io}. When no key
 * matches a Docker Hub image, the key {@code https://index.docker.io/v1/} (or any spelling whose
 * index key is {@code index.docker.io}) is used. Hence the Docker Hub spellings: {@code docker.io}
 * and {@code https://index.docker.io/v1/} work, {@code registry-1.docker.io} and {@code
 * index.docker.io/team} are never used for Docker Hub images. Host names compare case-sensitively,
 * as in Go.
 *
 * <p>Entries whose key is invalid are not looked up (the kubelet ignores them); entries without
 * credentials are, as empty credentials, since the kubelet uses them too.
 */
public final class DockerConfig {

  public static final DockerConfig EMPTY = new DockerConfig(List.of());

  private final List<RegistryCredential> credentials;

  /**
   * Index key to the first entry whose key the kubelet can use, reverse-sorted as the kubelet sorts
   * its index. Of several entries for one index key the secret's first is kept, where the kubelet's
   * choice is unpredictable ({@link Code#DUPLICATE_REGISTRY} warns of them).
   */
  private final SortedMap<String, AuthsEntry> index = new TreeMap<>(Collections.reverseOrder());

  /** Reads an auths map ({@link AuthsEntry#read}), reporting keys that are one registry. */
  static DockerConfig read(JsonNode auths, List<Problem> problems) {
    List<AuthsEntry> entries = new ArrayList<>();
    Map<String, List<String>> spellings = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> property : auths.properties()) {
      AuthsEntry entry = AuthsEntry.read(property.getKey(), property.getValue(), problems);
      if (entry != null) {
        entries.add(entry);
      }
      if (entry != null && entry.key() != null) {
        spellings
            .computeIfAbsent(entry.key().indexKey(), k -> new ArrayList<>())
            .add(RegistryKey.display(property.getKey()));
      }
    }
    spellings.forEach(
        (indexKey, written) -> {
          if (written.size() > 1) {
            problems.add(
                new Problem(
                    Code.DUPLICATE_REGISTRY,
                    """
                    auths keys %s are one registry for the kubelet (%s), which tries them in \
                    an unpredictable order; keep one"""
                        .formatted(String.join(", ", written), RegistryKey.display(indexKey))));
          }
        });
    return new DockerConfig(entries);
  }

  private DockerConfig(List<AuthsEntry> entries) {
    this.credentials = entries.stream().map(AuthsEntry::credential).toList();
    for (AuthsEntry entry : entries) {
      if (entry.key() != null) {
        index.putIfAbsent(entry.key().indexKey(), entry);
      }
    }
  }

  /** Every entry, valid key or not, in the order of the secret. */
  public List<RegistryCredential> credentials() {
    return credentials;
  }

  /**
   * The credential the kubelet would try first for the image (the most specific key's): the one a
   * registry client needs. Empty when no key applies: the kubelet would pull anonymously.
   */
  public Optional<RegistryCredential> credentialFor(ImageReference image) {
    return entryFor(image.domain(), "/" + image.path()).map(AuthsEntry::credential);
  }

  /**
   * Whether the kubelet would find a credential here for every image that the pattern (a {@code
   * registries:} entry of a pull secret) matches. One key must do it on its own: with {@code *} as
   * the only wildcard and prefixes for paths, several keys cannot share the work, except through
   * the Docker Hub fallback, which is taken into account.
   *
   * <p>For a pattern with a glob host, a key must cover every host the glob matches: {@code
   * *.pkg.dev} is covered by {@code *.pkg.dev} or {@code *.*.dev}, not by {@code
   * europe-docker.pkg.dev}, because a pod on {@code us-docker.pkg.dev} would then pull without
   * credentials. Docker Hub patterns (any of the {@link DockerHub} hosts) stand for images as
   * normalised on {@code docker.io}; the rare image written with {@code registry-1.docker.io} is
   * not considered. Pattern hosts are lower case, and so are taken to be the images' hosts.
   */
  public boolean covers(RegistryPattern pattern) {
    String authority = pattern.toString().split("/", 2)[0].toLowerCase(Locale.ROOT);
    if (DockerHub.isHost(authority)) {
      authority = DockerHub.DOMAIN;
    }
    return entryFor(authority, pattern.path().isEmpty() ? "" : "/" + pattern.path()).isPresent();
  }

  /** The error for a registry the pull secret is bound to that no key {@link #covers}. */
  Problem notCovered(RegistryPattern registry, String dataKey) {
    String keys = Text.joined(credentials, c -> RegistryKey.display(c.key()), ", ", 10);
    return new Problem(
        Code.REGISTRY_NOT_COVERED,
        """
        no auths key of %s covers registry %s that the pull secret is bound to (keys: %s); the \
        kubelet would pull its images without credentials. Add an auths entry for the registry: \
        same host (a * matches one label), same port, a path that is a prefix"""
            .formatted(Text.quote(dataKey), Text.quote(registry.toString()), keys));
  }

  /** The kubelet's choice: the first key covering domain and path, else the Docker Hub fallback. */
  private Optional<AuthsEntry> entryFor(String domain, String path) {
    HostPort target = HostPort.split(domain);
    for (AuthsEntry entry : index.values()) {
      if (entry.key().covers(target, path)) {
        return Optional.of(entry);
      }
    }
    // The kubelet's isDefaultRegistryMatch for a normalised image domain (never index.docker.io):
    // Docker Hub, and (a quirk kept for fidelity) any single-label host without port, such as
    // localhost.
    boolean defaultRegistry =
        domain.equals(DockerHub.DOMAIN) || (domain.indexOf('.') < 0 && domain.indexOf(':') < 0);
    return defaultRegistry ? Optional.ofNullable(index.get(DockerHub.INDEX)) : Optional.empty();
  }

  /**
   * The content of a {@code .dockerconfigjson} holding {@code credentials}: {@code {"auths": {key:
   * {"username", "password", "auth"}}}} as {@code docker login} writes it, keys sorted (the same
   * credentials always give the same bytes, so a copy's content hash changes only with them). A key
   * given twice keeps the first credential. {@link PullSecretCheck#ofDecoded} reads it back.
   */
  public static byte[] json(List<RegistryCredential> credentials) {
    Map<String, Written> auths = new TreeMap<>();
    for (RegistryCredential c : credentials) {
      auths.putIfAbsent(c.key(), new Written(c.username(), c.password(), c.auth()));
    }
    return PullSecretCheck.JSON.writeValueAsBytes(Map.of("auths", auths));
  }

  /** An auths entry as {@link #json} writes it, fields in this order. */
  record Written(String username, String password, String auth) {}

  /** Whether no entry has a key that the kubelet can use. */
  public boolean isEmpty() {
    return index.isEmpty();
  }

  /** The auths keys, never a credential. */
  @Override
  public String toString() {
    return "DockerConfig" + credentials.stream().map(c -> RegistryKey.display(c.key())).toList();
  }
}
