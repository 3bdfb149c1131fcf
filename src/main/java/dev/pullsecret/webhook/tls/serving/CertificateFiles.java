package dev.pullsecret.webhook.tls.serving;

import dev.pullsecret.webhook.files.BoundedFiles;
import dev.pullsecret.webhook.files.FileReloader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
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
    implements FileReloader.Source<LoadedCertificates> {

  /** Stands for a missing file in the digest, distinct from an empty one. */
  private static final long ABSENT = -1;

  /** Stands for a file that exists but cannot be read (permissions, a directory). */
  private static final long UNREADABLE = -2;

  /**
   * SHA-256 over every file's content, length-prefixed so contents cannot run into each other; the
   * loader says why a file is missing or unreadable.
   */
  @Override
  public String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path file :
          Stream.of(certFile, keyFile, clientCaFile).filter(Objects::nonNull).toList()) {
        byte[] content = read(file);
        long length = content != null ? content.length : Files.exists(file) ? UNREADABLE : ABSENT;
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(length).array());
        if (content != null) {
          sha.update(content);
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** Reads and checks every file ({@link ServingIdentity#load}), or throws the refusal. */
  @Override
  public LoadedCertificates load(LoadedCertificates previous) {
    ServingIdentity identity = ServingIdentity.load(certFile, keyFile, clock);
    List<X509Certificate> clientCas =
        clientCaFile == null ? List.of() : PemFileReader.certificates(clientCaFile);
    return new LoadedCertificates(identity, clientCas, certFile, clock.instant());
  }

  /** The cert and key file, as shown in logs. */
  String describe() {
    return certFile.equals(keyFile) ? certFile.toString() : certFile + " and " + keyFile;
  }

  /** The content, or null when the file cannot be read or is too large to be a PEM file. */
  private static byte[] read(Path file) {
    try {
      return BoundedFiles.read(file, BoundedFiles.PEM_LIMIT);
    } catch (IOException e) {
      return null;
    }
  }
}
