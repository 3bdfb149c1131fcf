package dev.pullsecret.webhook;

import dev.pullsecret.webhook.cli.Cli;
import dev.pullsecret.webhook.registry.RegistryClient;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * Entry point. Without a command it starts the webhook server; with one of the {@link Cli} commands
 * (for example {@code certs}) it runs that command and exits without starting Spring. The check
 * loads no command-line code, so the server's start-up pays nothing for it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
// One way to wire (docs/development.md, "Where a new part goes"): the features' configuration
// classes only; the actuator imports the management server's into that server's own context.
@ComponentScan(
    useDefaultFilters = false,
    includeFilters =
        @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = Configuration.class),
    excludeFilters = {
      @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
      @ComponentScan.Filter(
          type = FilterType.ANNOTATION,
          classes = ManagementContextConfiguration.class)
    })
@ConfigurationPropertiesScan
public class PullSecretWebhookApplication {

  public static void main(String[] args) {
    RegistryClient.boundConnectionPool();
    if (Cli.selectsCommand(args)) {
      System.exit(Cli.run(args));
    }
    SpringApplication.run(PullSecretWebhookApplication.class, args);
  }
}
