package dev.pullsecret.webhook.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * An integration test that asserts on wall-clock time (a budget, a deadline, a percentile), so it
 * never runs beside the siege of {@code SlowClientsIT}. That siege holds {@link #QUIET} for itself
 * and runs beside the other integration tests, which it slows but cannot fail (on 2 cores: CI 7:12
 * to 6:28, the siege 120 to 153 s); {@link Last} runs these tests after the others, by when the
 * siege is usually over.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ResourceLock(value = WallClock.QUIET, mode = ResourceAccessMode.READ)
public @interface WallClock {

  /** The lock that a siege holds exclusively and a {@link WallClock} test shares. */
  String QUIET = "a machine not under siege";

  /** Failsafe's class order: the {@link WallClock} tests last, each group in its given order. */
  final class Last implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
      context
          .getClassDescriptors()
          .sort(
              (a, b) ->
                  Boolean.compare(a.isAnnotated(WallClock.class), b.isAnnotated(WallClock.class)));
    }
  }
}
