package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The CLI configures logback from its own file (the classpath holds two logback.xml files, the
 * daemon's and the bench's): logs go to stderr, the level follows TETHER_LOG_LEVEL, and nothing is
 * printed on stdout.
 */
class LogbackConfiguratorTest {
  @Test
  void configuresStderrFromTheCliFileAndStopsTheScan() {
    LoggerContext context = new LoggerContext();
    LogbackConfigurator configurator = new LogbackConfigurator();
    configurator.setContext(context);
    assertThat(configurator.configure(context))
        .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender("STDERR")).isInstanceOf(ConsoleAppender.class);
    assertThat(((ConsoleAppender<?>) root.getAppender("STDERR")).getTarget())
        .isEqualTo("System.err");
    assertThat(context.getLogger("dev.tether").getLevel()).isNull();
  }

  @Test
  void isRegisteredAsALogbackService() throws IOException {
    try (InputStream in =
        getClass()
            .getClassLoader()
            .getResourceAsStream("META-INF/services/ch.qos.logback.classic.spi.Configurator")) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim())
          .isEqualTo(LogbackConfigurator.class.getName());
    }
  }
}
