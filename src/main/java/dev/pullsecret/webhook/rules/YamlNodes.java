package dev.pullsecret.webhook.rules;

import java.io.StringReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The YAML parser's events, refused past {@link #MAX} nodes (values, lists and mappings): the
 * library builds a file's whole tree before anything of ours reads it, at ~200 bytes a node, and a
 * 1 MiB ConfigMap of one-character list items is 524,000 of them, ~110 MB, which ended the webhook
 * (160 MiB heap) at start-up and at every restart. The rules' own bounds (10,000 namespace
 * patterns) leave a real file far fewer.
 */
final class YamlNodes implements Parser {

  static final int MAX = 100_000;

  /** Refused at the node past {@link #MAX}. */
  static final class TooMany extends YAMLException {
    final Mark mark;

    TooMany(Mark mark) {
      super("over " + MAX + " YAML nodes (values, lists and mappings)");
      this.mark = mark;
    }
  }

  private final Parser events;
  private int nodes;

  private YamlNodes(Parser events) {
    this.events = events;
  }

  /** Composes the documents of {@code text}, throwing {@link TooMany} past {@link #MAX} nodes. */
  static Composer composer(String text, LoaderOptions options) {
    var events = new YamlNodes(new ParserImpl(new StreamReader(new StringReader(text)), options));
    return new Composer(events, new Resolver(), options);
  }

  @Override
  public boolean checkEvent(Event.ID choice) {
    return events.checkEvent(choice);
  }

  @Override
  public Event peekEvent() {
    return events.peekEvent();
  }

  @Override
  public Event getEvent() {
    Event event = events.getEvent();
    if ((event instanceof ScalarEvent || event instanceof CollectionStartEvent) && ++nodes > MAX) {
      throw new TooMany(event.getStartMark());
    }
    return event;
  }
}
