package dev.operators.permissionset.simulator;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 over plain sockets or TLS, one thread per connection, a bounded number of calls handled at once. Not the
 * JDK's HttpServer: that one answers a request whose target is no valid URI (a broken percent-encoding) with its own
 * HTML page before any handler runs, and it resets a connection whose body was left unread, so a client still
 * sending loses the answer.
 */
final class HttpListener implements AutoCloseable {

  /** Answers one call: {@link HttpCall#respond} or {@link HttpCall#drop}. */
  interface Handler {
    void handle(HttpCall call) throws IOException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
  // longer than the keep-alive of clients' connection pools (the operator's is 30 s), so a pooled connection is
  // closed by the client, never under a request it has just sent
  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);
  private static final int BACKLOG = 512;

  private final ServerSocket serverSocket;
  private final Handler handler;
  private final Semaphore callsAtOnce;
  private final ExecutorService connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  /**
   * @param tls the TLS to speak, or empty for plain HTTP
   * @param callsAtOnce how many calls are handled at once; more wait for their turn
   */
  HttpListener(InetAddress address, int port, Optional<SSLContext> tls, int callsAtOnce, Handler handler)
      throws IOException {
    this.serverSocket = tls.isPresent()
        ? tls.get().getServerSocketFactory().createServerSocket(port, BACKLOG, address)
        : new ServerSocket(port, BACKLOG, address);
    this.handler = handler;
    this.callsAtOnce = new Semaphore(callsAtOnce);
    this.connections = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "identity-center-simulator");
      thread.setDaemon(true);
      return thread;
    });
    this.acceptor = new Thread(this::accept, "identity-center-simulator-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return serverSocket.getLocalPort();
  }

  private void accept() {
    while (!serverSocket.isClosed()) {
      try {
        Socket socket = serverSocket.accept();
        open.add(socket);
        connections.execute(() -> serve(socket));
      } catch (IOException e) {
        if (!serverSocket.isClosed()) {
          LOG.warn("Simulator could not accept a connection: {}", e.getMessage());
        }
      } catch (RejectedExecutionException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      while (true) {
        Optional<HttpCall> next = HttpCall.read(socket, in, out);
        if (next.isEmpty()) {
          return;
        }
        HttpCall call = next.get();
        callsAtOnce.acquire();
        try {
          handler.handle(call);
        } finally {
          callsAtOnce.release();
        }
        if (!call.keepAlive()) {
          call.closeGracefully();
          return;
        }
      }
    } catch (IOException e) {
      LOG.debug("Simulator connection ended: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(socket);
    }
  }

  @Override
  public void close() {
    try {
      serverSocket.close();
    } catch (IOException e) {
      LOG.debug("Simulator socket did not close cleanly: {}", e.getMessage());
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException e) {
        LOG.debug("Simulator connection did not close cleanly: {}", e.getMessage());
      }
    }
    connections.shutdownNow();
    try {
      connections.awaitTermination(5, TimeUnit.SECONDS);
      acceptor.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
