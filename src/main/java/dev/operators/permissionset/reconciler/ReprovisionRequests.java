package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a resource wake its reconciler: a new spec generation, a new value of the
 * {@value PermissionSetProvisioning#REPROVISION_REQUESTED_AT} annotation, or the start of its deletion. JOSDK's
 * generation-aware filtering alone would drop the annotation, which does not raise the generation; the operator's
 * own status writes, labels and other annotations wake nothing.
 */
public final class ReprovisionRequests {

  private ReprovisionRequests() {
  }

  public static boolean newGenerationOrRequest(PermissionSetProvisioning now, PermissionSetProvisioning before) {
    return !Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
        || !Objects.equals(token(now), token(before))
        || now.isMarkedForDeletion() && !before.isMarkedForDeletion();
  }

  private static String token(PermissionSetProvisioning resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(PermissionSetProvisioning.REPROVISION_REQUESTED_AT);
  }
}
