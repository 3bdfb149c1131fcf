package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events (events.k8s.io/v1) for what a person should know, on the object concerned, with
 * a stable reason. The same note on the same object is told once, so a resync every few minutes
 * does not repeat a conflict forever. Failing to record an Event is logged, never thrown, and the
 * note is told again at the next look.
 */
public class SyncEvents {

  /**
   * Event reasons: stable, for alerts and {@code kubectl get events --field-selector reason=}; each
   * with what the webhook was doing (the Event's action).
   */
  public enum Reason {
    CopyCreated("Sync"),
    CopyUpdated("Sync"),
    CopyConflict("Sync"),
    CopyForbidden("Sync"),
    SourceInvalid("Check"),
    SourceNotCopied("Check"),
    SourceMissing("Check"),
    /** A pending pod cannot pull for lack of a pull secret its rule gives (recovery). */
    MissingPullSecret("Recover"),
    /** Such a pod was evicted so that its controller recreates it with its secrets. */
    PodEvicted("Recover"),
    CredentialsRenewed("Renew"),
    CredentialsRenewalFailed("Renew");

    private final String action;

    Reason(String action) {
      this.action = action;
    }
  }

  public record Regarding(String kind, String namespace, String name) {}

  private static final Logger log = LoggerFactory.getLogger(SyncEvents.class);
  private static final int MAX_REMEMBERED = 10_000;
  private static final int MAX_NOTE = 1024;
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final String instance;
  private final Clock clock;
  private final Map<Told, String> lastNotes = new ConcurrentHashMap<>();

  /** What a note was told about: the last note of each is remembered. */
  private record Told(Regarding regarding, Reason reason) {}

  SyncEvents(KubernetesClient client, String instance, Clock clock) {
    this.client = client;
    this.instance = instance;
    this.clock = clock;
  }

  public void normal(Regarding regarding, Reason reason, String note) {
    record(regarding, reason, "Normal", note);
  }

  public void warning(Regarding regarding, Reason reason, String note) {
    record(regarding, reason, "Warning", note);
  }

  /** Forgets what was told about an object, so that the next note is told even if the same. */
  void forget(Regarding regarding, Reason reason) {
    lastNotes.remove(new Told(regarding, reason));
  }

  /**
   * The regarded object's name and a random suffix, as a name: at most 253 characters. A pod's name
   * may have 253 already, and the API server refuses a longer Event, so its Event was never told.
   */
  static String name(String regarding) {
    String suffix = "." + Long.toHexString(ThreadLocalRandom.current().nextLong());
    String prefix = regarding.substring(0, Math.min(regarding.length(), 253 - suffix.length()));
    // A name cut short may end in '-' or '.', which may not come before the suffix's dot.
    return prefix.replaceAll("[-.]+$", "") + suffix;
  }

  /**
   * {@code note} as an Event holds it: at most {@value #MAX_NOTE} bytes of UTF-8, as the API server
   * counts them (a note of 600 characters of two bytes each was refused, and the Event lost), cut
   * short between characters with "...".
   */
  static String note(String note) {
    if (note.getBytes(StandardCharsets.UTF_8).length <= MAX_NOTE) {
      return note;
    }
    var kept = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < note.length(); ) {
      int c = note.codePointAt(i);
      int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (bytes + size > MAX_NOTE - 3) {
        break;
      }
      kept.appendCodePoint(c);
      bytes += size;
      i += Character.charCount(c);
    }
    return kept + "...";
  }

  private void record(Regarding regarding, Reason reason, String type, String note) {
    String text = note(note);
    var told = new Told(regarding, reason);
    if (text.equals(lastNotes.get(told))) {
      return;
    }
    if (lastNotes.size() >= MAX_REMEMBERED) {
      lastNotes.clear();
    }
    lastNotes.put(told, text);
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(regarding.namespace())
            .withName(name(regarding.name()))
            .endMetadata()
            .withEventTime(new MicroTime(MICRO_TIME.format(clock.instant())))
            .withReportingController("pullsecret.dev/pullsecret-webhook")
            .withReportingInstance(instance)
            .withAction(reason.action)
            .withReason(reason.name())
            .withType(type)
            .withNote(text)
            .withRegarding(
                new ObjectReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind(regarding.kind())
                    .withNamespace(regarding.namespace())
                    .withName(regarding.name())
                    .build())
            .build();
    try {
      client.events().v1().events().inNamespace(regarding.namespace()).resource(event).create();
    } catch (RuntimeException e) {
      lastNotes.remove(told, text); // not told: told again at the next look
      log.warn("Could not record Event {} on {}: {}", reason, regarding, e.toString());
    }
  }
}
