package dev.operators.permissionset.drift;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What the last drift check of a {@link DriftGroup} found. */
public sealed interface DriftFinding {

  /** When the check answered. */
  Instant at();

  /** The cloud listed the accounts that hold an out-of-date copy of the permission set, in its order. */
  record Checked(Instant at, List<String> outOfDateAccounts) implements DriftFinding {

    public Checked {
      Objects.requireNonNull(at, "at");
      outOfDateAccounts = List.copyOf(outOfDateAccounts);
    }

    /** Whether {@code account} holds an out-of-date copy. */
    public boolean outOfDate(String account) {
      return outOfDateAccounts.contains(account);
    }
  }

  /** The check could not be made: the connection is not usable, or the call failed. */
  record Failed(Instant at, String reason) implements DriftFinding {

    public Failed {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
