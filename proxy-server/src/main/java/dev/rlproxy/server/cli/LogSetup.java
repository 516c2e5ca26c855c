package dev.rlproxy.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URL;

/** Applies {@code run --log-format} and {@code --log-level} to Logback before the proxy starts. */
final class LogSetup {

    enum Format { text, json }

    enum LogLevel { error, warn, info, debug, trace }

    private LogSetup() {
    }

    static void apply(Format format, LogLevel level) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        if (format == Format.json) {
            URL json = LogSetup.class.getResource("/logback-json.xml");
            context.reset();
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            try {
                configurator.doConfigure(json);
            } catch (JoranException e) {
                throw new IllegalStateException("packaged logback-json.xml is broken", e);
            }
        }
        if (level != null) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level.name(), Level.INFO));
        }
    }
}
