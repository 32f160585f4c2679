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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class AgentLoggingTest {
    @Test
    void theAgentsConfiguratorIsTheOneLogbackUses() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var stderr = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertInstanceOf(ConsoleAppender.class, stderr);
        assertEquals(AgentLogging.PATTERN, ((PatternLayoutEncoder) ((ConsoleAppender<?>) stderr).getEncoder()).getPattern());
    }

    @Test
    void oneKeyValueLinePerEventToStderrWithOshiQuietened() {
        LoggerContext context = new LoggerContext();
        AgentLogging.configure(context, null);
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

    @Test
    void theLevelComesFromTheVariableAndABadOneFallsBackToInfo() {
        LoggerContext debug = new LoggerContext();
        AgentLogging.configure(debug, "debug");
        assertEquals(Level.DEBUG, debug.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
        LoggerContext bad = new LoggerContext();
        AgentLogging.configure(bad, "loud");
        assertTrue(bad.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).isInfoEnabled());
        assertEquals(Level.INFO, bad.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
    }
}
