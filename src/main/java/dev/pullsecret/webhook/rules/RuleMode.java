package dev.pullsecret.webhook.rules;

/** Whether a rule changes pods or only reports what it would change (to roll a rule out safely). */
public enum RuleMode {
  /** Patch pods. */
  ENFORCE,
  /** Change nothing; return warnings and count metrics of what would have been changed. */
  AUDIT
}
