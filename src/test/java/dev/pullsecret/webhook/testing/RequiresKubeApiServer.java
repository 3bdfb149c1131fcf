package dev.pullsecret.webhook.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs on {@link KubeApiServer}: skipped with the reason when its binaries are
 * missing ({@code KUBEBUILDER_ASSETS}), failed instead when {@code CI=true}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KubeAssets.Required.class)
public @interface RequiresKubeApiServer {}
