package dev.pullsecret.webhook.testing;

import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the API server reads from files, as {@code ../shared/kube/start.sh} makes it with openssl: a
 * CA and its serving certificate (valid for 127.0.0.1 and the {@code kubernetes} Service names), an
 * RSA key pair that signs and verifies ServiceAccount tokens, and a static token file with one
 * token per user.
 *
 * @param users each user's bearer token
 */
record KubePki(CertificateSet certificates, Path dir, Map<String, String> users) {

  static final String CA_CRT = "ca.crt";
  static final String SERVING_CRT = "apiserver.crt";
  static final String SERVING_KEY = "apiserver.key";
  static final String SA_KEY = "sa.key";
  static final String SA_PUB = "sa.pub";
  static final String TOKENS = "tokens.csv";

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Writes the files into {@code dir}: {@code admin} in {@code system:masters}, each of {@code
   * users} in no group (only {@code system:authenticated}, which every token user gets), so that
   * only the RBAC a test binds gives them rights.
   */
  static KubePki write(Path dir, String admin, List<String> users) throws IOException {
    Files.createDirectories(dir);
    var certificates =
        CertificateGenerator.generate(
            new CertificateSpec(
                "kubernetes",
                "default",
                List.of("localhost"),
                List.of("127.0.0.1", "10.0.0.1"),
                Duration.ofDays(2),
                KeyAlgorithm.ECDSA_P256),
            Clock.systemUTC());
    write(dir.resolve(CA_CRT), PemFiles.toPem(certificates.caCertificate()));
    write(dir.resolve(SERVING_CRT), PemFiles.toPem(certificates.servingCertificate()));
    write(dir.resolve(SERVING_KEY), PemFiles.toPem(certificates.servingKey()));

    KeyPair serviceAccounts = KeyAlgorithm.RSA_2048.generateKeyPair(RANDOM);
    write(dir.resolve(SA_KEY), PemFiles.toPem(serviceAccounts.getPrivate()));
    write(
        dir.resolve(SA_PUB),
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(serviceAccounts.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");

    var tokens = new LinkedHashMap<String, String>();
    var lines = new StringBuilder();
    tokens.put(admin, token());
    // token,user,uid,"group,group": the format of --token-auth-file
    lines.append("%s,%s,%s-uid,\"system:masters\"\n".formatted(tokens.get(admin), admin, admin));
    for (String user : users) {
      tokens.put(user, token());
      lines.append("%s,%s,%s-uid\n".formatted(tokens.get(user), user, user));
    }
    write(dir.resolve(TOKENS), lines.toString());
    return new KubePki(certificates, dir, Map.copyOf(tokens));
  }

  String caPem() {
    return PemFiles.toPem(certificates.caCertificate());
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  private static String token() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.US_ASCII);
  }

  /** Keeps the tokens and keys out of assertion messages. */
  @Override
  public String toString() {
    return "KubePki[" + dir + ", users=" + users.keySet() + "]";
  }
}
