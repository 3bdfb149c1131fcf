package dev.pullsecret.webhook.registry;

/**
 * Told about every image a review looked up (its digest, or whether a mirror holds it), and every
 * request made to a registry. Each method does nothing unless overridden.
 */
public interface LookupObserver {

  LookupObserver NONE = new LookupObserver() {};

  /**
   * One image of a review whose tag was resolved: {@code hit} (a cached digest), {@code miss} (a
   * digest the registry was asked for, by this review or one in flight), {@code error} or {@code
   * timeout}.
   */
  default void resolved(String result) {}

  /**
   * One image of a review asked of a {@code when: present} mirror: {@code present}, {@code absent}
   * (404), {@code error} (any other answer, refusals included) or {@code timeout}.
   *
   * @param mirror the mirror's target as the rules write it, never the image
   */
  default void mirrorChecked(String mirror, String result) {}

  /** One lookup at a registry, with its outcome ({@code found}, {@code refused}, ...). */
  default void requested(String result, long nanos) {}
}
