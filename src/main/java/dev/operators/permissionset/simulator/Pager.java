package dev.operators.permissionset.simulator;

import dev.operators.permissionset.simulator.IdentityCenterSimulator.Paging;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pages listings as the simulator's paging mode says. A marker is 24 hex characters, as Huawei's API documents (AWS's
 * NextToken pattern admits them too): 16 of a position and 8 of a check that this simulator issued it for this
 * listing, so a marker it never issued is rejected instead of read as a position.
 */
public final class Pager {

  private static final Pattern MARKER = Pattern.compile("^[0-9a-f]{24}$");

  private final Paging paging;
  private final SecretKeySpec key;

  Pager(Paging paging, long seed) {
    this.paging = paging;
    this.key = new SecretKeySpec(("identity-center-simulator-markers-" + seed).getBytes(StandardCharsets.UTF_8),
        "HmacSHA256");
  }

  /** Whether the marker has the form of one this simulator issues; it may still be no marker of a listing. */
  public static boolean wellFormed(String marker) {
    return MARKER.matcher(marker).matches();
  }

  /**
   * One page of a listing. With KEYSET the marker names the first item of the next page, and the page starts where
   * that item is or would be; with OFFSET it is an offset into the listing as it is at the time of the call.
   *
   * @param scope which listing of what, so that a marker of one listing is no marker of another
   * @param listed the listing now, filters applied, in {@code order}
   * @param key an item's stable key, unique in the listing
   * @param byKey the item of a key, listed now or not
   */
  <T> Page<T> page(String scope, List<T> listed, Comparator<? super T> order, ToLongFunction<T> key,
      LongFunction<T> byKey, Optional<String> marker, int limit) {
    int start = 0;
    if (marker.isPresent()) {
      long position = read(scope, marker.get());
      start = paging == Paging.OFFSET ? (int) Math.min(position, listed.size()) : firstNotBefore(listed, order,
          byKey.apply(position));
    }
    int end = Math.min(start + limit, listed.size());
    String next = null;
    if (end < listed.size()) {
      next = issue(scope, paging == Paging.OFFSET ? end : key.applyAsLong(listed.get(end)));
    }
    return new Page<>(List.copyOf(listed.subList(start, end)), next);
  }

  private static <T> int firstNotBefore(List<T> listed, Comparator<? super T> order, T from) {
    int low = 0;
    int high = listed.size();
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (order.compare(listed.get(middle), from) < 0) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  private String issue(String scope, long position) {
    String value = String.format("%016x", position);
    return check(scope, value) + value;
  }

  private long read(String scope, String marker) {
    if (!wellFormed(marker)) {
      throw new ServiceFault(ServiceFault.Kind.MARKER_MALFORMED, null);
    }
    String value = marker.substring(8);
    if (!check(scope, value).equals(marker.substring(0, 8))) {
      throw new ServiceFault(ServiceFault.Kind.MARKER_FOREIGN, null);
    }
    return Long.parseUnsignedLong(value, 16);
  }

  private String check(String scope, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] digest = mac.doFinal((paging + "/" + scope + "/" + value).getBytes(StandardCharsets.UTF_8));
      return String.format("%02x%02x%02x%02x", digest[0], digest[1], digest[2], digest[3]);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
