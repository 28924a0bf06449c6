package dev.operators.permissionset.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 request on a connection of {@link HttpListener} and its answer. The request body is read on demand;
 * a client that sent {@code Expect: 100-continue} is told to go on only when the body is first read, so a call
 * answered without its body never has it sent.
 */
public final class HttpCall {

  private static final int MAX_LINE = 16 * 1024;
  private static final int MAX_HEADERS = 200;
  private static final long DRAIN_BEFORE_ANSWER = 64 * 1024;
  private static final Duration LINGER = Duration.ofSeconds(5);

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String method;
  private final String target;
  private final boolean wellFormed;
  private final Headers headers;
  private final InputStream body;
  private boolean continuePending;
  private boolean keepAlive;
  private boolean answered;
  private boolean dropped;

  /** Request headers by case-insensitive name, in the order sent. */
  public static final class Headers {

    private final Map<String, List<String>> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    void add(String name, String value) {
      values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }

    /** The first value of the header, or null when it was not sent. */
    public String first(String name) {
      List<String> list = values.get(name);
      return list == null ? null : list.get(0);
    }
  }

  private HttpCall(Socket socket, InputStream in, OutputStream out, String method, String target, boolean wellFormed,
      Headers headers, InputStream body, boolean continuePending, boolean keepAlive) {
    this.socket = socket;
    this.in = in;
    this.out = out;
    this.method = method;
    this.target = target;
    this.wellFormed = wellFormed;
    this.headers = headers;
    this.body = body;
    this.continuePending = continuePending;
    this.keepAlive = keepAlive;
  }

  /** The next request on the connection, or empty when the client closed it or left it idle too long. */
  static Optional<HttpCall> read(Socket socket, InputStream in, OutputStream out) throws IOException {
    String requestLine;
    try {
      requestLine = readLine(in);
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
    if (requestLine == null) {
      return Optional.empty();
    }
    String[] parts = requestLine.split(" ", -1);
    boolean wellFormed = parts.length == 3 && parts[2].startsWith("HTTP/1.") && parts[1].startsWith("/");
    Headers headers = new Headers();
    for (int count = 0; ; count++) {
      String line = readLine(in);
      if (line == null) {
        return Optional.empty();
      }
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || count >= MAX_HEADERS) {
        wellFormed = false;
        continue;
      }
      headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    String method = parts.length == 3 ? parts[0] : "";
    String target = parts.length == 3 ? parts[1] : "";
    long length = 0;
    InputStream body = InputStream.nullInputStream();
    String transferEncoding = headers.first("Transfer-Encoding");
    String contentLength = headers.first("Content-Length");
    if (transferEncoding != null) {
      if (transferEncoding.equalsIgnoreCase("chunked") && contentLength == null) {
        length = -1;
        body = new ChunkedInputStream(in);
      } else {
        wellFormed = false;
      }
    } else if (contentLength != null) {
      try {
        length = Long.parseLong(contentLength);
      } catch (NumberFormatException e) {
        length = -1;
      }
      if (length < 0) {
        wellFormed = false;
        length = 0;
      } else {
        body = new BoundedInputStream(in, length);
      }
    }
    boolean http10 = parts.length == 3 && parts[2].equals("HTTP/1.0");
    String connection = Optional.ofNullable(headers.first("Connection")).orElse("").toLowerCase(Locale.ROOT);
    boolean keepAlive = wellFormed && (http10 ? connection.contains("keep-alive") : !connection.contains("close"));
    boolean expectContinue = "100-continue".equalsIgnoreCase(headers.first("Expect")) && length != 0;
    return Optional.of(new HttpCall(socket, in, out, method, target, wellFormed, headers, body,
        expectContinue, keepAlive));
  }

  public String method() {
    return method;
  }

  /** The path as sent, percent-encoding and all. */
  public String rawPath() {
    int query = target.indexOf('?');
    return query < 0 ? target : target.substring(0, query);
  }

  /** The query as sent, or null when there is none. */
  public String rawQuery() {
    int query = target.indexOf('?');
    return query < 0 ? null : target.substring(query + 1);
  }

  /** Whether the request line, headers and body framing could be read as HTTP/1.1. */
  public boolean wellFormed() {
    return wellFormed;
  }

  public Headers headers() {
    return headers;
  }

  InputStream body() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        goOn();
        return body.read();
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        goOn();
        return body.read(buffer, offset, length);
      }
    };
  }

  private void goOn() throws IOException {
    if (continuePending) {
      continuePending = false;
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  /**
   * Sends the answer. The connection stays open for the next request only when this one's body was read or is small
   * enough to skip; otherwise the answer says {@code Connection: close}.
   */
  void respond(int status, Map<String, String> responseHeaders, byte[] content) throws IOException {
    answered = true;
    if (keepAlive && !continuePending && !drain(body, DRAIN_BEFORE_ANSWER)) {
      keepAlive = false;
    }
    if (continuePending) {
      keepAlive = false;
    }
    StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
        .append("\r\n");
    responseHeaders.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("Content-Length: ").append(content.length).append("\r\n");
    if (!keepAlive) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(content);
    out.flush();
  }

  /** Closes the connection without an answer. */
  void drop() throws IOException {
    dropped = true;
    keepAlive = false;
    socket.close();
  }

  /** Whether the connection can carry the next request. */
  boolean keepAlive() {
    return answered && keepAlive && !dropped;
  }

  /**
   * Ends a connection after its last answer without resetting it: a client still sending a body it was not asked
   * for would otherwise see a reset instead of the answer already on its way.
   */
  void closeGracefully() {
    if (dropped) {
      return;
    }
    try (socket) {
      if (!socket.isOutputShutdown() && !(socket instanceof SSLSocket)) {
        socket.shutdownOutput();
      }
      socket.setSoTimeout((int) LINGER.toMillis());
      long deadline = System.nanoTime() + LINGER.toNanos();
      byte[] sink = new byte[8192];
      while (System.nanoTime() < deadline && in.read(sink) >= 0) {
        continue;
      }
    } catch (IOException e) {
      // the client went away first, which is what a close waits for
    }
  }

  /** Reads and discards what is left of the body, when it is at most {@code max} bytes; false when more is left. */
  private static boolean drain(InputStream body, long max) throws IOException {
    long skipped = 0;
    byte[] sink = new byte[8192];
    int read;
    while ((read = body.read(sink)) >= 0) {
      skipped += read;
      if (skipped > max) {
        return false;
      }
    }
    return true;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("a request line or header is longer than " + MAX_LINE + " bytes");
      }
      line.write(c);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Status " + status;
    };
  }

  /** A request body read in blocks; a byte at a time goes through the same block read. */
  private abstract static class BodyInputStream extends InputStream {

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
  }

  /** A body of a known length. */
  private static final class BoundedInputStream extends BodyInputStream {

    private final InputStream in;
    private long left;

    BoundedInputStream(InputStream in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left == 0) {
        return -1;
      }
      int read = in.read(buffer, offset, (int) Math.min(length, left));
      if (read < 0) {
        throw new IOException("the connection closed before the end of the body");
      }
      left -= read;
      return read;
    }
  }

  /** A body sent with {@code Transfer-Encoding: chunked}; trailers are read and ignored. */
  private static final class ChunkedInputStream extends BodyInputStream {

    private final InputStream in;
    private long leftInChunk;
    private boolean done;

    ChunkedInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (done) {
        return -1;
      }
      if (leftInChunk == 0) {
        String size = readLine(in);
        if (size == null) {
          throw new IOException("the connection closed inside a chunked body");
        }
        int extension = size.indexOf(';');
        try {
          leftInChunk = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("a chunk size is not hexadecimal");
        }
        if (leftInChunk == 0) {
          String trailer;
          do {
            trailer = readLine(in);
          } while (trailer != null && !trailer.isEmpty());
          done = true;
          return -1;
        }
      }
      int read = in.read(buffer, offset, (int) Math.min(length, leftInChunk));
      if (read < 0) {
        throw new IOException("the connection closed inside a chunk");
      }
      leftInChunk -= read;
      if (leftInChunk == 0) {
        readLine(in);
      }
      return read;
    }
  }
}
