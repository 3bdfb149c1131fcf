package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.text.Text;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one output of a plugin on a thread of its own, keeping at most {@code limit} bytes; past
 * it, kills the plugin ({@link ProviderPlugin} says why) and reads on only to let it die.
 */
final class OutputDrain {
  private static final String REDACTED = "<redacted>";
  private static final Pattern RUN = Pattern.compile("[A-Za-z0-9+/=_.\\-]{20,}");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{32,}");

  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final int limit;
  private final String name;
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

  void refuseOverflow() throws PluginFailure {
    if (overflowed) {
      throw new PluginFailure(
          PluginFailure.Kind.OUTPUT_TOO_LARGE,
          "it wrote more than %d bytes to its %s: killed, its output not read"
              .formatted(limit, name));
    }
  }

  byte[] bytes() {
    synchronized (kept) {
      return kept.toByteArray();
    }
  }

  /**
   * What of the output (a plugin's standard error) may follow a failure's message: nothing when it
   * is blank, else the output quoted and bounded ({@link Text#quote}), with every known credential
   * and everything shaped like a token replaced by {@code <redacted>}. A plugin's diagnostics are
   * usually plain words (access denied, a file not found, a missing variable), which are kept; one
   * that prints a token or a request dump must not put it into Events or logs. Shaped like a token:
   * a run of 20 or more characters of base64, base64url or JWT mixing digits, lower and upper case
   * (words, paths and host names do not), or 32 or more hex digits.
   */
  String diagnostics(Collection<String> secrets) {
    String redacted = new String(bytes(), StandardCharsets.UTF_8).strip();
    if (redacted.isEmpty()) {
      return "";
    }
    for (String secret : secrets) {
      if (secret.length() >= 4) {
        redacted = redacted.replace(secret, REDACTED);
      }
    }
    String out =
        RUN.matcher(redacted)
            .replaceAll(
                run -> Matcher.quoteReplacement(tokenLike(run.group()) ? REDACTED : run.group()));
    return "; its standard error: " + Text.quote(out);
  }

  private static boolean tokenLike(String run) {
    return HEX.matcher(run).find()
        || (run.chars().anyMatch(Character::isDigit)
            && run.chars().anyMatch(Character::isLowerCase)
            && run.chars().anyMatch(Character::isUpperCase));
  }
}
