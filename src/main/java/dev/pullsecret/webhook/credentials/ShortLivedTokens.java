package dev.pullsecret.webhook.credentials;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Credentials that a registry issues for hours, not for good: copied as they are, they work on the
 * day they are made and fail silently once they expire. Recognised by the username each cloud's
 * tooling writes, and for Amazon and Azure by the registry host too (their usernames alone are not
 * conclusive):
 *
 * <ul>
 *   <li>Google: {@code oauth2accesstoken}, an access token ({@code gcloud auth
 *       print-access-token}), an hour, on any host (GCR, Artifact Registry, and mirrors of them);
 *   <li>Amazon ECR: {@code AWS} on {@code <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]} or
 *       {@code public.ecr.aws}, an authorization token ({@code aws ecr get-login-password}), 12
 *       hours;
 *   <li>Azure Container Registry: the all-zero GUID on {@code <name>.azurecr.io} (and the sovereign
 *       clouds' {@code .azurecr.cn}, {@code .azurecr.us}), an access token ({@code az acr login
 *       --expose-token}), 3 hours. Service principals and repository-scoped tokens, which have
 *       other usernames, do not expire so soon and are not reported.
 * </ul>
 *
 * The advice is the same for all three: a credential provider renews them before they expire
 * (docs/short-lived-credentials.md).
 */
final class ShortLivedTokens {

  static final String GCP_ACCESS_TOKEN = "oauth2accesstoken";
  static final String ECR_USER = "AWS";
  static final String ACR_TOKEN_USER = "00000000-0000-0000-0000-000000000000";

  /** {@code <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]}, or ECR Public. */
  private static final Pattern ECR =
      Pattern.compile(
          "[^.]*\\.dkr\\.ecr(-fips)?\\.[^.]*\\.amazonaws\\.com(\\.cn)?|public\\.ecr\\.aws");

  /** {@code <registry>.azurecr.io}, {@code .azurecr.cn} or {@code .azurecr.us}. */
  private static final Pattern ACR = Pattern.compile("[^.]*\\.azurecr\\.(io|cn|us)");

  private static final String ADVICE =
      "; renew it with a credential provider instead (a pull secret with `provider:`,"
          + " docs/short-lived-credentials.md)";

  private ShortLivedTokens() {}

  /**
   * The warning for an entry whose credential expires within hours, or null.
   *
   * @param shown the auths key as messages show it
   * @param key the parsed key, null when the kubelet ignores it (then only the host-free Google
   *     token is recognised)
   */
  static Problem check(String shown, RegistryKey key, String username) {
    String host =
        key == null ? "" : String.join(".", key.hostPort().labels()).toLowerCase(Locale.ROOT);
    String what;
    if (username.equals(GCP_ACCESS_TOKEN)) {
      what =
          "username "
              + GCP_ACCESS_TOKEN
              + ": a Google access token, valid for an hour, so copies of it stop working; use a"
              + " service-account key (username "
              + GcpKeys.JSON_KEY
              + ")";
    } else if (username.equals(ECR_USER) && ECR.matcher(host).matches()) {
      what =
          "username "
              + ECR_USER
              + " on an Amazon ECR registry: an authorization token (aws ecr get-login-password),"
              + " valid for 12 hours, so copies of it stop working";
    } else if (username.equals(ACR_TOKEN_USER) && ACR.matcher(host).matches()) {
      what =
          "the username of an Azure Container Registry access token (az acr login"
              + " --expose-token), valid for 3 hours, so copies of it stop working";
    } else {
      return null;
    }
    return new Problem(
        ProblemCode.SHORT_LIVED_TOKEN, "auths entry " + shown + " has " + what + ADVICE);
  }
}
