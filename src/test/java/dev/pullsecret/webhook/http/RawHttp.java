package dev.pullsecret.webhook.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** Requests written as bytes on a socket, as a misbehaving client sends them, and the answers. */
final class RawHttp {

  private RawHttp() {}

  /** The head of a review's POST announcing {@code contentLength} bytes of JSON. */
  static byte[] head(int contentLength) {
    return ("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + contentLength
            + "\r\n\r\n")
        .getBytes(US_ASCII);
  }

  /**
   * Everything the server sends until it closes the connection. A read that times out (the socket's
   * SO_TIMEOUT, longer than the bound) fails the test instead of hanging it.
   */
  static String readUntilClosed(Socket socket) throws IOException {
    var received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither answered nor closed: " + received, e);
    } catch (SocketException e) {
      // A reset after the answer (or instead of one) also ends the exchange.
    }
    return received.toString(UTF_8);
  }
}
