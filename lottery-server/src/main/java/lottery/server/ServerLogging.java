package lottery.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Runtime control of Logback: the root level from the configuration, and a final flush before the JVM halts. */
final class ServerLogging {

    private ServerLogging() {
    }

    /** Sets the root logger's level; {@code level} is one of {@link ServerConfig#LEVELS}. */
    static void setLevel(String level) {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.toLevel(level));
        }
    }

    /** Stops Logback, which flushes and closes its appenders; used right before {@code Runtime.halt}. */
    static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
