package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestRecoveryTest {

  private static final String INSTANCE = "ins-4f1d2c3b4a596870";
  private static final String PERMISSION_SET = "ps-8603aaaaaaaa14bd";
  private static final Instant INTENT = Instant.parse("2026-01-01T00:00:00Z");

  /** Forty requests of other accounts, then the one sought; every seventh describe fails once. */
  private static final class FlakyCloud implements IdentityCenterClient {

    private final List<String> described = new ArrayList<>();
    private int describes;

    private static String requestId(int index) {
      return String.format("00000000-0000-0000-0000-%012d", index);
    }

    @Override
    public Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
        Optional<String> marker) {
      return new Page<>(IntStream.rangeClosed(0, 40).mapToObj(i -> new ProvisioningSummary(requestId(i),
          ProvisioningStatus.SUCCEEDED, "SUCCEEDED", Optional.of(INTENT))).toList(), Optional.empty());
    }

    @Override
    public ProvisioningRequest describeProvisioning(String instanceId, String requestId) {
      if (++describes % 7 == 0) {
        throw new IdentityCenterException("DescribePermissionSetProvisioningStatus", ErrorCategory.SERVER_ERROR,
            503, "APIGW.0203", "Service temporarily unavailable.", null, null);
      }
      described.add(requestId);
      String account = requestId.equals(requestId(40)) ? "sought" : "other-" + requestId;
      return new ProvisioningRequest(requestId, ProvisioningStatus.SUCCEEDED, "SUCCEEDED", Optional.of(account),
          Optional.of(PERMISSION_SET), Optional.empty(), Optional.of(INTENT));
    }

    @Override
    public ProvisioningRequest provision(String instanceId, String permissionSetId, ProvisioningTarget target) {
      throw new UnsupportedOperationException("recovery never provisions");
    }

    @Override
    public Optional<PermissionSet> findPermissionSetById(String instanceId, String permissionSetId) {
      throw new UnsupportedOperationException("recovery never looks up permission sets");
    }

    @Override
    public Optional<PermissionSet> findPermissionSetByName(String instanceId, String name) {
      throw new UnsupportedOperationException("recovery never looks up permission sets");
    }
  }

  @Test
  void eachAttemptGoesOnWhereTheFailedOneStoppedSoRecoveryGetsThroughAFlakyCloud() {
    FlakyCloud cloud = new FlakyCloud();
    RequestRecovery recovery = new RequestRecovery();
    Optional<ProvisioningRequest> found = Optional.empty();
    int attempts = 0;
    while (found.isEmpty() && attempts < 10) {
      attempts++;
      try {
        found = recovery.find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("sought"), INTENT,
            Set.of());
      } catch (IdentityCenterException e) {
        assertThat(e.category()).isEqualTo(ErrorCategory.SERVER_ERROR);
      }
    }

    assertThat(found).map(ProvisioningRequest::requestId).contains(FlakyCloud.requestId(40));
    assertThat(attempts).isEqualTo(7);
    assertThat(cloud.described).as("no request described twice").doesNotHaveDuplicates().hasSize(41);
  }

  @Test
  void aRequestKnownToProvisionSomethingElseIsNotDescribedAgain() {
    FlakyCloud cloud = new FlakyCloud();
    RequestRecovery recovery = new RequestRecovery();
    assertThatThrownBy(() -> recovery.find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("absent"),
        INTENT, Set.of())).isInstanceOf(IdentityCenterException.class);
    int before = cloud.described.size();

    assertThatThrownBy(() -> recovery.find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("absent"),
        INTENT, Set.of())).isInstanceOf(IdentityCenterException.class);

    assertThat(cloud.described.subList(0, before)).doesNotContainAnyElementsOf(cloud.described.subList(before,
        cloud.described.size()));
  }
}
