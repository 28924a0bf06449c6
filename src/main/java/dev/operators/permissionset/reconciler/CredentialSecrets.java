package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Watches the Secrets that resources name in spec.credentialsSecretRef, so a resource stalled on a missing or
 * malformed Secret is reconciled as soon as the Secret is created or fixed. The watch keeps the Secrets' metadata
 * only: the operator reads a Secret's values when a reconcile needs them and never holds the values of every
 * Secret in the namespaces it watches.
 */
final class CredentialSecrets {

  static final String INDEX = "by-credentials-secret";

  EventSource<Secret, PermissionSetProvisioning> eventSource(EventSourceContext<PermissionSetProvisioning> context) {
    IndexerResourceCache<PermissionSetProvisioning> resources = context.getPrimaryCache();
    resources.addIndexer(INDEX, resource -> {
      SecretReference reference = resource.getSpec() == null ? null : resource.getSpec().getCredentialsSecretRef();
      return reference == null || reference.getName() == null ? List.of()
          : List.of(key(resource.getMetadata().getNamespace(), reference.getName()));
    });
    return new InformerEventSource<>(InformerEventSourceConfiguration
        .from(Secret.class, PermissionSetProvisioning.class)
        .withName("credentials-secrets")
        .withSecondaryToPrimaryMapper(secret -> resources
            .byIndex(INDEX, key(secret.getMetadata().getNamespace(), secret.getMetadata().getName())).stream()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .withNamespacesInheritedFromController()
        .withItemStore(new MetadataOnlyStore())
        .build(), context);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /**
   * Stores what the watch needs to tell one Secret and one version from another, and nothing else: not the values,
   * and not the annotations, where kubectl apply keeps a copy of them (last-applied-configuration).
   */
  static final class MetadataOnlyStore extends BasicItemStore<Secret> {

    MetadataOnlyStore() {
      super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Secret put(String key, Secret secret) {
      ObjectMeta metadata = secret.getMetadata();
      return super.put(key, new SecretBuilder().withNewMetadata()
          .withNamespace(metadata.getNamespace())
          .withName(metadata.getName())
          .withUid(metadata.getUid())
          .withResourceVersion(metadata.getResourceVersion())
          .endMetadata()
          .build());
    }
  }
}
