package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.credentials.DockerConfig;
import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the sync loop knows of the cluster, kept by watches: namespaces ({@link NamespaceWatch}),
 * our copies (by name and our label) and the sources (each by its one name): {@link NamedWatches}.
 * Memory grows with namespaces × delivered secrets, a few hundred bytes each, whatever tenants
 * write (docs/secret-delivery.md, Plumbing; bench/README.md, Secret delivery).
 */
final class SyncCaches implements AutoCloseable {

  /**
   * Objects per page of an informer's list (client-go's reflector pages by 500 too): the whole
   * objects of one page are the peak the first list holds before the stores reduce them.
   */
  static final long LIST_PAGE = 500;

  /**
   * A source as last seen, and its content parsed as the kubelet reads it: once per change, as
   * digest lookups ask on every review.
   */
  private record Source(Secret secret, DockerConfig content) {

    Source(Secret secret) {
      this(secret, PullSecretCheck.of(secret.getType(), secret.getData(), List.of()).config());
    }
  }

  /**
   * What is known of one of our copies: enough to tell whether it is current and to update it, and
   * nothing a tenant could make large. Anyone who can write a Secret can put our label on it, and a
   * tenant can edit our copy: whole objects, up to 1 MiB each and in any number, would all be held.
   *
   * @param sourceMark the copy's source annotation, or null
   * @param hashMark the copy's content-hash annotation (what it was made from), or null
   * @param contentHash the hash of what the copy holds now (type and data)
   * @param immutable the copy was made immutable (a tenant can): its data cannot be updated
   */
  record ObservedCopy(
      String resourceVersion,
      String type,
      String sourceMark,
      String hashMark,
      String contentHash,
      boolean immutable) {

    /**
     * Longer than any type, source ({@code namespace/name}) or hash a copy of ours can carry (the
     * API server bounds neither a Secret's type nor one annotation, only all of them: 256 KiB); a
     * longer value is kept as one that matches nothing, so the copy is rewritten.
     */
    static final int MAX_KEPT_CHARS = 512;

    static ObservedCopy of(Secret copy) {
      return new ObservedCopy(
          copy.getMetadata().getResourceVersion(),
          bounded(copy.getType()),
          bounded(CopyMarks.annotation(copy, CopyMarks.SOURCE_ANNOTATION)),
          bounded(CopyMarks.annotation(copy, CopyMarks.HASH_ANNOTATION)),
          CopyMarks.contentHash(copy),
          Boolean.TRUE.equals(copy.getImmutable()));
    }

    private static String bounded(String value) {
      return value == null || value.length() <= MAX_KEPT_CHARS ? value : "(too long)";
    }
  }

  private final KubernetesClient copiesClient;
  private final NamespaceWatch namespaces;
  private final NamedWatches<String, ObservedCopy> copies;
  private final NamedWatches<SecretSource, Source> sources;

  /**
   * @param namespaceChanged told the name of a namespace whose facts or copies changed
   * @param sourceChanged told a source that was created, changed or deleted
   * @param everything told to look at everything again: the namespace watch was replaced to keep
   *     other labels, or a watch became forbidden or allowed (the webhook's RBAC)
   */
  SyncCaches(
      KubernetesClient client,
      SyncProperties settings,
      MeterRegistry registry,
      Consumer<String> namespaceChanged,
      Consumer<SecretSource> sourceChanged,
      Runnable everything) {
    this.namespaces =
        new NamespaceWatch(
            client,
            settings.resync().toMillis(),
            settings.namespaceReadBudget(),
            registry,
            namespaceChanged,
            everything);
    // A client of its own, whose Secrets bind only what ObservedCopy reads.
    this.copiesClient = Informers.client(client.getConfiguration(), CopyFields::bindOnlyReadFields);
    this.copies =
        new NamedWatches<>(
            "copies named ",
            name ->
                copiesClient
                    .secrets()
                    .inAnyNamespace()
                    .withField("metadata.name", name)
                    .withLabel(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
                    .withLimit(LIST_PAGE)
                    .runnableInformer(0),
            () -> new ReducedStore<>(Secret::new, ObservedCopy::of, ObservedCopy::resourceVersion),
            (name, copy) -> namespaceChanged.accept(copy.getMetadata().getNamespace()),
            everything);
    this.sources =
        new NamedWatches<>(
            "source Secret ",
            source ->
                client
                    .secrets()
                    .inNamespace(source.namespace())
                    .withName(source.name())
                    .runnableInformer(0),
            () ->
                new ReducedStore<>(
                    Secret::new, Source::new, s -> s.secret().getMetadata().getResourceVersion()),
            (source, secret) -> sourceChanged.accept(source),
            everything);
  }

  /** Watches exactly these sources, and our copies of exactly these names. */
  void watch(Set<SecretSource> watchedSources, Set<String> copyNames) {
    copies.watch(copyNames);
    sources.watch(watchedSources);
  }

  boolean hasSynced() {
    return namespaces.hasSynced() && copies.hasSynced() && sources.hasSynced();
  }

  boolean copiesSynced() {
    return copies.hasSynced();
  }

  /** Whether the webhook's RBAC keeps it from watching {@code secret}'s copies or its source. */
  boolean forbidden(PullSecret secret) {
    return copies.isForbidden(secret.name()) || sources.isForbidden(secret.source());
  }

  NamespaceWatch namespaces() {
    return namespaces;
  }

  /** The source as last seen; empty when it does not exist (or is not watched). */
  Optional<Secret> source(SecretSource source) {
    return watched(source).map(Source::secret);
  }

  /** The content of the source as the kubelet reads it, for digest lookups. */
  Optional<DockerConfig> content(SecretSource source) {
    return watched(source).map(Source::content);
  }

  private Optional<Source> watched(SecretSource source) {
    return Optional.ofNullable(sources.kept(source, source.namespace(), source.name()));
  }

  /** What is known of our copies in {@code namespace}, by name. */
  Map<String, ObservedCopy> ours(String namespace) {
    Map<String, ObservedCopy> byName = new HashMap<>();
    copies.keys().forEach(name -> byName.put(name, copies.kept(name, namespace, name)));
    byName.values().removeIf(Objects::isNull);
    return byName;
  }

  /** Asked on the admission path, per review. */
  boolean hasCopy(String namespace, String name) {
    return copies.kept(name, namespace, name) != null;
  }

  @Override
  public void close() {
    sources.close();
    copies.close();
    copiesClient.close();
    namespaces.close();
  }
}
