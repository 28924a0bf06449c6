package dev.operators.permissionset.identitycenter.huawei;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;

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

  private static final ConcurrentLinkedQueue<MockResponse> ANSWERS = new ConcurrentLinkedQueue<>();
  private static volatile MockResponse lastAnswer;
  private static MockWebServer server;
  private static HuaweiIdentityCenterClientFactory factory;

  enum Operation {
    PROVISION, DESCRIBE, LIST_PROVISIONING, FIND_BY_ID, FIND_BY_NAME;

    /** Whether the operation makes exactly one call, so that its first answer decides. */
    boolean singleCall() {
      return this != FIND_BY_ID && this != FIND_BY_NAME;
    }
  }

  /** One HTTP answer; {@link #toString()} is short, for jqwik's report of a failing sample. */
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

  @BeforeContainer
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
    factory = new HuaweiIdentityCenterClientFactory("http://127.0.0.1:" + server.getPort(), Duration.ofSeconds(2),
        Duration.ofSeconds(2), Duration.ofSeconds(10), Clock.systemUTC(), Optional.empty());
  }

  @AfterContainer
  static void stopServer() throws IOException {
    factory.close();
    server.shutdown();
  }

  @Property(tries = 300)
  void everyAnswerGivesAValueOrACategorisedFailure(@ForAll Operation operation,
      @ForAll("answerSequences") List<Answer> answers) {
    ANSWERS.clear();
    answers.forEach(answer -> ANSWERS.add(answer.toMockResponse()));
    lastAnswer = answers.get(answers.size() - 1).toMockResponse();
    IdentityCenterClient client = factory.forCredentials(CREDENTIALS);
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
      case FIND_BY_ID -> client.findPermissionSetById(INSTANCE, PERMISSION_SET);
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
      case FIND_BY_ID -> ((Optional<?>) value).map(PermissionSet.class::cast)
          .ifPresent(set -> assertThat(set.id()).isEqualTo(PERMISSION_SET));
      case FIND_BY_NAME -> ((Optional<?>) value).map(PermissionSet.class::cast)
          .ifPresent(set -> assertThat(set.name()).isEqualTo(PERMISSION_SET_NAME));
    }
  }

  @Provide
  Arbitrary<List<Answer>> answerSequences() {
    Arbitrary<Answer> answer = Combinators.combine(statuses(), bodies(), contentTypes(), retryAfters(),
        requestIds(), policies()).as(Answer::new);
    return answer.list().ofMinSize(1).ofMaxSize(4);
  }

  private static Arbitrary<Integer> statuses() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(200)),
        Tuple.of(3, Arbitraries.of(201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 409, 413, 418, 422,
            429, 500, 501, 502, 503, 504, 599)),
        Tuple.of(1, Arbitraries.integers().between(200, 599)))
        .map(Integer.class::cast);
  }

  private static Arbitrary<SocketPolicy> policies() {
    return Arbitraries.frequencyOf(
        Tuple.of(18, Arbitraries.just(SocketPolicy.KEEP_OPEN)),
        // DISCONNECT_AT_START is left out: MockWebServer decides it before dispatching, by peeking a Queue
        Tuple.of(1, Arbitraries.of(SocketPolicy.DISCONNECT_AFTER_REQUEST,
            SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY)))
        .map(SocketPolicy.class::cast);
  }

  private static Arbitrary<String> contentTypes() {
    return Arbitraries.of(null, "application/json", "application/json;charset=UTF-8", "text/html", "text/plain",
        "application/octet-stream", "", "garbage/;;;", "application/json; charset=ISO-8859-1");
  }

  private static Arbitrary<String> retryAfters() {
    return Arbitraries.oneOf(
        Arbitraries.of(null, "0", "2", "120", "-5", "1.5", " 3 ", "99999999999999999999", "9223372036854775807",
            "9223372036854775", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "soon", ""),
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40));
  }

  private static Arbitrary<String> requestIds() {
    return Arbitraries.oneOf(
        Arbitraries.of(null, "", "0123456789abcdef0123456789abcdef", "ünïcödé-id", "x".repeat(10_000)),
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60));
  }

  private static Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> shaped = shapedJson().map(HuaweiIdentityCenterClientFuzzTest::bytes);
    return Arbitraries.frequencyOf(
        Tuple.of(10, shaped),
        Tuple.of(3, Combinators.combine(shaped, Arbitraries.doubles().between(0, 1))
            .as((body, share) -> Arrays.copyOf(body, (int) (body.length * share)))),
        Tuple.of(2, anyJson(3).map(HuaweiIdentityCenterClientFuzzTest::bytes)),
        Tuple.of(1, Arbitraries.just(("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 "
            + "Bad Gateway</h1></center><hr><center>nginx</center></body></html>").getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.just(new byte[0])),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
        Tuple.of(1, Arbitraries.integers().between(100_000, 1_100_000)
            .map(n -> ("{\"permission_set_provisioning_status\":{\"request_id\":\"" + REQUEST_ID + "\",\"status\":"
                + "\"FAILED\",\"failure_reason\":\"" + "r".repeat(n) + "\"}}").getBytes(StandardCharsets.UTF_8))))
        .map(byte[].class::cast);
  }

  /** An object with the fields of the provision, describe and list answers and of error bodies, each maybe. */
  private static Arbitrary<JsonNode> shapedJson() {
    Arbitrary<JsonNode> provisioningStatus = fields(Map.of(
        "request_id", Arbitraries.oneOf(Arbitraries.just(NODES.textNode(REQUEST_ID)), value()),
        "status", Arbitraries.oneOf(statusValue(), value()),
        "account_id", value(),
        "permission_set_id", value(),
        "failure_reason", value(),
        "created_date", Arbitraries.oneOf(Arbitraries.of(NODES.textNode("1677175760379"),
            NODES.numberNode(1677175760379L), NODES.textNode("2024-01-02T03:04:05Z"),
            NODES.numberNode(new BigInteger("99999999999999999999999"))), value())));
    Arbitrary<JsonNode> permissionSet = fields(Map.of(
        "permission_set_id", Arbitraries.oneOf(Arbitraries.just(NODES.textNode(PERMISSION_SET)), value()),
        "name", Arbitraries.oneOf(Arbitraries.just(NODES.textNode(PERMISSION_SET_NAME)), value()),
        "description", value()));
    Arbitrary<JsonNode> pageInfo = fields(Map.of(
        "next_marker", Arbitraries.oneOf(Arbitraries.of(NODES.nullNode(), NODES.textNode(""),
            NODES.textNode("000000000000000000000064"), NODES.textNode("0000000000000000000000c8")), value()),
        "current_count", value()));
    return fields(Map.of(
        "permission_set_provisioning_status", Arbitraries.oneOf(provisioningStatus, value()),
        "permission_sets_provisioning_status", Arbitraries.oneOf(arrayOf(provisioningStatus), value()),
        "permission_sets", Arbitraries.oneOf(arrayOf(permissionSet), value()),
        "page_info", Arbitraries.oneOf(pageInfo, value()),
        "error_code", Arbitraries.oneOf(Arbitraries.of(NODES.textNode("IIC.1205"), NODES.textNode("IIC.1210"),
            NODES.textNode("IdentityCenter.1006"), NODES.textNode("APIGW.0308"), NODES.textNode("IIC.99999999999")),
            value()),
        "error_msg", value(),
        "message", value(),
        "request_id", value()));
  }

  /** An object holding each of the fields or not. */
  private static Arbitrary<JsonNode> fields(Map<String, Arbitrary<JsonNode>> fields) {
    List<Arbitrary<Optional<Map.Entry<String, JsonNode>>>> entries = new ArrayList<>();
    fields.forEach((name, values) -> entries.add(values.map(v -> Map.entry(name, v)).optional(0.8)));
    return Combinators.combine(entries).as(present -> {
      ObjectNode object = NODES.objectNode();
      present.forEach(entry -> entry.ifPresent(e -> object.set(e.getKey(), e.getValue())));
      return object;
    });
  }

  private static Arbitrary<JsonNode> arrayOf(Arbitrary<JsonNode> elements) {
    return elements.list().ofMaxSize(5).map(items -> {
      ArrayNode array = NODES.arrayNode();
      items.forEach(array::add);
      return array;
    });
  }

  private static Arbitrary<JsonNode> statusValue() {
    return Arbitraries.of("IN_PROGRESS", "SUCCEEDED", "FAILED", "PENDING", "succeeded", "", " ", "CANCELLED")
        .map(NODES::textNode);
  }

  /** Any scalar or a small container: what a field may hold when the cloud sends the wrong type. */
  private static Arbitrary<JsonNode> value() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(30).map(NODES::textNode),
        Arbitraries.of(SECRETS).map(NODES::textNode),
        Arbitraries.integers().between(1, 20_000).map(n -> NODES.textNode("\u00e9\u4e2d\ud83d\ude00".repeat(n))),
        Arbitraries.longs().map(NODES::numberNode),
        Arbitraries.doubles().map(NODES::numberNode),
        Arbitraries.of(NODES.booleanNode(true), NODES.nullNode(), NODES.textNode(""), NODES.arrayNode(),
            NODES.objectNode(), NODES.numberNode(new BigInteger("123456789012345678901234567890"))));
  }

  private static Arbitrary<JsonNode> anyJson(int depth) {
    if (depth == 0) {
      return value();
    }
    return Arbitraries.oneOf(value(), anyJson(depth - 1).list().ofMaxSize(3).map(items -> {
      ArrayNode array = NODES.arrayNode();
      items.forEach(array::add);
      return array;
    }), Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(8), anyJson(depth - 1)).as((k, v) -> {
      ObjectNode object = NODES.objectNode();
      object.set(k, v);
      return object;
    }));
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
