package dev.pullsecret.webhook.image;

/** Docker Hub's names, spelled here once: one registry that answers to three hosts. */
public final class DockerHub {

  /** The domain of every Docker Hub image once normalised. */
  public static final String DOMAIN = "docker.io";

  /** The legacy host, read as {@link #DOMAIN}: the key of the kubelet's Docker Hub fallback. */
  public static final String INDEX = "index.docker.io";

  /** The host that serves Docker Hub's registry API. */
  public static final String API = "registry-1.docker.io";

  /** The auths key that {@code docker login} writes for Docker Hub. */
  public static final String CONFIG_KEY = "https://" + INDEX + "/v1/";

  /** Where the official images live: {@code nginx} is {@code library/nginx}. */
  public static final String OFFICIAL_NAMESPACE = "library/";

  private static final String[] HOSTS = {DOMAIN, INDEX, API};

  private DockerHub() {}

  /** Whether {@code host} (no port) is one of Docker Hub's three hosts, ignoring case. */
  public static boolean isHost(String host) {
    return isHost(host, host.length());
  }

  /** Whether {@code domain[0, hostEnd)} is one of Docker Hub's hosts: no allocation. */
  static boolean isHost(String domain, int hostEnd) {
    for (String alias : HOSTS) {
      if (alias.length() == hostEnd && domain.regionMatches(true, 0, alias, 0, hostEnd)) {
        return true;
      }
    }
    return false;
  }
}
