package dev.pullsecret.webhook;

import dev.pullsecret.webhook.cli.Commands;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point. Without a command it starts the webhook server; with one of the {@link Commands}
 * (for example {@code certs}) it runs that command and exits without starting Spring.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PullSecretWebhookApplication {

  public static void main(String[] args) {
    var command = Commands.find(args);
    if (command.isPresent()) {
      System.exit(command.get().getAsInt());
    }
    SpringApplication.run(PullSecretWebhookApplication.class, args);
  }
}
