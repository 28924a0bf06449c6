package dev.operators.permissionset.identitycenter.huawei;

import static dev.operators.permissionset.identitycenter.CloudOperation.DESCRIBE_PROVISIONING;
import static dev.operators.permissionset.identitycenter.CloudOperation.LIST_ACCOUNTS;
import static dev.operators.permissionset.identitycenter.CloudOperation.LIST_INSTANCES;
import static dev.operators.permissionset.identitycenter.CloudOperation.LIST_PERMISSION_SETS;
import static dev.operators.permissionset.identitycenter.CloudOperation.LIST_PROVISIONING;
import static dev.operators.permissionset.identitycenter.CloudOperation.PROVISION;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.CallRateLimiter;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudHttp;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.identitycenter.huawei.AkSkSigner.SignableRequest;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Huawei Cloud IAM Identity Center over its REST API, signed with AK/SK. Made by
 * {@link HuaweiIdentityCenterClientFactory#forConnection}; cheap, immutable and safe to share between threads.
 */
public final class HuaweiIdentityCenterClient implements IdentityCenterClient {


  static final String USER_AGENT = "permission-set-operator";
  static final String DOMAIN_ID_HEADER = "X-Domain-Id";
  static final String SECURITY_TOKEN_HEADER = "X-Security-Token";
  static final int PAGE_SIZE = 100;
  /** Any body beyond this is not an Identity Center answer; reading it would only risk the operator's memory. */
  static final int MAX_BODY_BYTES = 1024 * 1024;
  /** 100,000 permission sets at 100 a page, far beyond any instance's quota: a cloud that pages on is broken. */
  static final int MAX_PAGES = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(HuaweiIdentityCenterClient.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final byte[] NO_BODY = new byte[0];

  private final OkHttpClient http;
  private final HttpUrl endpoint;
  private final Clock clock;
  private final ObjectMapper json;
  private final CloudCredentials credentials;
  private final Optional<String> domainId;
  private final Optional<String> securityToken;
  private final BooleanSupplier factoryClosed;
  private final HuaweiErrorTranslator errors;
  private final Optional<String> requestProblem;
  private final Optional<CallRateLimiter> rateLimiter;

  HuaweiIdentityCenterClient(OkHttpClient http, HttpUrl endpoint, Clock clock, ObjectMapper json,
      CloudCredentials credentials, BooleanSupplier factoryClosed, Optional<CallRateLimiter> rateLimiter,
      Optional<String> endpointProblem) {
    this.rateLimiter = rateLimiter;
    this.http = http;
    this.endpoint = endpoint;
    this.clock = clock;
    this.json = json;
    this.credentials = credentials;
    // an empty value is what a Secret with an empty key gives; it means "none", not "sign an empty header"
    this.domainId = credentials.domainId().filter(id -> !id.isEmpty());
    this.securityToken = credentials.securityToken().filter(token -> !token.isEmpty());
    this.factoryClosed = factoryClosed;
    List<String> secrets = new ArrayList<>(List.of(credentials.accessKey(), credentials.secretKey()));
    securityToken.ifPresent(secrets::add);
    this.errors = new HuaweiErrorTranslator(json, clock, secrets);
    this.requestProblem = endpointProblem.or(() -> credentialsProblem(credentials.accessKey(),
        credentials.secretKey(), securityToken, domainId));
  }

  @Override
  public ProvisioningRequest provision(String instanceId, String permissionSetId, ProvisioningTarget target) {
    Objects.requireNonNull(target, "target");
    List<String> path = List.of("v1", "instances", pathParameter(PROVISION, "instanceId", instanceId),
        "permission-sets", pathParameter(PROVISION, "permissionSetId", permissionSetId), "provision");
    ObjectNode body = json.createObjectNode();
    target.accountId().ifPresent(accountId -> body.put("target_id", accountId));
    body.put("target_type", target.type().name());
    return call(PROVISION, "POST", path, List.of(), serialize(body), HuaweiResponseParser::provisioningRequest);
  }

  @Override
  public ProvisioningRequest describeProvisioning(String instanceId, String requestId) {
    List<String> path = List.of("v1", "instances", pathParameter(DESCRIBE_PROVISIONING, "instanceId", instanceId),
        "permission-sets", "provisioning-status", pathParameter(DESCRIBE_PROVISIONING, "requestId", requestId));
    return call(DESCRIBE_PROVISIONING, "GET", path, List.of(), null, HuaweiResponseParser::provisioningRequest);
  }

  @Override
  public Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
      Optional<String> marker) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(marker, "marker");
    List<String> path = List.of("v1", "instances", pathParameter(LIST_PROVISIONING, "instanceId", instanceId),
        "permission-sets", "provisioning-statuses");
    List<Map.Entry<String, String>> query = new ArrayList<>();
    query.add(Map.entry("limit", Integer.toString(PAGE_SIZE)));
    marker.filter(value -> !value.isBlank()).ifPresent(value -> query.add(Map.entry("marker", value)));
    status.ifPresent(value -> query.add(Map.entry("status", value.name())));
    return call(LIST_PROVISIONING, "GET", path, query, null, HuaweiResponseParser::provisioningSummaries);
  }

  @Override
  public Page<String> listAccountsForProvisionedPermissionSet(String instanceId, String permissionSetId,
      Optional<AccountProvisioningStatus> status, Optional<String> marker) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(marker, "marker");
    List<String> path = List.of("v1", "instances", pathParameter(LIST_ACCOUNTS, "instanceId", instanceId),
        "permission-sets", pathParameter(LIST_ACCOUNTS, "permissionSetId", permissionSetId), "accounts");
    List<Map.Entry<String, String>> query = new ArrayList<>();
    query.add(Map.entry("limit", Integer.toString(PAGE_SIZE)));
    marker.filter(value -> !value.isBlank()).ifPresent(value -> query.add(Map.entry("marker", value)));
    status.ifPresent(value -> query.add(Map.entry("provisioning_status", value.name())));
    return call(LIST_ACCOUNTS, "GET", path, query, null, HuaweiResponseParser::accountIds);
  }

  @Override
  public Optional<PermissionSet> findPermissionSetByName(String instanceId, String name) {
    String exactName = queryParameter("name", name);
    // the API does not say whether its name filter is exact, so every answer is checked here
    return findPermissionSet(instanceId, Map.entry("name", exactName),
        permissionSet -> permissionSet.name().equals(exactName));
  }

  /** ListInstances for a single instance: the smallest answer that needs a valid signature and the list permission. */
  @Override
  public void checkAccess() {
    call(LIST_INSTANCES, "GET", List.of("v1", "instances"), List.of(Map.entry("limit", "1")), null,
        HuaweiResponseParser::instanceIds);
  }

  private Optional<PermissionSet> findPermissionSet(String instanceId, Map.Entry<String, String> filter,
      Predicate<PermissionSet> matches) {
    List<String> path = List.of("v1", "instances", pathParameter(LIST_PERMISSION_SETS, "instanceId", instanceId),
        "permission-sets");
    Set<String> seenMarkers = new HashSet<>();
    Optional<String> marker = Optional.empty();
    for (int pages = 1; ; pages++) {
      List<Map.Entry<String, String>> query = new ArrayList<>();
      query.add(Map.entry("limit", Integer.toString(PAGE_SIZE)));
      query.add(filter);
      marker.ifPresent(value -> query.add(Map.entry("marker", value)));
      Page<PermissionSet> page = call(LIST_PERMISSION_SETS, "GET", path, query, null,
          HuaweiResponseParser::permissionSets);
      Optional<PermissionSet> found = page.items().stream().filter(matches).findFirst();
      if (found.isPresent() || page.nextMarker().isEmpty()) {
        return found;
      }
      String next = page.nextMarker().get();
      if (!seenMarkers.add(next)) {
        throw HuaweiErrorTranslator.invalidResponse(LIST_PERMISSION_SETS, "the cloud returned the page marker '"
            + next + "' a second time; stopped paging to avoid an endless loop", null);
      }
      if (pages >= MAX_PAGES) {
        throw HuaweiErrorTranslator.invalidResponse(LIST_PERMISSION_SETS, "the cloud kept returning pages after "
            + MAX_PAGES + " pages of " + PAGE_SIZE + " permission sets; stopped paging", null);
      }
      marker = Optional.of(next);
    }
  }


  /**
   * Signs and sends one request and reads its JSON answer.
   *
   * @param body the exact bytes to send and to hash, or null for a request without a body
   */
  private <T> T call(String operation, String method, List<String> pathSegments,
      List<Map.Entry<String, String>> query, byte[] body, BiFunction<HuaweiResponseParser, JsonNode, T> reader) {
    if (factoryClosed.getAsBoolean()) {
      throw new IdentityCenterException(operation, ErrorCategory.UNAVAILABLE, 0, null,
          "the Identity Center client factory is closed", null, null);
    }
    requestProblem.ifPresent(problem -> {
      throw new IdentityCenterException(operation, ErrorCategory.INVALID_REQUEST, 0, null, problem, null, null);
    });
    CallRateLimiter.awaitTurn(rateLimiter, operation);
    Request request = signedRequest(method, url(pathSegments, query), query, body);
    try (Response response = http.newCall(request).execute()) {
      String requestId = errors.redact(response.header(HuaweiErrorTranslator.REQUEST_ID_HEADER));
      LOG.debug("{} {} {} answered HTTP {}, X-Request-Id {}", operation, method, request.url().encodedPath(),
          response.code(), requestId);
      rateLimiter.ifPresent(limiter -> {
        if (response.code() == 429) {
          limiter.throttled();
        } else {
          limiter.answered();
        }
      });
      byte[] answer = readAtMost(response.body());
      if (!response.isSuccessful()) {
        throw errors.fromResponse(operation, response.code(), response.message(), response.header("Content-Type"),
            answer, requestId, response.header(CloudHttp.RETRY_AFTER));
      }
      HuaweiResponseParser parser = new HuaweiResponseParser(operation, requestId);
      return reader.apply(parser, jsonObject(parser, answer, response.header("Content-Type")));
    } catch (IOException e) {
      throw errors.unavailable(operation, hostHeader(endpoint), e);
    }
  }

  private JsonNode jsonObject(HuaweiResponseParser parser, byte[] body, String contentType) {
    if (body == null) {
      throw parser.invalid("the response body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    JsonNode parsed;
    try {
      parsed = json.readTree(body);
    } catch (IOException notJson) {
      parsed = null;
    }
    if (parsed == null || !parsed.isObject()) {
      throw parser.invalid("the response is not a JSON object (" + (contentType == null ? "no Content-Type"
          : "Content-Type " + contentType) + ", " + body.length + " bytes)");
    }
    return parsed;
  }

  private Request signedRequest(String method, HttpUrl url, List<Map.Entry<String, String>> query, byte[] body) {
    String date = AkSkSigner.formatDate(clock.instant());
    TreeMap<String, String> signedHeaders = new TreeMap<>();
    signedHeaders.put("host", hostHeader(url));
    signedHeaders.put(AkSkSigner.DATE_HEADER.toLowerCase(Locale.ROOT), date);
    domainId.ifPresent(id -> signedHeaders.put(DOMAIN_ID_HEADER.toLowerCase(Locale.ROOT), id));
    securityToken.ifPresent(token -> signedHeaders.put(SECURITY_TOKEN_HEADER.toLowerCase(Locale.ROOT), token));
    SignableRequest signable = new SignableRequest(method, signingPath(url), query, signedHeaders,
        AkSkSigner.sha256Hex(body == null ? NO_BODY : body));

    Request.Builder request = new Request.Builder()
        .url(url)
        .header(AkSkSigner.DATE_HEADER, date)
        .header("Authorization", AkSkSigner.authorization(signable, credentials.accessKey(), credentials.secretKey()))
        .header("User-Agent", USER_AGENT);
    domainId.ifPresent(id -> request.header(DOMAIN_ID_HEADER, id));
    securityToken.ifPresent(token -> request.header(SECURITY_TOKEN_HEADER, token));
    return body == null ? request.method(method, null).build()
        : request.method(method, RequestBody.create(body, JSON)).build();
  }

  /** Each part encoded exactly as the signer canonicalises it, so that the bytes signed are the bytes sent. */
  private HttpUrl url(List<String> pathSegments, List<Map.Entry<String, String>> query) {
    HttpUrl.Builder url = endpoint.newBuilder();
    pathSegments.forEach(segment -> url.addEncodedPathSegment(AkSkSigner.encode(segment)));
    query.forEach(parameter -> url.addEncodedQueryParameter(AkSkSigner.encode(parameter.getKey()),
        AkSkSigner.encode(parameter.getValue())));
    return url.build();
  }

  /** The decoded path, as a server sees it after decoding each segment. */
  static String signingPath(HttpUrl url) {
    return "/" + String.join("/", url.pathSegments());
  }

  /** The Host header exactly as OkHttp sends it: the port only when it is not the scheme's default. */
  static String hostHeader(HttpUrl url) {
    String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
    return url.port() == HttpUrl.defaultPort(url.scheme()) ? host : host + ":" + url.port();
  }

  private static byte[] readAtMost(ResponseBody body) throws IOException {
    if (body == null) {
      return NO_BODY;
    }
    if (body.contentLength() > MAX_BODY_BYTES) {
      return null;
    }
    BufferedSource source = body.source();
    if (source.request(MAX_BODY_BYTES + 1L)) {
      return null;
    }
    return source.getBuffer().readByteArray();
  }

  private byte[] serialize(ObjectNode body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree of strings failed to serialise", e);
    }
  }

  private static String pathParameter(String operation, String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.isBlank() || value.contains("/") || ".".equals(value) || "..".equals(value)) {
      throw new IdentityCenterException(operation, ErrorCategory.INVALID_REQUEST, 0, null,
          field + " must be an ID without '/', got '" + value + "'", null, null);
    }
    return value;
  }

  private static String queryParameter(String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IdentityCenterException(LIST_PERMISSION_SETS, ErrorCategory.INVALID_REQUEST, 0, null,
          field + " must not be blank", null, null);
    }
    return value;
  }

  /** Values that OkHttp would refuse as header values, or that a proxy might trim, break the signature. */
  private static Optional<String> credentialsProblem(String accessKey, String secretKey,
      Optional<String> securityToken, Optional<String> domainId) {
    if (accessKey.isBlank()) {
      return Optional.of("the access key is empty; set it in the credentials Secret");
    }
    if (secretKey.isBlank()) {
      return Optional.of("the secret key is empty; set it in the credentials Secret");
    }
    return Stream.of(
            Map.entry("access key", Optional.of(accessKey)),
            Map.entry("security token", securityToken),
            Map.entry("domain ID", domainId))
        .filter(field -> field.getValue().filter(value -> !isVisibleAscii(value)).isPresent())
        .findFirst()
        .map(field -> "the " + field.getKey() + " contains spaces, line breaks or non-ASCII characters, which "
            + "cannot be sent in a signed header; remove them from the credentials Secret");
  }

  private static boolean isVisibleAscii(String value) {
    return value.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }
}
