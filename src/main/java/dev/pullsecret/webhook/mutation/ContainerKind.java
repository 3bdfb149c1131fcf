package dev.pullsecret.webhook.mutation;

/** The three lists of a pod spec that hold containers, each with its own pull of images. */
public enum ContainerKind {
  INIT("initContainers"),
  CONTAINER("containers"),
  EPHEMERAL("ephemeralContainers");

  private final String field;

  ContainerKind(String field) {
    this.field = field;
  }

  /** The pod spec field, e.g. {@code initContainers}. */
  public String field() {
    return field;
  }
}
