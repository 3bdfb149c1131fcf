package dev.pullsecret.webhook.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A directory laid out as the kubelet lays out a ConfigMap or Secret volume: each key is a symlink
 * {@code key -> ..data/key}, {@code ..data} is a symlink to a timestamped directory, and an update
 * writes a new directory and swaps {@code ..data} atomically with a rename.
 */
public final class ConfigMapVolume {

  private final Path dir;
  private final AtomicInteger version = new AtomicInteger();

  public ConfigMapVolume(Path dir) {
    this.dir = dir;
  }

  public Path path(String key) {
    return dir.resolve(key);
  }

  public synchronized void write(Map<String, byte[]> files) {
    try {
      Path versionDir = dir.resolve("..2026_11_23_" + version.incrementAndGet());
      Files.createDirectories(versionDir);
      for (var file : files.entrySet()) {
        Files.write(versionDir.resolve(file.getKey()), file.getValue());
      }
      Path tmp = dir.resolve("..data_tmp");
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, versionDir.getFileName());
      Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      for (String key : files.keySet()) {
        Path link = dir.resolve(key);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of("..data", key));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void write(String key, byte[] content) {
    write(Map.of(key, content));
  }
}
