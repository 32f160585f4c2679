package io.kilowatch.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStateTest {
    private static final Instant T0 = Instant.parse("2026-05-01T08:00:00.123456Z");

    @Test
    void sequenceAndCounterSurviveARestart(@TempDir Path dir) {
        Path file = dir.resolve("state-pc1.properties");
        AgentState first = AgentState.load(file, T0);
        assertEquals(1, first.nextReport(10.5, 0.6));
        assertEquals(2, first.nextReport(42.25, 2.5));
        AgentState again = AgentState.load(file, T0.plusSeconds(3600));
        assertEquals(2, again.lastSequence());
        assertEquals(42.25, again.energyJoules());
        assertEquals(2.5, again.carbonGrams(), "the carbon counter survives with the energy it goes with");
        assertEquals(first.counterStart(), again.counterStart());
        assertEquals(3, again.nextReport(50, 3));
        assertFalse(Files.exists(dir.resolve("state-pc1.properties.tmp")));
    }

    @Test
    void aStateFileFromBeforeTheCarbonCounterLoadsWithCarbonAtZero(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.properties");
        Files.writeString(file, "last_sequence=7\nenergy_joules_total=900.5\ncounter_start=2026-05-01T08:00:00Z\n");
        AgentState state = AgentState.load(file, T0);
        assertEquals(7, state.lastSequence());
        assertEquals(900.5, state.energyJoules());
        assertEquals(0, state.carbonGrams());
    }

    @Test
    void counterStartIsKeptToTheMillisecondAsTheCollectorStoresIt(@TempDir Path dir) {
        assertEquals(Instant.parse("2026-05-01T08:00:00.123Z"), AgentState.load(dir.resolve("s"), T0).counterStart());
    }

    @Test
    void aCorruptFileStartsANewCounterRatherThanFailing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.properties");
        Files.writeString(file, "last_sequence=banana\n");
        AgentState state = AgentState.load(file, T0.plusSeconds(60));
        assertEquals(0, state.lastSequence());
        assertEquals(0, state.energyJoules());
        assertNotEquals(T0, state.counterStart());
    }

    @Test
    void renumberingNeverMovesTheSequenceBack(@TempDir Path dir) {
        AgentState state = AgentState.load(dir.resolve("s"), T0);
        assertEquals(501, state.renumberAbove(500));
        assertEquals(502, state.nextReport(1, 0));
        assertEquals(503, state.renumberAbove(10));
        assertEquals(503, AgentState.load(dir.resolve("s"), T0).lastSequence(), "renumbering is saved too");
    }
}
