package ai.jarvis.trinity.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import java.util.Map;

/**
 * trinity's logging, set up in code (parsing a logback.xml costs a fifth of a second at every start): the console,
 * and on the hub {@code TRINITY_HOME/logs/hub.log} rotated by size. The launcher passes the settings as system
 * properties ({@code trinity.log.*}). A user's own {@code -Dlogback.configurationFile=...} still wins.
 */
public final class TrinityLogConfigurator extends ContextAwareBase implements Configurator {

    public static final String LEVEL = "trinity.log.level";
    public static final String FILE = "trinity.log.file";
    public static final String MAX_SIZE = "trinity.log.max-size";
    public static final String MAX_FILES = "trinity.log.max-files";

    /**
     * Libraries speak only when something is wrong; trinity's own lines tell the story. A rolled-back JMS message
     * is already one warning line of the route that failed (routes/common/error-handling.yaml).
     */
    private static final Map<String, Level> QUIET = Map.of(
            "org.apache.activemq", Level.WARN,
            "io.netty", Level.WARN,
            "io.vertx", Level.WARN,
            "org.messaginghub", Level.WARN,
            "org.apache.camel.main.BaseMainSupport", Level.WARN,
            "org.apache.camel.impl.engine.AbstractCamelContext", Level.WARN,
            "org.apache.camel.component.jms.EndpointMessageListener", Level.ERROR,
            "org.apache.camel.processor.errorhandler.DefaultErrorHandler", Level.ERROR);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty(LEVEL, "INFO"), Level.INFO));
        root.addAppender(console(context));
        String file = System.getProperty(FILE);
        if (file != null) {
            root.addAppender(rollingFile(context, file));
        }
        QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Appender<ILoggingEvent> console(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(encoder(context, "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n"));
        console.start();
        return console;
    }

    private static Appender<ILoggingEvent> rollingFile(LoggerContext context, String file) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("file");
        appender.setFile(file);
        appender.setEncoder(encoder(context, "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n"));

        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file.replaceFirst("\\.log$", "") + ".%i.log");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(Integer.parseInt(System.getProperty(MAX_FILES, "5")));
        rolling.start();

        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf(System.getProperty(MAX_SIZE, "10MB")));
        trigger.start();

        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.start();
        return appender;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }
}
