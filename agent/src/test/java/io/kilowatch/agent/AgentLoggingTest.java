package io.kilowatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class AgentLoggingTest {
    @Test
    void theAgentsConfiguratorIsTheOneLogbackUses() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var stderr = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertInstanceOf(ConsoleAppender.class, stderr);
        assertInstanceOf(AgentLogging.LineEncoder.class, ((ConsoleAppender<?>) stderr).getEncoder());
    }

    @Test
    void oneKeyValueLinePerEventToStderrWithOshiQuietened() {
        LoggerContext context = new LoggerContext();
        AgentLogging.configure(context, null, null);
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.INFO, root.getLevel());
        assertEquals(Level.WARN, context.getLogger("oshi").getLevel());
        @SuppressWarnings("unchecked")
        ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> stderr =
                (ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>) root.getAppender("STDERR");
        assertEquals("System.err", stderr.getTarget());

        LoggingEvent event = new LoggingEvent("x", context.getLogger("io.kilowatch.agent.Agent"), Level.INFO, "report sent", null, null);
        event.setKeyValuePairs(List.of(new KeyValuePair("sequence", 7)));
        event.setTimeStamp(0);
        String line = new String(stderr.getEncoder().encode(event), StandardCharsets.UTF_8);
        assertEquals("1970-01-01T00:00:00.000Z level=INFO logger=Agent msg=\"report sent\" sequence=\"7\"" + System.lineSeparator(), line);
    }

    /** The line as Logback's pattern layout writes it from the pattern the agent used before, exception and all. */
    @Test
    void theLineIsWhatThePatternWrote() {
        LoggerContext context = new LoggerContext();
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX, UTC} level=%level logger=%logger{0} msg=\"%msg\" %kvp%n%ex");
        pattern.start();
        AgentLogging.LineEncoder encoder = new AgentLogging.LineEncoder();
        encoder.setContext(context);
        encoder.start();
        LoggingEvent plain = new LoggingEvent("x", context.getLogger("Top"), Level.WARN, "no {} here", null, new Object[] {"pairs"});
        plain.setTimeStamp(1_767_225_599_999L);
        LoggingEvent failed = new LoggingEvent("x", context.getLogger("io.kilowatch.agent.Agent"), Level.ERROR, "step failed",
                new IllegalStateException("outer", new java.io.IOException("inner")), null);
        failed.setKeyValuePairs(List.of(new KeyValuePair("a", "b c"), new KeyValuePair("n", null)));
        for (LoggingEvent event : List.of(plain, failed)) {
            assertEquals(new String(pattern.encode(event), StandardCharsets.UTF_8), new String(encoder.encode(event), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theLevelComesFromTheVariableAndABadOneFallsBackToInfo() {
        LoggerContext debug = new LoggerContext();
        AgentLogging.configure(debug, "debug", null);
        assertEquals(Level.DEBUG, debug.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
        LoggerContext bad = new LoggerContext();
        AgentLogging.configure(bad, "loud", null);
        assertTrue(bad.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).isInfoEnabled());
        assertEquals(Level.INFO, bad.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
    }

    @Test
    void aServiceLogsToAFileRotatedBySize(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logs").resolve("kilowatch-agent.log");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // what SLF4J's provider gives the agent's context
        AgentLogging.configure(context, null, file.toString());
        org.slf4j.Logger log = context.getLogger("io.kilowatch.agent.AgentMain");
        log.atInfo().addKeyValue("device", "pc-1").log("agent started");
        assertTrue(Files.readString(file).contains("level=INFO logger=AgentMain msg=\"agent started\" device=\"pc-1\""), Files.readString(file));

        // Past 10 MiB (checked by Logback at most once a minute) the file rolls over to kilowatch-agent.1.log, up to .4.
        var appender = (ch.qos.logback.core.rolling.RollingFileAppender<?>) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("FILE");
        assertEquals("10 MB", ((ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy<?>) appender.getTriggeringPolicy()).getMaxFileSize().toString());
        appender.rollover();
        log.info("after the roll");
        context.stop();
        assertTrue(Files.readString(dir.resolve("logs").resolve("kilowatch-agent.1.log")).contains("agent started"), "rolled over");
        String live = Files.readString(file);
        assertTrue(live.contains("after the roll") && !live.contains("agent started"), live);
    }
}
