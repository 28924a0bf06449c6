package dev.operators.permissionset.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything logged under some loggers, at every level down to TRACE, with the MDC and the full stack trace of any
 * exception, kept in memory and out of the console. {@link #close()} puts the logging configuration back.
 */
public final class CapturedLogs implements AutoCloseable {

  private static final String APPENDER = "captured-for-test";

  private final LoggerContext context;
  private final Appender appender;
  private final List<String> added = new ArrayList<>();
  private final Map<String, LoggerConfig> changed = new HashMap<>();
  private final Map<String, Level> levels = new HashMap<>();
  private final Map<String, Boolean> additivity = new HashMap<>();

  private static final class Appender extends AbstractAppender {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    Appender() {
      super(APPENDER, null, PatternLayout.newBuilder()
          .withPattern("%-5level [%t] %c %X - %msg%n%throwable").build(), true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent event) {
      lines.add(getLayout().toSerializable(event).toString());
    }
  }

  private CapturedLogs(LoggerContext context) {
    this.context = context;
    this.appender = new Appender();
  }

  /** Starts capturing everything the named loggers and their descendants log. */
  public static CapturedLogs start(String... loggerNames) {
    CapturedLogs captured = new CapturedLogs((LoggerContext) LogManager.getContext(false));
    captured.appender.start();
    Configuration config = captured.context.getConfiguration();
    config.addAppender(captured.appender);
    for (String name : loggerNames) {
      LoggerConfig existing = config.getLoggerConfig(name);
      if (existing.getName().equals(name)) {
        captured.changed.put(name, existing);
        captured.levels.put(name, existing.getLevel());
        captured.additivity.put(name, existing.isAdditive());
        existing.setLevel(Level.ALL);
        existing.setAdditive(false);
        existing.addAppender(captured.appender, Level.ALL, null);
      } else {
        LoggerConfig logger = new LoggerConfig(name, Level.ALL, false);
        logger.addAppender(captured.appender, Level.ALL, null);
        config.addLogger(name, logger);
        captured.added.add(name);
      }
    }
    captured.context.updateLoggers();
    return captured;
  }

  /** The lines logged so far, each with its level, thread, logger, MDC and stack trace. */
  public List<String> lines() {
    return List.copyOf(appender.lines);
  }

  @Override
  public void close() {
    Configuration config = context.getConfiguration();
    added.forEach(config::removeLogger);
    changed.forEach((name, logger) -> {
      logger.removeAppender(APPENDER);
      logger.setLevel(levels.get(name));
      logger.setAdditive(additivity.get(name));
    });
    context.updateLoggers();
    appender.stop();
  }
}
