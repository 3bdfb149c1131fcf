package dev.pullsecret.webhook.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 keep-alive connection over TLS, opened the way the API server calls a webhook
 * Service: it connects to an address (here 127.0.0.1), sends the Service's host name {@code
 * <svc>.<ns>.svc} as SNI and verifies that name against the certificate's subjectAltNames.
 *
 * <p>Raw HTTP rather than {@code java.net.http.HttpClient}, which can neither connect to an address
 * other than the URL's host nor show which connection a request used: rotation tests need both.
 *
 * <p>One difference from Go remains: for a certificate without DNS subjectAltNames the JDK falls
 * back to the Common Name, Go does not. The webhook never serves such a certificate (its loader
 * refuses it), so tests show that refusal instead.
 */
public final class TlsHttpConnection implements Closeable {

  private final SSLSocket socket;
  private final String hostName;
  private final InputStream in;
  private final OutputStream out;

  private TlsHttpConnection(SSLSocket socket, String hostName) throws IOException {
    this.socket = socket;
    this.hostName = hostName;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to 127.0.0.1:{@code port} and completes the handshake for {@code hostName}. */
  public static TlsHttpConnection open(SSLContext context, String hostName, int port)
      throws IOException {
    return open(context, context.getDefaultSSLParameters(), hostName, port);
  }

  /**
   * As {@link #open(SSLContext, String, int)}, with protocols or suites set in {@code parameters}.
   */
  public static TlsHttpConnection open(
      SSLContext context, SSLParameters parameters, String hostName, int port) throws IOException {
    // TLS over an already connected socket: the JDK then takes hostName as the peer's name, so it
    // verifies that name only (given an address, it would fall back to checking "localhost").
    var tcp = new Socket(InetAddress.getLoopbackAddress(), port);
    try {
      tcp.setSoTimeout(10_000);
      // As Go's net.Dial (the API server's client) does: without it, a head and a body written
      // apart meet Nagle's algorithm and the server's delayed ACK, 40 ms on every request.
      tcp.setTcpNoDelay(true);
      var socket = (SSLSocket) context.getSocketFactory().createSocket(tcp, hostName, port, true);
      parameters.setServerNames(List.of(new SNIHostName(hostName)));
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return new TlsHttpConnection(socket, hostName);
    } catch (IOException | RuntimeException e) {
      tcp.close();
      throw e;
    }
  }

  /** How long a read may wait for the server (10 s from {@link #open}). */
  public TlsHttpConnection readTimeout(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    return this;
  }

  /** The certificate the server presented on this connection. */
  public X509Certificate serverCertificate() throws IOException {
    return (X509Certificate) socket.getSession().getPeerCertificates()[0];
  }

  public String protocol() {
    return socket.getSession().getProtocol();
  }

  public String cipherSuite() {
    return socket.getSession().getCipherSuite();
  }

  /**
   * Sends a POST with a JSON body on this connection and reads the whole response. The head and the
   * body go in one write, as the API server's Go client sends a review (one buffered flush).
   */
  public Response post(String path, byte[] json) throws IOException {
    byte[] head = postHead(path, json.length);
    byte[] request = Arrays.copyOf(head, head.length + json.length);
    System.arraycopy(json, 0, request, head.length, json.length);
    send(request);
    return readResponse();
  }

  /** The request line and headers of a JSON POST of {@code length} bytes, plus {@code extra}. */
  public byte[] postHead(String path, int length, String... extra) {
    var head =
        new StringBuilder("POST ")
            .append(path)
            .append(" HTTP/1.1\r\nHost: ")
            .append(hostName)
            .append("\r\nContent-Type: application/json\r\nContent-Length: ")
            .append(length)
            .append("\r\n");
    for (String header : extra) {
      head.append(header).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Sends raw bytes: part of a request, for tests that hold one half-sent. */
  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Waits up to {@code timeout} for the server to close this connection, sending nothing: true if
   * it did (end of stream or reset), false if the connection was still open at the end.
   */
  public boolean closedByServerWithin(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      int read = in.read();
      if (read != -1) {
        throw new IOException("the server sent data on an idle connection: " + (char) read);
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  public record Response(int status, Map<String, String> headers, byte[] body) {

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Reads one response (an interim {@code 100 Continue} too, which has no body). */
  public Response readResponse() throws IOException {
    String statusLine = readLine();
    if (statusLine == null) {
      throw new IOException("connection closed by the server before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    var headers = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
    for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    String encoding = headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT);
    byte[] body =
        encoding.contains("chunked")
            ? readChunked()
            : in.readNBytes(Integer.parseInt(headers.getOrDefault("Content-Length", "0")));
    return new Response(status, headers, body);
  }

  private byte[] readChunked() throws IOException {
    var body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      if (size == 0) {
        for (String trailer = readLine(); trailer != null && !trailer.isEmpty(); ) {
          trailer = readLine();
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine(); // the CRLF after each chunk
    }
  }

  private String readLine() throws IOException {
    var line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1; b = in.read()) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
