package dev.rlproxy.server.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Every log line (root logger at DEBUG) while open, rendered with stack traces and MDC, for secrecy checks. */
public final class CapturedLogs implements AutoCloseable {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final ch.qos.logback.classic.Logger root;
    private final Level rootLevel;

    public CapturedLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
    }

    public List<String> lines() {
        return List.copyOf(appender.list).stream().map(CapturedLogs::render).toList();
    }

    private static String render(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getLevel().toString()).append(' ')
                .append(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            text.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        return text.append(' ').append(event.getMDCPropertyMap()).toString();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(rootLevel);
        appender.stop();
    }
}
