package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.rules.InvalidRulesException;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesError;
import java.io.PrintWriter;

/**
 * How commands report refused rules (every error located, then one hint) and the warnings of valid
 * ones, on standard error.
 */
final class RulesFiles {

  private RulesFiles() {}

  static void report(InvalidRulesException e, PrintWriter err) {
    int count = e.errors().size();
    err.println(e.source() + ": invalid, " + count + (count == 1 ? " error:" : " errors:"));
    for (RulesError error : e.errors()) {
      err.println(error.format(e.source()));
    }
    err.println(
        "hint: the webhook keeps serving its last good rules until this file is fixed;"
            + " see examples/rules.yaml for a commented example.");
  }

  /** {@code FILE:LINE:COLUMN: FIELD: warning: MESSAGE}, as compilers write warnings. */
  static void warn(Rules rules, String source, PrintWriter err) {
    for (RulesError warning : rules.warnings()) {
      err.println(warning.format(source, "warning: "));
    }
  }
}
