package dev.operators.permissionset.simulator;

import java.util.Map;

/** An answer as a protocol writes it: the status, headers (Content-Type among them) and body. */
public record Reply(int status, Map<String, String> headers, byte[] body) {

  public Reply {
    headers = Map.copyOf(headers);
  }
}
