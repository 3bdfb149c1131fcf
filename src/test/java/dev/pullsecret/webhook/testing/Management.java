package dev.pullsecret.webhook.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The management port of a running webhook (plain HTTP): health and Prometheus metrics. */
public final class Management {

  private Management() {}

  /** {@code GET http://localhost:PORT/PATH}. */
  public static HttpResponse<String> get(int managementPort, String path) {
    try (var client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path)).build(),
          BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The text of {@code /actuator/prometheus}. */
  public static String scrape(int managementPort) {
    return get(managementPort, "/actuator/prometheus").body();
  }

  /** The value of one series (name and labels exactly as exported) in a scrape, 0 when absent. */
  public static double value(String scrape, String series) {
    Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return value.find() ? Double.parseDouble(value.group(1)) : 0;
  }
}
