package dev.pullsecret.webhook.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Namespaces no review has shown yet, against the worst rules file {@code validate} accepts: {@link
 * RulesParser#MAX_GLOBS} globs of the shape that made the regex engine backtrack ({@code
 * *a*a...*a*xy}, 63 characters) and exact names up to {@link RulesParser#MAX_PATTERNS}. What such a
 * namespace costs is measured by RulesCostBenchmark (src/jmh), the figure in
 * docs/failure-semantics.md.
 */
class RulesCostTest {

  private static final String SUFFIXES = "bcdefghijklmnopqrstuvwxyz0123456789";

  @Test
  void madeUpNamespacesGetNoRuleFromTheWorstAcceptedRules() {
    Rules rules = RulesParser.parse(worstAcceptedRules(), "worst.yaml");

    for (int i = 0; i < 2_000; i++) {
      assertThat(rules.forNamespace(madeUp(i), NamespaceLabels.NONE)).isEmpty();
    }
  }

  /**
   * Each rules version stays live while a review uses it (two across a reload). A glob's table
   * takes a kilobyte (the 1,000 globs: ~1 MiB); an exact name is kept as its text. Before, every
   * exact name was compiled into a table too: the 9,000 names cost ~10 MiB more per version, ~11
   * MiB in all where ~2 MiB is expected (the image's heap is 160 MiB).
   */
  @Test
  void theWorstAcceptedRulesKeepAFewMegabytes() {
    String text = worstAcceptedRules();
    long before = heapAfterGc();
    List<Rules> versions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      versions.add(RulesParser.parse(text, "worst.yaml"));
    }
    long perVersion = (heapAfterGc() - before) / versions.size();

    assertThat(versions).hasSize(4);
    assertThat(perVersion).as("bytes kept per rules version").isLessThan(4L << 20);
  }

  /**
   * The YAML library builds the whole tree before any bound of ours is checked, ~200 bytes a node:
   * 1 MiB of one-character list items (524,000 nodes) took ~110 MB, and the webhook (160 MiB heap)
   * ended at start-up and at every restart on that ConfigMap. The file is refused at the node past
   * the bound, where it is, before the tree is built.
   */
  @Test
  void aFileOfMoreNodesThanAnyRulesNeedIsRefusedWhereItPassesTheBound() {
    var items = new StringBuilder("rules: [{name: r, namespaces: [a");
    while (items.length() < RulesParser.MAX_CHARACTERS - 10) {
      items.append(",a");
    }
    String text = items.append("]}]").toString();

    var error =
        catchThrowableOfType(InvalidRulesException.class, () -> RulesParser.parse(text, "flat"));

    assertThat(error).as("the file refused").isNotNull();
    assertThat(error.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.message()).contains("over 100000 YAML nodes");
              assertThat(e.line()).isEqualTo(1);
              assertThat(e.column()).isGreaterThan(2 * (YamlNodes.MAX - 4));
            });
  }

  /**
   * Each host label of a registry pattern is a {@link dev.pullsecret.webhook.glob.Glob} of a
   * kilobyte: a rules file under the size limit listing 105,000 registries (210,000 labels) took
   * ~230 MB to read, and a reload of it ended the webhook (160 MiB heap) with an OutOfMemoryError.
   * (So many are now refused as too many YAML nodes; twice the labels allowed, as here, are read.)
   */
  @Test
  void registryPatternsPastTheirBoundAreRefusedNotHeld() {
    var registries = new StringBuilder();
    for (int i = 0; i < RulesErrors.MAX_REGISTRY_LABELS; i++) {
      registries.append(i == 0 ? "" : ",").append('a').append(i).append(".io");
    }
    String text =
        "pullSecrets: [{name: s, registries: [%s]}]\nrules: [{name: r, namespaces: [x]}]"
            .formatted(registries);

    var error =
        catchThrowableOfType(InvalidRulesException.class, () -> RulesParser.parse(text, "big"));

    assertThat(error).as("the file refused").isNotNull();
    assertThat(error.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("host labels in the registry patterns"));
  }

  @Test
  void registryPatternsUpToTheirBoundAreRead() {
    var registries = new StringBuilder();
    for (int i = 0; i < RulesErrors.MAX_REGISTRY_LABELS / 2; i++) {
      registries.append(i == 0 ? "" : ",").append('a').append(i).append(".io");
    }
    String text =
        "pullSecrets: [{name: s, registries: [%s]}]\nrules: [{name: r, namespaces: [x]}]"
            .formatted(registries);

    assertThat(RulesParser.parse(text, "bound").pullSecrets().getFirst().registries())
        .hasSize(RulesErrors.MAX_REGISTRY_LABELS / 2);
  }

  /**
   * Rules that all name every namespace (a glob {@code *} with labels each) give every namespace a
   * list of as many candidates, cached per namespace. Anyone who reaches the webhook can send
   * reviews of made-up namespaces: with 1,000 such rules, 10,000 of them ended the webhook (160 MiB
   * heap) with an OutOfMemoryError; here 500 rules and 3,000 namespaces kept ~30 MB.
   */
  @Test
  void madeUpNamespacesCacheFewCandidatesWhateverTheRules() {
    var yaml = new StringBuilder("rules:\n");
    for (int i = 0; i < 500; i++) {
      yaml.append(
          "- {name: r%d, namespaces: ['*'], namespaceSelector: {matchLabels: {k: v%d}}}\n"
              .formatted(i, i));
    }
    Rules rules = RulesParser.parse(yaml.toString(), "labelled.yaml");
    long before = heapAfterGc();

    for (int i = 0; i < 3_000; i++) {
      assertThat(rules.forNamespace("made-up-" + i, NamespaceLabels.NONE)).isEmpty();
    }

    assertThat(heapAfterGc() - before).as("bytes the cache keeps").isLessThan(8L << 20);
  }

  /**
   * A rule that chooses by labels alone names every namespace, as {@code *} does, and is counted as
   * one of the {@link RulesParser#MAX_GLOBS}. Before, it was not counted: a file of 16,000 such
   * rules was accepted, and each namespace not seen yet cost ~2 ms to match against them.
   */
  @Test
  void rulesChoosingByLabelsAloneCountAsGlobs() {
    var yaml = new StringBuilder("rules:\n");
    for (int i = 0; i <= RulesParser.MAX_GLOBS; i++) {
      yaml.append("- {name: r%d, namespaceSelector: {matchLabels: {k: v%d}}}\n".formatted(i, i));
    }

    var error =
        catchThrowableOfType(
            InvalidRulesException.class, () -> RulesParser.parse(yaml.toString(), "labels.yaml"));

    assertThat(error).as("the file refused").isNotNull();
    assertThat(error.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("more than 1000 namespace globs"));
  }

  /**
   * A refused file's errors are kept, joined into the exception's message and logged. Before, each
   * unknown pull secret's error listed every declared name: 1,000 unknown names against 100
   * declared ones made a 6 MB message, and a 1 MiB file of such references gigabytes, so a reload
   * of it ended the webhook (160 MiB heap) with an OutOfMemoryError instead of keeping the last
   * good rules.
   */
  @Test
  void manyUnknownPullSecretsAreRefusedInAFewKilobytes() {
    var yaml = new StringBuilder("pullSecrets:\n");
    for (int i = 0; i < 100; i++) {
      yaml.append("- {name: ").append("declared-".repeat(6)).append(i).append(", source: s}\n");
    }
    yaml.append("rules:\n");
    for (int i = 0; i < 1_000; i++) {
      yaml.append(
          "- {name: r%d, namespaces: [x%d], pullSecrets: [unknown-%d]}\n".formatted(i, i, i));
    }
    String text = yaml.toString();

    var error =
        catchThrowableOfType(InvalidRulesException.class, () -> RulesParser.parse(text, "many"));

    assertThat(error).as("the file refused").isNotNull();
    assertThat(error.getMessage().length()).as("characters of the refusal").isLessThan(128 * 1024);
    assertThat(error.errors().getFirst().message())
        .contains("unknown pull secret 'unknown-0'", "declared-declared", "(100 in all)");
    assertThat(error.errors().getLast().message()).contains("900 more errors");
  }

  /**
   * Each mirror whose target another mirror's source matches was reported once per such source:
   * 2,000 mirrors of one registry (4,000 host labels, 60 KB of YAML) made 4,000,000 errors, and a
   * reload of them ended the webhook with an OutOfMemoryError.
   */
  @Test
  void mirrorsThatAllLoopAreRefusedInAFewKilobytes() {
    var yaml = new StringBuilder("rules: [{name: r, namespaces: [x], images: {mirrors: [");
    for (int i = 0; i < 300; i++) {
      yaml.append(i == 0 ? "" : ",").append("{from: m.io, to: m.io/").append(i).append('}');
    }
    String text = yaml.append("]}}]").toString();

    var error =
        catchThrowableOfType(InvalidRulesException.class, () -> RulesParser.parse(text, "loops"));

    assertThat(error).as("the file refused").isNotNull();
    assertThat(error.errors()).hasSizeLessThanOrEqualTo(RulesErrors.MAX_LISTED + 1);
    assertThat(error.getMessage().length()).as("characters of the refusal").isLessThan(64 * 1024);
  }

  /**
   * Each pull secret of a rule is matched against every image of every pod of the namespaces it
   * covers, added to the pod and copied into each namespace. Before, a rule could give any number:
   * 45,000 (a 970 KB file) were accepted after 13 s of parsing, and each pod of such a namespace
   * would have got all of them, a list the webhook itself refuses past 256 when it reads the pod
   * again.
   */
  @Test
  void aRuleGivesAtMost64PullSecrets() {
    var error =
        catchThrowableOfType(
            InvalidRulesException.class,
            () -> RulesParser.parse(ruleGiving(PullSecret.MAX_PER_RULE + 1), "many"));

    assertThat(error).as("the file refused").isNotNull();
    assertThat(error.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("more than 64 pull secrets in one rule"))
        .satisfies(e -> assertThat(e.path()).isEqualTo("rules[0].pullSecrets[64]"));
    assertThat(
            RulesParser.parse(ruleGiving(PullSecret.MAX_PER_RULE), "64")
                .rules()
                .getFirst()
                .pullSecrets())
        .hasSize(64);
  }

  private static String ruleGiving(int secrets) {
    var declared = new StringBuilder();
    var given = new StringBuilder();
    for (int i = 0; i < secrets; i++) {
      declared.append(i == 0 ? "" : ",").append("{name: s").append(i).append('}');
      given.append(i == 0 ? "" : ",").append('s').append(i);
    }
    return "pullSecrets: [%s]\nrules: [{name: r, namespaces: [x], pullSecrets: [%s]}]"
        .formatted(declared, given);
  }

  /**
   * Warnings are kept with the rules and logged, one line each, on every load. Before, a file of
   * 1,900 exclusions that exclude nothing (under the bound of host labels) logged 1,900 lines at
   * each load.
   */
  @Test
  void warningsAreListedUpToTheBoundOfErrors() {
    var exclusions = new StringBuilder();
    for (int i = 0; i < 1_900; i++) {
      exclusions.append(i == 0 ? "" : ",").append('x').append(i).append(".io");
    }
    String text =
        "rules: [{name: r, namespaces: [x], images: {mirrors: [{from: a.io, to: m.io, exclude: [%s]}]}}]"
            .formatted(exclusions);

    List<RulesError> warnings = RulesParser.parse(text, "warned").warnings();

    assertThat(warnings).hasSize(RulesErrors.MAX_LISTED + 1);
    assertThat(warnings.getLast().message()).contains("1800 more warnings");
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void namesThatCannotBeNamespacesGetNoRuleWithoutBeingMatched() {
    Rules rules = RulesParser.parse("rules: [{name: all, namespaces: ['*']}]", "all.yaml");

    assertThat(rules.forNamespace("team-a", NamespaceLabels.NONE)).isPresent();
    assertThat(rules.forNamespace("a".repeat(64), NamespaceLabels.NONE)).isEmpty();
    assertThat(rules.forNamespace("Team-A", NamespaceLabels.NONE)).isEmpty();
    assertThat(rules.forNamespace("team\na", NamespaceLabels.NONE)).isEmpty();
    assertThat(rules.forNamespace("", NamespaceLabels.NONE)).isEmpty();
  }

  /**
   * 63 characters, all 'a' but a counter near the end: every glob runs over all of it and none
   * matches (their last character is never 'a').
   */
  static String madeUp(int i) {
    String counter = Integer.toString(Math.abs(i)) + (i < 0 ? "w" : "") + "a";
    return "a".repeat(63 - counter.length()) + counter;
  }

  static String worstAcceptedRules() {
    var yaml = new StringBuilder("rules:\n  - name: globs\n    namespaces:\n");
    int globs = 0;
    for (char x : SUFFIXES.toCharArray()) {
      for (char y : SUFFIXES.toCharArray()) {
        if (globs++ < RulesParser.MAX_GLOBS) {
          yaml.append("      - \"").append("*a".repeat(30)).append('*').append(x).append(y);
          yaml.append("\"\n");
        }
      }
    }
    yaml.append("  - name: names\n    namespaces:\n");
    for (int i = 0; i < RulesParser.MAX_PATTERNS - RulesParser.MAX_GLOBS; i++) {
      yaml.append("      - name-").append(i).append('\n');
    }
    return yaml.toString();
  }
}
