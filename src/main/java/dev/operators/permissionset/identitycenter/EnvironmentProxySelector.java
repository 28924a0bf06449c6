package dev.operators.permissionset.identitycenter;

import dev.operators.permissionset.config.ConfigurationException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxies of the process environment, as curl and Go read them (OkHttp reads none): {@code HTTPS_PROXY} for
 * https URLs, {@code HTTP_PROXY} for http URLs, the upper-case name before the lower-case one, and none for hosts
 * that {@code NO_PROXY} names. A proxy is written {@code http://host:port} (port 80 when left out, the scheme
 * {@code http://} when left out, as Go does); proxies that need credentials are not supported.
 *
 * <p>{@code NO_PROXY} is a comma-separated list, case-insensitive, of: {@code *} (no proxy at all); host names,
 * which match the host and its subdomains, with or without a leading {@code .} or {@code *.}; IP addresses; IP
 * ranges such as {@code 10.0.0.0/8}; any of these but ranges with a {@code :port} (IPv6 addresses in brackets),
 * which then match only that port. As in Go, {@code localhost} and loopback addresses never go through a proxy.
 */
public final class EnvironmentProxySelector extends ProxySelector {

  public static final String HTTPS_PROXY = "HTTPS_PROXY";
  public static final String HTTP_PROXY = "HTTP_PROXY";
  public static final String NO_PROXY = "NO_PROXY";

  private static final List<Proxy> DIRECT = List.of(Proxy.NO_PROXY);
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  // an IPv6 literal starts with a hex digit or a colon: InetAddress parses such text and never looks it up
  private static final Pattern IPV6 = Pattern.compile("(?=[^:]*:)[0-9a-f:][0-9a-f:.]*");
  private static final Pattern DIGITS = Pattern.compile("\\d{1,5}");

  private final Optional<Proxy> httpsProxy;
  private final Optional<Proxy> httpProxy;
  private final List<NoProxyEntry> noProxy;

  /**
   * One NO_PROXY entry: every host, a domain with its subdomains, or an address range (a single address is a
   * range of one), limited to one port unless the port is -1.
   */
  private record NoProxyEntry(Kind kind, String domain, byte[] network, int prefixLength, int port) {

    enum Kind { EVERY_HOST, DOMAIN, ADDRESS_RANGE }

    static NoProxyEntry domain(String domain, int port) {
      return new NoProxyEntry(Kind.DOMAIN, domain, null, 0, port);
    }

    static NoProxyEntry addresses(byte[] network, int prefixLength, int port) {
      return new NoProxyEntry(Kind.ADDRESS_RANGE, null, network, prefixLength, port);
    }

    boolean matches(String host, Optional<byte[]> address, int requestPort) {
      if (port >= 0 && port != requestPort) {
        return false;
      }
      return switch (kind) {
        case EVERY_HOST -> true;
        case DOMAIN -> address.isEmpty() && (host.equals(domain) || host.endsWith("." + domain));
        case ADDRESS_RANGE -> address.filter(ip -> inRange(ip, network, prefixLength)).isPresent();
      };
    }
  }

  private EnvironmentProxySelector(Optional<Proxy> httpsProxy, Optional<Proxy> httpProxy,
      List<NoProxyEntry> noProxy) {
    this.httpsProxy = httpsProxy;
    this.httpProxy = httpProxy;
    this.noProxy = List.copyOf(noProxy);
  }

  /**
   * @param env the process environment, or a test's
   * @throws ConfigurationException when a proxy variable is no usable proxy URL; the message names the variable
   *     and never shows a password
   */
  public static EnvironmentProxySelector fromEnvironment(Map<String, String> env) {
    return new EnvironmentProxySelector(proxy(env, HTTPS_PROXY), proxy(env, HTTP_PROXY),
        noProxyEntries(variable(env, NO_PROXY).map(Map.Entry::getValue).orElse("")));
  }

  @Override
  public List<Proxy> select(URI uri) {
    if (uri == null) {
      throw new IllegalArgumentException("uri is null");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Optional<Proxy> proxy = switch (scheme) {
      case "https" -> httpsProxy;
      case "http" -> httpProxy;
      default -> Optional.empty();
    };
    if (proxy.isEmpty() || uri.getHost() == null) {
      return DIRECT;
    }
    String host = unbracketed(uri.getHost().toLowerCase(Locale.ROOT));
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    Optional<byte[]> address = ipAddress(host);
    if (host.equals("localhost") || address.filter(EnvironmentProxySelector::isLoopback).isPresent()
        || noProxy.stream().anyMatch(entry -> entry.matches(host, address, port))) {
      return DIRECT;
    }
    return List.of(proxy.get());
  }

  @Override
  public void connectFailed(URI uri, SocketAddress address, IOException failure) {
    // there is no other proxy to fall back to; the call fails and reports the failure
  }

  private static Optional<Proxy> proxy(Map<String, String> env, String upperCaseName) {
    Optional<Map.Entry<String, String>> variable = variable(env, upperCaseName);
    if (variable.isEmpty()) {
      return Optional.empty();
    }
    String name = variable.get().getKey();
    String value = variable.get().getValue();
    String shown = value.contains("@") ? "" : "='" + value + "'";
    URI url;
    try {
      url = new URI(value.contains("://") ? value : "http://" + value);
    } catch (URISyntaxException e) {
      throw new ConfigurationException(name + shown + " is not a proxy URL such as http://proxy.example:3128");
    }
    if (url.getRawAuthority() != null && url.getRawAuthority().contains("@")) {
      throw new ConfigurationException(name + " holds a user name or password; proxies that need credentials are "
          + "not supported, so point it at a proxy that needs none, written http://host:port");
    }
    if (!"http".equalsIgnoreCase(url.getScheme())) {
      throw new ConfigurationException(name + shown + " must be an http:// proxy URL; the operator talks to its "
          + "proxy in plain HTTP (https requests still go through it encrypted, with CONNECT)");
    }
    if (url.getHost() == null || url.getPort() == 0 || url.getPort() > 65535) {
      throw new ConfigurationException(name + shown + " is not a proxy URL such as http://proxy.example:3128");
    }
    return Optional.of(new Proxy(Proxy.Type.HTTP,
        InetSocketAddress.createUnresolved(unbracketed(url.getHost()), url.getPort() < 0 ? 80 : url.getPort())));
  }

  /** The upper-case variable, else the lower-case one; an empty value counts as unset. */
  private static Optional<Map.Entry<String, String>> variable(Map<String, String> env, String upperCaseName) {
    for (String name : List.of(upperCaseName, upperCaseName.toLowerCase(Locale.ROOT))) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return Optional.of(Map.entry(name, value.trim()));
      }
    }
    return Optional.empty();
  }

  private static List<NoProxyEntry> noProxyEntries(String noProxy) {
    List<NoProxyEntry> entries = new ArrayList<>();
    for (String raw : noProxy.split(",")) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        return List.of(new NoProxyEntry(NoProxyEntry.Kind.EVERY_HOST, null, null, 0, -1));
      }
      Optional<NoProxyEntry> range = addressRange(entry);
      if (range.isPresent()) {
        entries.add(range.get());
        continue;
      }
      String host = entry;
      int port = -1;
      int colon = entry.lastIndexOf(':');
      boolean bracketed = entry.startsWith("[");
      if (colon > 0 && (bracketed ? entry.charAt(colon - 1) == ']' : entry.indexOf(':') == colon)
          && DIGITS.matcher(entry.substring(colon + 1)).matches()) {
        host = entry.substring(0, colon);
        port = Integer.parseInt(entry.substring(colon + 1));
      }
      host = unbracketed(host);
      Optional<byte[]> address = ipAddress(host);
      if (address.isPresent()) {
        entries.add(NoProxyEntry.addresses(address.get(), address.get().length * 8, port));
        continue;
      }
      host = host.startsWith("*.") ? host.substring(2) : host.startsWith(".") ? host.substring(1) : host;
      if (!host.isEmpty()) {
        entries.add(NoProxyEntry.domain(host, port));
      }
    }
    return entries;
  }

  private static Optional<NoProxyEntry> addressRange(String entry) {
    int slash = entry.indexOf('/');
    if (slash < 0 || !DIGITS.matcher(entry.substring(slash + 1)).matches()) {
      return Optional.empty();
    }
    Optional<byte[]> network = ipAddress(entry.substring(0, slash));
    int prefixLength = Integer.parseInt(entry.substring(slash + 1));
    return network.filter(address -> prefixLength <= address.length * 8)
        .map(address -> NoProxyEntry.addresses(address, prefixLength, -1));
  }

  /** The address an IP literal spells, without asking DNS: anything else is a host name. */
  private static Optional<byte[]> ipAddress(String host) {
    if (IPV4.matcher(host).matches()) {
      String[] parts = host.split("\\.");
      byte[] address = new byte[4];
      for (int i = 0; i < 4; i++) {
        int part = Integer.parseInt(parts[i]);
        if (part > 255) {
          return Optional.empty();
        }
        address[i] = (byte) part;
      }
      return Optional.of(address);
    }
    if (IPV6.matcher(host).matches()) {
      try {
        return Optional.of(InetAddress.getByName(host).getAddress());
      } catch (UnknownHostException notAnAddress) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static boolean isLoopback(byte[] address) {
    try {
      return InetAddress.getByAddress(address).isLoopbackAddress();
    } catch (UnknownHostException impossible) {
      return false;
    }
  }

  private static boolean inRange(byte[] address, byte[] network, int prefixLength) {
    if (address.length != network.length) {
      return false;
    }
    for (int bit = 0; bit < prefixLength; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
