package dev.pullsecret.webhook.registry;

/** Told about every image resolved in a review, and every request made to a registry. */
public interface LookupObserver {

  LookupObserver NONE =
      new LookupObserver() {
        @Override
        public void resolved(String result) {}

        @Override
        public void requested(String result, long nanos) {}
      };

  /**
   * One image of a review: {@code hit} (a cached digest), {@code miss} (a digest the registry was
   * asked for, by this review or one in flight), {@code error} or {@code timeout}.
   */
  void resolved(String result);

  /** One lookup at a registry, with its outcome ({@code found}, {@code refused}, ...). */
  void requested(String result, long nanos);
}
