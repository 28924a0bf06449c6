package dev.operators.permissionset.identitycenter.huawei;

import static dev.operators.permissionset.testing.RandomValues.LETTERS;
import static dev.operators.permissionset.testing.RandomValues.PRINTABLE_ASCII;
import static dev.operators.permissionset.testing.RandomValues.anyDouble;
import static dev.operators.permissionset.testing.RandomValues.anyLong;
import static dev.operators.permissionset.testing.RandomValues.between;
import static dev.operators.permissionset.testing.RandomValues.chance;
import static dev.operators.permissionset.testing.RandomValues.list;
import static dev.operators.permissionset.testing.RandomValues.pick;
import static dev.operators.permissionset.testing.RandomValues.string;
import static dev.operators.permissionset.testing.RandomValues.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.testing.RandomValues;
import dev.operators.permissionset.testing.Randomized;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Random answers from the cloud, or from whatever stands in front of it: truncated and mistyped JSON, unknown
 * statuses, huge strings, HTML pages, empty bodies, any status code, garbage headers, dropped connections. Every
 * call returns a well-formed value or fails with an {@link IdentityCenterException} that has a category and never
 * shows a credential; nothing else escapes.
 */
class HuaweiIdentityCenterClientFuzzTest {

  private static final String INSTANCE = "ins-4f1d2c3b4a596870";
  private static final String PERMISSION_SET = "ps-8603aaaaaaaa14bd";
  private static final String PERMISSION_SET_NAME = "ReadOnlyAccess";
  private static final String REQUEST_ID = "a1177591-c8c7-c492-38e6-0563d34cad92";
  private static final CloudCredentials CREDENTIALS = new CloudCredentials("AKFUZZ0000000000000001",
      "sk-fuzz-secret-0000000000000000000001", Optional.of("fuzz-security-token-00000001"),
      Optional.of("d0m41nfuzz000000000000000000001"));
  private static final List<String> SECRETS = List.of(CREDENTIALS.accessKey(), CREDENTIALS.secretKey(),
      CREDENTIALS.securityToken().orElseThrow());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String BELOW_SURROGATES = RandomValues.range('\u0000', '\ud7ff');

  private static final ConcurrentLinkedQueue<MockResponse> ANSWERS = new ConcurrentLinkedQueue<>();
  private static volatile MockResponse lastAnswer;
  private static MockWebServer server;
  private static HuaweiIdentityCenterClientFactory factory;
  private static CloudEndpoint endpoint;

  enum Operation {
    PROVISION, DESCRIBE, LIST_PROVISIONING, FIND_BY_NAME;

    /** Whether the operation makes exactly one call, so that its first answer decides. */
    boolean singleCall() {
      return this != FIND_BY_NAME;
    }
  }

  /** One HTTP answer; {@link #toString()} is short, for the report of a failing try. */
  record Answer(int status, byte[] body, String contentType, String retryAfter, String requestId,
      SocketPolicy policy) {

    MockResponse toMockResponse() {
      MockResponse response = new MockResponse().setResponseCode(status).setBody(new Buffer().write(body))
          .setSocketPolicy(policy);
      if (contentType != null) {
        response.addHeaderLenient("Content-Type", contentType);
      }
      if (retryAfter != null) {
        response.addHeaderLenient("Retry-After", retryAfter);
      }
      if (requestId != null) {
        response.addHeaderLenient("X-Request-Id", requestId);
      }
      return response;
    }

    boolean answersInFull() {
      return policy == SocketPolicy.KEEP_OPEN;
    }

    @Override
    public String toString() {
      String text = new String(body, StandardCharsets.UTF_8);
      return "Answer{" + status + ", " + policy + ", Content-Type=" + contentType + ", Retry-After=" + abbreviate(
          retryAfter) + ", X-Request-Id=" + abbreviate(requestId) + ", " + body.length + " bytes: " + abbreviate(text)
          + "}";
    }

    private static String abbreviate(String text) {
      return text == null || text.length() <= 160 ? text : text.substring(0, 160) + "…";
    }
  }

  @BeforeAll
  static void startServer() throws IOException {
    server = new MockWebServer();
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        MockResponse next = ANSWERS.poll();
        if (next != null) {
          lastAnswer = next;
        }
        return lastAnswer;
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    endpoint = new CloudEndpoint(URI.create("http://127.0.0.1:" + server.getPort()), Optional.empty(), true);
    factory = new HuaweiIdentityCenterClientFactory(Duration.ofSeconds(2), Duration.ofSeconds(2),
        Duration.ofSeconds(10), Clock.systemUTC(), OptionalDouble.empty(),
        EnvironmentProxySelector.fromEnvironment(Map.of()));
  }

  @AfterAll
  static void stopServer() throws IOException {
    factory.close();
    server.shutdown();
  }

  /** One try: an operation and the answers the server gives, the last one again for any further request. */
  record Sample(Operation operation, List<Answer> answers) {

    static Sample draw(RandomGenerator random) {
      return new Sample(pick(random, Operation.class),
          list(random, 1, 4, HuaweiIdentityCenterClientFuzzTest::answer));
    }
  }

  @Test
  void everyAnswerGivesAValueOrACategorisedFailure(TestInfo test) {
    Randomized.check(test, 300, Sample::draw,
        sample -> valueOrCategorisedFailure(sample.operation(), sample.answers()));
  }

  private static void valueOrCategorisedFailure(Operation operation, List<Answer> answers) {
    ANSWERS.clear();
    answers.forEach(answer -> ANSWERS.add(answer.toMockResponse()));
    lastAnswer = answers.get(answers.size() - 1).toMockResponse();
    IdentityCenterClient client = factory.forConnection(endpoint, CREDENTIALS);
    Answer first = answers.get(0);
    try {
      Object value = call(client, operation);
      assertThat(first.answersInFull() && first.status() >= 200 && first.status() < 300 || !operation.singleCall())
          .as("a value came back although the first answer was %s", first).isTrue();
      assertWellFormed(operation, value);
    } catch (IdentityCenterException e) {
      assertThat(e.category()).as("category").isNotNull();
      assertThat(e.getMessage()).as("message").isNotBlank();
      assertThat(e.operation()).as("operation").isNotBlank();
      for (String secret : SECRETS) {
        assertThat(e.getMessage()).as("the message of %s", e).doesNotContain(secret);
        assertThat(e.cloudMessage()).doesNotContain(secret);
        e.errorCode().ifPresent(code -> assertThat(code).doesNotContain(secret));
      }
    }
  }

  private static Object call(IdentityCenterClient client, Operation operation) {
    return switch (operation) {
      case PROVISION -> client.provision(INSTANCE, PERMISSION_SET,
          ProvisioningTarget.account("5146d03d8aaaaaaaaaaaabbae60620a5"));
      case DESCRIBE -> client.describeProvisioning(INSTANCE, REQUEST_ID);
      case LIST_PROVISIONING -> client.listProvisioning(INSTANCE, Optional.of(ProvisioningStatus.IN_PROGRESS),
          Optional.empty());
      case FIND_BY_NAME -> client.findPermissionSetByName(INSTANCE, PERMISSION_SET_NAME);
    };
  }

  private static void assertWellFormed(Operation operation, Object value) {
    assertThat(value).isNotNull();
    switch (operation) {
      case PROVISION, DESCRIBE -> {
        ProvisioningRequest request = (ProvisioningRequest) value;
        assertThat(request.requestId()).isNotBlank();
        assertThat(request.status()).isEqualTo(ProvisioningStatus.fromWire(request.reportedStatus()));
      }
      case LIST_PROVISIONING -> {
        @SuppressWarnings("unchecked")
        Page<ProvisioningSummary> page = (Page<ProvisioningSummary>) value;
        page.items().forEach(summary -> {
          assertThat(summary.requestId()).isNotBlank();
          assertThat(summary.status()).isEqualTo(ProvisioningStatus.fromWire(summary.reportedStatus()));
        });
      }
      case FIND_BY_NAME -> ((Optional<?>) value).map(PermissionSet.class::cast)
          .ifPresent(set -> assertThat(set.name()).isEqualTo(PERMISSION_SET_NAME));
    }
  }

  private static Answer answer(RandomGenerator random) {
    return new Answer(status(random), body(random), contentType(random), retryAfter(random), requestId(random),
        policy(random));
  }

  private static int status(RandomGenerator random) {
    return switch (weighted(random, 6, 3, 1)) {
      case 0 -> 200;
      case 1 -> pick(random, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 409, 413, 418, 422, 429, 500,
          501, 502, 503, 504, 599);
      default -> between(random, 200, 599);
    };
  }

  private static SocketPolicy policy(RandomGenerator random) {
    // DISCONNECT_AT_START is left out: MockWebServer decides it before dispatching, by peeking a Queue
    return weighted(random, 18, 1) == 0 ? SocketPolicy.KEEP_OPEN
        : pick(random, SocketPolicy.DISCONNECT_AFTER_REQUEST, SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY);
  }

  private static String contentType(RandomGenerator random) {
    return pick(random, null, "application/json", "application/json;charset=UTF-8", "text/html", "text/plain",
        "application/octet-stream", "", "garbage/;;;", "application/json; charset=ISO-8859-1");
  }

  private static String retryAfter(RandomGenerator random) {
    return random.nextBoolean()
        ? pick(random, null, "0", "2", "120", "-5", "1.5", " 3 ", "99999999999999999999", "9223372036854775807",
            "9223372036854775", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "soon", "")
        : string(random, PRINTABLE_ASCII, 0, 40);
  }

  private static String requestId(RandomGenerator random) {
    return random.nextBoolean()
        ? pick(random, null, "", "0123456789abcdef0123456789abcdef", "ünïcödé-id", "x".repeat(10_000))
        : string(random, PRINTABLE_ASCII, 0, 60);
  }

  private static byte[] body(RandomGenerator random) {
    return switch (weighted(random, 10, 3, 2, 1, 1, 1, 1)) {
      case 0 -> bytes(shapedJson(random));
      case 1 -> {
        byte[] body = bytes(shapedJson(random));
        yield Arrays.copyOf(body, between(random, 0, body.length));
      }
      case 2 -> bytes(anyJson(random, 3));
      case 3 -> ("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
          + "<hr><center>nginx</center></body></html>").getBytes(StandardCharsets.UTF_8);
      case 4 -> new byte[0];
      case 5 -> RandomValues.bytes(random, 300);
      default -> ("{\"permission_set_provisioning_status\":{\"request_id\":\"" + REQUEST_ID + "\",\"status\":"
          + "\"FAILED\",\"failure_reason\":\"" + "r".repeat(between(random, 100_000, 1_100_000)) + "\"}}")
          .getBytes(StandardCharsets.UTF_8);
    };
  }

  /** An object with the fields of the provision, describe and list answers and of error bodies, each maybe. */
  private static JsonNode shapedJson(RandomGenerator random) {
    ObjectNode object = NODES.objectNode();
    maybe(random, object, "permission_set_provisioning_status",
        r -> r.nextBoolean() ? provisioningStatus(r) : value(r));
    maybe(random, object, "permission_sets_provisioning_status",
        r -> r.nextBoolean() ? arrayOf(r, 5, HuaweiIdentityCenterClientFuzzTest::provisioningStatus) : value(r));
    maybe(random, object, "permission_sets",
        r -> r.nextBoolean() ? arrayOf(r, 5, HuaweiIdentityCenterClientFuzzTest::permissionSet) : value(r));
    maybe(random, object, "page_info", r -> r.nextBoolean() ? pageInfo(r) : value(r));
    maybe(random, object, "error_code", r -> r.nextBoolean()
        ? NODES.textNode(pick(r, "IIC.1205", "IIC.1210", "IdentityCenter.1006", "APIGW.0308", "IIC.99999999999"))
        : value(r));
    maybe(random, object, "error_msg", HuaweiIdentityCenterClientFuzzTest::value);
    maybe(random, object, "message", HuaweiIdentityCenterClientFuzzTest::value);
    maybe(random, object, "request_id", HuaweiIdentityCenterClientFuzzTest::value);
    return object;
  }

  private static JsonNode provisioningStatus(RandomGenerator random) {
    ObjectNode object = NODES.objectNode();
    maybe(random, object, "request_id", r -> r.nextBoolean() ? NODES.textNode(REQUEST_ID) : value(r));
    maybe(random, object, "status", r -> r.nextBoolean() ? statusValue(r) : value(r));
    maybe(random, object, "account_id", HuaweiIdentityCenterClientFuzzTest::value);
    maybe(random, object, "permission_set_id", HuaweiIdentityCenterClientFuzzTest::value);
    maybe(random, object, "failure_reason", HuaweiIdentityCenterClientFuzzTest::value);
    maybe(random, object, "created_date", r -> r.nextBoolean() ? createdDate(r) : value(r));
    return object;
  }

  private static JsonNode createdDate(RandomGenerator random) {
    return switch (random.nextInt(4)) {
      case 0 -> NODES.textNode("1677175760379");
      case 1 -> NODES.numberNode(1677175760379L);
      case 2 -> NODES.textNode("2024-01-02T03:04:05Z");
      default -> NODES.numberNode(new BigInteger("99999999999999999999999"));
    };
  }

  private static JsonNode permissionSet(RandomGenerator random) {
    ObjectNode object = NODES.objectNode();
    maybe(random, object, "permission_set_id", r -> r.nextBoolean() ? NODES.textNode(PERMISSION_SET) : value(r));
    maybe(random, object, "name", r -> r.nextBoolean() ? NODES.textNode(PERMISSION_SET_NAME) : value(r));
    maybe(random, object, "description", HuaweiIdentityCenterClientFuzzTest::value);
    return object;
  }

  private static JsonNode pageInfo(RandomGenerator random) {
    ObjectNode object = NODES.objectNode();
    maybe(random, object, "next_marker", r -> r.nextBoolean() ? pick(r, NODES.nullNode(), NODES.textNode(""),
        NODES.textNode("000000000000000000000064"), NODES.textNode("0000000000000000000000c8")) : value(r));
    maybe(random, object, "current_count", HuaweiIdentityCenterClientFuzzTest::value);
    return object;
  }

  /** Sets the field four times in five. */
  private static void maybe(RandomGenerator random, ObjectNode object, String field,
      Function<RandomGenerator, JsonNode> values) {
    if (chance(random, 0.8)) {
      object.set(field, values.apply(random));
    }
  }

  private static JsonNode arrayOf(RandomGenerator random, int maxSize, Function<RandomGenerator, JsonNode> elements) {
    ArrayNode array = NODES.arrayNode();
    list(random, 0, maxSize, elements).forEach(array::add);
    return array;
  }

  private static JsonNode statusValue(RandomGenerator random) {
    return NODES.textNode(pick(random, "IN_PROGRESS", "SUCCEEDED", "FAILED", "PENDING", "succeeded", "", " ",
        "CANCELLED"));
  }

  /** Any scalar or a small container: what a field may hold when the cloud sends the wrong type. */
  private static JsonNode value(RandomGenerator random) {
    return switch (random.nextInt(6)) {
      case 0 -> NODES.textNode(string(random, BELOW_SURROGATES, 0, 30));
      case 1 -> NODES.textNode(pick(random, SECRETS));
      case 2 -> NODES.textNode("\u00e9\u4e2d\ud83d\ude00".repeat(between(random, 1, 20_000)));
      case 3 -> NODES.numberNode(anyLong(random));
      case 4 -> NODES.numberNode(anyDouble(random));
      default -> switch (random.nextInt(6)) {
        case 0 -> NODES.booleanNode(true);
        case 1 -> NODES.nullNode();
        case 2 -> NODES.textNode("");
        case 3 -> NODES.arrayNode();
        case 4 -> NODES.objectNode();
        default -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
      };
    };
  }

  private static JsonNode anyJson(RandomGenerator random, int depth) {
    int choice = depth == 0 ? 0 : random.nextInt(3);
    return switch (choice) {
      case 0 -> value(random);
      case 1 -> arrayOf(random, 3, r -> anyJson(r, depth - 1));
      default -> NODES.objectNode().set(string(random, LETTERS, 0, 8), anyJson(random, depth - 1));
    };
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
