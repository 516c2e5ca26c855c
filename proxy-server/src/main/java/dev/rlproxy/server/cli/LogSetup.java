package dev.rlproxy.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Applies {@code run --log-format} and {@code --log-level} to Logback before the proxy starts. */
final class LogSetup {

    enum Format { text, json }

    enum LogLevel { error, warn, info, debug, trace }

    /** The variables that stand in for the options when they are not given. */
    static final String FORMAT_VARIABLE = "RLPROXY_LOG_FORMAT";
    static final String LEVEL_VARIABLE = "RLPROXY_LOG_LEVEL";
    static final Set<String> VARIABLES = Set.of(FORMAT_VARIABLE, LEVEL_VARIABLE);

    private LogSetup() {
    }

    /**
     * The option's value from its {@code RLPROXY_…} variable, or null when that is unset or empty.
     *
     * @throws IllegalArgumentException naming the variable and the values it takes
     */
    static <E extends Enum<E>> E fromEnvironment(Map<String, String> env, String name, Class<E> option) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        for (E constant : option.getEnumConstants()) {
            if (constant.name().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return constant;
            }
        }
        throw new IllegalArgumentException(name + ": expected one of " + Arrays.stream(option.getEnumConstants())
                .map(Enum::name).collect(Collectors.joining(", ")) + ", got '" + value.strip() + "'");
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
