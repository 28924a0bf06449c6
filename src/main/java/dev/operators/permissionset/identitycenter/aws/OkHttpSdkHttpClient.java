package dev.operators.permissionset.identitycenter.aws;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import okio.Okio;
import okio.Source;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The AWS SDK's transport over an OkHttpClient of {@link dev.operators.permissionset.identitycenter.CloudHttp}, so
 * that AWS calls get the same timeouts, proxies, CA-bundle trust and connection pool as every other cloud's, and the
 * same refusal to send a request twice on its own.
 *
 * <p>The request goes out with exactly the headers the SDK signed: the body's length is the SDK's Content-Length
 * and its type the SDK's Content-Type, which OkHttp would otherwise set itself.
 */
public final class OkHttpSdkHttpClient implements SdkHttpClient {

  private static final String CONTENT_LENGTH = "Content-Length";
  private static final String TRANSFER_ENCODING = "Transfer-Encoding";
  // the methods OkHttp refuses a body for, and those it refuses to send without one
  private static final Set<String> BODILESS = Set.of("GET", "HEAD");
  private static final Set<String> BODY_REQUIRED = Set.of("POST", "PUT", "PATCH");

  private final OkHttpClient http;

  public OkHttpSdkHttpClient(OkHttpClient http) {
    this.http = Objects.requireNonNull(http, "http");
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    Call call = http.newCall(okHttpRequest(request.httpRequest(), request.contentStreamProvider()));
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        return sdkResponse(call.execute(), call);
      }

      @Override
      public void abort() {
        call.cancel();
      }
    };
  }

  @Override
  public String clientName() {
    return "OkHttp";
  }

  /** The OkHttpClient belongs to the CloudHttp it came from, which closes it; there is nothing of this one's own. */
  @Override
  public void close() {
  }

  private static Request okHttpRequest(SdkHttpRequest request, Optional<ContentStreamProvider> content) {
    Request.Builder builder = new Request.Builder().url(request.getUri().toString());
    long contentLength = -1;
    for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
      String name = header.getKey();
      if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
        contentLength = header.getValue().isEmpty() ? -1 : Long.parseLong(header.getValue().get(0).trim());
      } else if (!TRANSFER_ENCODING.equalsIgnoreCase(name)) {
        header.getValue().forEach(value -> builder.addHeader(name, value));
      }
    }
    String method = request.method().name();
    RequestBody body = null;
    if (!BODILESS.contains(method)) {
      body = content.isPresent() ? new StreamedBody(content.get(), contentLength)
          : BODY_REQUIRED.contains(method) ? RequestBody.create(new byte[0]) : null;
    }
    return builder.method(method, body).build();
  }

  private static HttpExecuteResponse sdkResponse(Response response, Call call) {
    SdkHttpResponse head = SdkHttpResponse.builder()
        .statusCode(response.code())
        .statusText(response.message())
        .headers(response.headers().toMultimap())
        .build();
    InputStream body = new FilterInputStream(response.body().byteStream()) {
      @Override
      public void close() {
        response.close();
      }
    };
    return HttpExecuteResponse.builder()
        .response(head)
        .responseBody(AbortableInputStream.create(body, () -> {
          call.cancel();
          response.close();
        }))
        .build();
  }

  /** The SDK's body, streamed as OkHttp writes the request: neither side holds it whole. */
  private static final class StreamedBody extends RequestBody {

    private final ContentStreamProvider content;
    private final long contentLength;

    StreamedBody(ContentStreamProvider content, long contentLength) {
      this.content = content;
      this.contentLength = contentLength;
    }

    /** None, so that OkHttp leaves the SDK's signed Content-Type header as it is. */
    @Override
    public MediaType contentType() {
      return null;
    }

    @Override
    public long contentLength() {
      return contentLength;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      try (Source source = Okio.source(content.newStream())) {
        sink.writeAll(source);
      }
    }
  }
}
