package io.kilowatch.core.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CounterDeltaTest {
    // A RAPL package zone's range on many Intel parts: 2^32 µJ.
    private static final long RANGE = 4_294_967_295L;

    @Test
    void increaseIsTheDifference() {
        assertEquals(1_500_000, CounterDelta.of(10_000_000, 11_500_000, RANGE));
    }

    @Test
    void wraparoundAddsWhatWasLeftBeforeTheTopAndWhatCameAfterZero() {
        assertEquals((RANGE - 4_294_000_000L) + 2_000_000, CounterDelta.of(4_294_000_000L, 2_000_000, RANGE));
    }

    @Test
    void dropWithoutKnownRangeIsAResetToZero() {
        assertEquals(2_000, CounterDelta.of(9_000, 2_000, 0));
    }

    @Test
    void previousAboveTheRangeCannotBeAWrapSoItIsAReset() {
        assertEquals(5, CounterDelta.of(RANGE + 10, 5, RANGE));
    }

    @Test
    void doubleCounterResetCountsNewValue() {
        assertEquals(3.5, CounterDelta.ofReset(100.0, 3.5), 1e-12);
        assertEquals(2.25, CounterDelta.ofReset(100.0, 102.25), 1e-12);
    }
}
