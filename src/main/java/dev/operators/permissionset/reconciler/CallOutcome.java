package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import java.time.Instant;

/** What a recorded intent to provision came to, as its call (or the recovery of an earlier call) found out. */
sealed interface CallOutcome {

  /** The cloud has the request: the call made it, or an earlier attempt did and recovery found it. */
  record Requested(ProvisioningRequest request) implements CallOutcome {
  }

  /** The call failed; whether it may have reached the cloud is the error's category. */
  record Failed(IdentityCenterException error) implements CallOutcome {
  }

  /** Only asked to look for an earlier attempt's request, and the cloud has none: nothing is in flight. */
  record NothingSent() implements CallOutcome {
  }

  /**
   * The cloud's lists may not show a request made this recently yet, so whether an earlier attempt got through cannot
   * be told before {@code lookAgainAt}.
   */
  record NotListedYet(Instant lookAgainAt) implements CallOutcome {
  }
}
