package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shares of a shared service add up to its total exactly, at the figure's precision. */
class ApportionmentTest {
    @Test
    void threeEqualPartnersShareAPoundWithTheOddPennyToTheFirst() {
        Map<String, Double> equal = new LinkedHashMap<>();
        equal.put("Council A", 1.0);
        equal.put("Council B", 1.0);
        equal.put("Council C", 1.0);
        Map<String, BigDecimal> parts = Apportionment.split(new BigDecimal("100.00"), equal);
        assertEquals(new BigDecimal("33.34"), parts.get("Council A"));
        assertEquals(new BigDecimal("33.33"), parts.get("Council B"));
        assertEquals(new BigDecimal("33.33"), parts.get("Council C"));
    }

    @Test
    void theLeftOverUnitGoesToTheLargestRemainder() {
        Map<String, Double> sixtyForty = new LinkedHashMap<>();
        sixtyForty.put("A", 40.0);
        sixtyForty.put("B", 60.0);
        // 1001 pence: exact 400.4 and 600.6, floors 400 and 600, the spare penny to B (remainder .6).
        Map<String, BigDecimal> parts = Apportionment.split(new BigDecimal("10.01"), sixtyForty);
        assertEquals(new BigDecimal("4.00"), parts.get("A"));
        assertEquals(new BigDecimal("6.01"), parts.get("B"));
    }

    @Test
    void partsAlwaysSumToTheTotal() {
        Random random = new Random(42);
        for (int n = 0; n < 2000; n++) {
            Map<String, Double> weights = new LinkedHashMap<>();
            int partners = 1 + random.nextInt(7);
            for (int p = 0; p < partners; p++) {
                weights.put("p" + p, 0.001 + random.nextDouble() * 100);
            }
            BigDecimal total = BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, random.nextInt(4));
            BigDecimal sum = Apportionment.split(total, weights).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            assertEquals(0, total.compareTo(sum), total + " split " + weights);
        }
    }

    @Test
    void sharesMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Apportionment.split(BigDecimal.TEN, Map.of("A", 0.0)));
        assertThrows(IllegalArgumentException.class, () -> Apportionment.split(BigDecimal.TEN, Map.of()));
    }
}
