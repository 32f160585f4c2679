package io.kilowatch.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.event.KeyValuePair;

/**
 * The agent's Logback set-up in code rather than logback.xml: parsing XML loads Joran and the JDK's XML
 * parser, some 600 classes and several MiB of metaspace kept for the agent's whole life
 * (docs/agent-install.md, footprint). One event a line as key=value, to stderr, written by {@link LineEncoder}
 * rather than a pattern: Logback's pattern layout loads its parser and every converter it knows, some 90
 * classes, for one fixed line. A config file named by {@code -Dlogback.configurationFile} still takes over.
 */
public final class AgentLogging extends ContextAwareBase implements Configurator {
    /** Same name as before, when logback.xml read {@code ${KILOWATCH_LOG_LEVEL:-INFO}}. */
    static final String LEVEL_VARIABLE = "KILOWATCH_LOG_LEVEL";
    /** A file to log to instead of stderr, rotated by size: set by the Windows service, which has no stderr anyone reads. */
    public static final String FILE_PROPERTY = "kilowatch.log.file";
    /** Rotation: five files of 10 MiB at most, the newest first ({@code kilowatch-agent.log}, {@code .1.log}...). */
    static final String MAX_FILE_SIZE = "10MB";
    static final int FILES_KEPT = 5;

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configure(context, System.getProperty(LEVEL_VARIABLE, System.getenv(LEVEL_VARIABLE)), System.getProperty(FILE_PROPERTY));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** @param file a log file to write and rotate, or null for stderr */
    static void configure(LoggerContext context, String level, String file) {
        LineEncoder encoder = new LineEncoder();
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = file == null ? stderr(context) : rotated(context, file);
        appender.setEncoder(encoder);
        appender.start();
        context.getLogger("oshi").setLevel(Level.WARN);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(appender);
    }

    private static OutputStreamAppender<ILoggingEvent> stderr(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        return stderr;
    }

    private static OutputStreamAppender<ILoggingEvent> rotated(LoggerContext context, String file) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("FILE");
        appender.setFile(file);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file.replaceFirst("\\.log$", "") + ".%i.log");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(FILES_KEPT - 1);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf(MAX_FILE_SIZE));
        trigger.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        return appender;
    }

    /**
     * What the pattern {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX, UTC} level=%level logger=%logger{0} msg="%msg" %kvp%n%ex}
     * wrote, the same bytes: time in UTC, level, the logger's simple name, the message, the key-value pairs
     * as {@code key="value"}, and the stack trace of any exception on the lines below.
     */
    static final class LineEncoder extends EncoderBase<ILoggingEvent> {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

        @Override
        public byte[] encode(ILoggingEvent event) {
            String logger = event.getLoggerName();
            StringBuilder line = new StringBuilder(160)
                    .append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())))
                    .append(" level=").append(event.getLevel())
                    .append(" logger=").append(logger.substring(logger.lastIndexOf('.') + 1))
                    .append(" msg=\"").append(event.getFormattedMessage()).append("\" ");
            if (event.getKeyValuePairs() != null) {
                String separator = "";
                for (KeyValuePair pair : event.getKeyValuePairs()) {
                    line.append(separator).append(pair.key).append("=\"").append(pair.value).append('"');
                    separator = " ";
                }
            }
            line.append(System.lineSeparator());
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                line.append(ThrowableProxyUtil.asString(thrown));
            }
            return line.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] headerBytes() {
            return null;
        }

        @Override
        public byte[] footerBytes() {
            return null;
        }
    }
}
