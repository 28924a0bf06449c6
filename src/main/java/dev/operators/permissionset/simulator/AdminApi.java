package dev.operators.permissionset.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's own admin calls, which act as the cloud's administrators would:
 * {@code POST /simulator/permission-sets/{permissionSetId}/touch[?instanceId=...]} changes a permission set, so every
 * account it is provisioned to holds an out-of-date copy. The ID is URL-encoded, since AWS ARNs hold '/'.
 *
 * <p>No cloud has a path under {@code /simulator/} (Huawei's start with {@code /v1/}, AWS's are {@code POST /}), so
 * no cloud call is taken for one. They need no signature, no fault touches them, and they are not cloud calls:
 * {@link RequestCounters} does not count them.
 */
final class AdminApi {

  static final String PREFIX = "/simulator/";
  private static final Pattern TOUCH = Pattern.compile("^/simulator/permission-sets/([^/]+)/touch$");
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

  private final SimulatedIdentityCenter center;
  private final ObjectMapper json = new ObjectMapper();

  AdminApi(SimulatedIdentityCenter center) {
    this.center = center;
  }

  static boolean isAdminCall(HttpCall call) {
    return call.rawPath().startsWith(PREFIX);
  }

  Reply serve(HttpCall call) {
    try {
      Matcher touch = TOUCH.matcher(call.rawPath());
      if (!touch.matches()) {
        return error(404, "no admin call at " + call.rawPath() + "; the simulator has POST " + PREFIX
            + "permission-sets/{permissionSetId}/touch");
      }
      if (!"POST".equals(call.method())) {
        return error(405, "touching a permission set is a POST, not a " + call.method());
      }
      String permissionSetId = decode(touch.group(1));
      Optional<String> instanceId = instanceId(call.rawQuery());
      List<String> instances = instanceId.map(List::of).orElseGet(() -> center.instancesWith(permissionSetId));
      if (instances.isEmpty()) {
        return error(404, "no instance holds the permission set " + permissionSetId);
      }
      if (instances.size() > 1) {
        return error(400, "the instances " + instances + " all hold a permission set " + permissionSetId
            + "; name one with ?instanceId=");
      }
      List<String> outOfDate = center.touch(instances.get(0), permissionSetId);
      ObjectNode answer = json.createObjectNode();
      outOfDate.forEach(answer.putArray("outOfDateAccounts")::add);
      return reply(200, answer);
    } catch (ServiceFault fault) {
      return error(404, switch (fault.kind()) {
        case INSTANCE_NOT_FOUND -> "no instance " + fault.subject();
        case PERMISSION_SET_NOT_FOUND -> "the instance holds no permission set " + fault.subject();
        default -> fault.getMessage();
      });
    } catch (IllegalArgumentException malformed) {
      return error(400, malformed.getMessage());
    } catch (RuntimeException e) {
      LOG.error("Simulator failed on the admin call {} {}", call.method(), call.rawPath(), e);
      return error(500, "the simulator failed on the admin call; see its log");
    }
  }

  private static Optional<String> instanceId(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> instanceId = Optional.empty();
    for (String parameter : rawQuery.split("&")) {
      String[] nameAndValue = parameter.split("=", 2);
      if (!"instanceId".equals(decode(nameAndValue[0]))) {
        throw new IllegalArgumentException("unknown query parameter '" + decode(nameAndValue[0])
            + "'; the touch takes instanceId only");
      }
      instanceId = Optional.of(nameAndValue.length == 2 ? decode(nameAndValue[1]) : "");
    }
    return instanceId;
  }

  /** Percent-decoding only: a '+' is a '+', as in a path. */
  private static String decode(String encoded) {
    try {
      return URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + encoded + "' is not validly percent-encoded", e);
    }
  }

  private Reply error(int status, String message) {
    return reply(status, json.createObjectNode().put("message", message));
  }

  private Reply reply(int status, ObjectNode body) {
    try {
      return new Reply(status, Map.of("Content-Type", "application/json"), json.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
