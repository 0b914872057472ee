package dev.tether.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URL;

/**
 * Configures logback for the {@code tether} process from the CLI's own {@code
 * dev/tether/cli/logback.xml} (stderr; root level from {@code TETHER_LOG_LEVEL}, default INFO).
 *
 * <p>Without it logback scans for {@code logback.xml}, finds one in the daemon jar and one in the
 * bench jar (both on the CLI's classpath), takes whichever comes first (the bench's, which pins
 * {@code dev.tether} to WARN), and, because of the duplicate, prints its whole status report on
 * stdout, in front of every command's output (breaking {@code --output json}). Logback runs
 * service-loaded configurators before that scan.
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {
  static final String RESOURCE = "dev/tether/cli/logback.xml";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    URL url = LogbackConfigurator.class.getClassLoader().getResource(RESOURCE);
    if (url == null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    try {
      joran.doConfigure(url);
    } catch (JoranException e) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
