package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One shape for energy, carbon and cost: every part adds up apart, and the derived figures follow from them. */
class EnergyFootprintTest {
    @Test
    void everyPartAddsUpApartAndSourcesKeepTheirFirstUse() {
        EnergyFootprint metered = new EnergyFootprint(100, 60, 20, 7.5, 2, 10, 0.5, List.of("DESNZ 2025", "tariff"));
        EnergyFootprint rollup = EnergyFootprint.ofRollups(200, 40, 0, 0, 4, 0, 1.0, 50, 30, 20);
        EnergyFootprint off = new EnergyFootprint(9, 1, 3, 0.5, 0.25, 9, 0.25, List.of("tariff", "NESO")).asOffEnergy(8);
        EnergyFootprint sum = metered.plus(rollup).plus(off).plus(EnergyFootprint.ZERO.withEmbodiedGrams(700).withWellToTankGrams(5));
        assertEquals(new EnergyFootprint(300, 61, 63, 8, 6.25, 19, 1.75, 8, 50, 30, 20, 5, 700, List.of("DESNZ 2025", "tariff", "NESO")), sum);
        assertEquals(69.25, sum.operationalGrams());
        assertEquals(200, sum.unknownJoules(), "300 J of IT energy, 100 J of it measured, modelled or imported");
        assertEquals(0, EnergyFootprint.ofRollups(10, 0, 0, 0, 0, 0, 0, 8, 4, 0).unknownJoules(), "never below zero");
        assertEquals(new EnergyFootprint(1, 2, 3, 4, 5, 6, 7, 0, 50, 30, 20, 0, 0, List.of()),
                new EnergyFootprint(1, 2, 3, 4, 5, 6, 7, List.of()).withProvenanceOf(rollup));
    }
}
