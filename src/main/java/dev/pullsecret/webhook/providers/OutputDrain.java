package dev.pullsecret.webhook.providers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Reads one output of a credential-provider plugin on a thread of its own, keeping at most {@code
 * limit} bytes; past it, kills the plugin (an endless stream is not an answer) and reads on only to
 * let it die.
 */
final class OutputDrain {
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  final int limit;
  final String name;
  private final Thread thread;
  private volatile boolean overflowed;

  OutputDrain(Process process, InputStream in, int limit, String name) {
    this.limit = limit;
    this.name = name;
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .name("credential-provider-" + name)
            .start(() -> read(process, in));
  }

  private void read(Process process, InputStream in) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (overflowed) {
          continue;
        }
        synchronized (kept) {
          kept.write(buffer, 0, Math.min(n, limit + 1 - kept.size()));
          if (kept.size() > limit) {
            overflowed = true;
            ProviderPlugin.kill(process);
          }
        }
      }
    } catch (IOException e) {
      // closed under it: whatever was read is kept
    }
  }

  /** Waits until the stream is closed; false if it is still open after {@code grace}. */
  boolean await(Duration grace) {
    try {
      return thread.join(grace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  boolean overflowed() {
    return overflowed;
  }

  byte[] bytes() {
    synchronized (kept) {
      return kept.toByteArray();
    }
  }
}
