package dev.pullsecret.webhook;

import dev.pullsecret.webhook.cli.Cli;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point. Without a command it starts the webhook server; with one of the {@link Cli} commands
 * (for example {@code certs}) it runs that command and exits without starting Spring. The check
 * loads no command-line code, so the server's start-up pays nothing for it.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PullSecretWebhookApplication {

  public static void main(String[] args) {
    if (Cli.selectsCommand(args)) {
      System.exit(Cli.run(args));
    }
    SpringApplication.run(PullSecretWebhookApplication.class, args);
  }
}
