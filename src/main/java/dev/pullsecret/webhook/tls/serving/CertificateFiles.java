package dev.pullsecret.webhook.tls.serving;

import dev.pullsecret.webhook.files.BoundedFiles;
import dev.pullsecret.webhook.files.FileReloader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The files the admission port serves TLS from: certificate chain, key and, for mutual TLS, the CA
 * that signs client certificates. Identified by a digest of their bytes, so a poller can tell new
 * content from old without keeping key material around.
 *
 * @param clientCaFile null unless client certificates are required
 * @param clock the time the certificates must be valid at when loaded
 */
record CertificateFiles(Path certFile, Path keyFile, Path clientCaFile, Clock clock)
    implements FileReloader.Source<CertificateFiles.Loaded> {

  /**
   * Certificates checked and put in force on the admission port.
   *
   * @param clientCas CAs whose client certificates are accepted; empty when mTLS is off
   * @param loadedAt when they were put in force
   */
  record Loaded(ServingIdentity identity, List<X509Certificate> clientCas, Instant loadedAt) {}

  /**
   * The SHA-256 of each file's content, or a marker for a file that is missing or cannot be read
   * (permissions, a directory, too large): the loader says why.
   */
  @Override
  public String digest() {
    return Stream.of(certFile, keyFile, clientCaFile)
        .filter(Objects::nonNull)
        .map(CertificateFiles::digest)
        .collect(Collectors.joining(" "));
  }

  /** Reads and checks every file ({@link ServingIdentity#load}), or throws the refusal. */
  @Override
  public Loaded load(Loaded previous) {
    ServingIdentity identity = ServingIdentity.load(certFile, keyFile, clock);
    List<X509Certificate> clientCas =
        clientCaFile == null ? List.of() : PemFileReader.certificates(clientCaFile);
    return new Loaded(identity, clientCas, clock.instant());
  }

  /** The cert and key file, as shown in logs. */
  String describe() {
    return certFile.equals(keyFile) ? certFile.toString() : certFile + " and " + keyFile;
  }

  private static String digest(Path file) {
    try {
      byte[] content = BoundedFiles.read(file, BoundedFiles.PEM_LIMIT);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (IOException e) {
      return Files.exists(file) ? "unreadable" : "absent";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
