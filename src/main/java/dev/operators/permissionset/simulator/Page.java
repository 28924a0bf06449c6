package dev.operators.permissionset.simulator;

import java.util.List;

/** One page of a listing and the marker (NextToken) of the next, null on the last page. */
public record Page<T>(List<T> items, String nextMarker) {

  public Page {
    items = List.copyOf(items);
  }
}
