package io.kilowatch.core.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import org.junit.jupiter.api.Test;

class GridFactorSettingsTest {
    private static final AnnualGridFactors DEFAULTS = AnnualGridFactors.ukDesnz();

    @Test
    void noYearsKeepTheFallback() {
        assertSame(DEFAULTS, GridFactorSettings.read(Settings.empty("t"), "carbon", DEFAULTS));
    }

    @Test
    void configuredYearsReplaceTheWholeTableAndNameTheirSource() {
        Settings s = Settings.empty("t").override("carbon.grid_factors_kgco2e_per_kwh.2024", "0.1")
                .override("carbon.grid_factors_source", "supplier's REGO-backed tariff");
        AnnualGridFactors f = GridFactorSettings.read(s, "carbon", DEFAULTS);
        assertEquals(100.0, f.gramsPerKwh(2024), 1e-9);
        assertEquals(100.0, f.gramsPerKwh(2019), 1e-9, "years before the first configured one use it, not the defaults");
        assertEquals("supplier's REGO-backed tariff 2024", f.source(2024));
    }

    @Test
    void aKeyThatIsNotAYearOrAnOutOfRangeFactorIsAnError() {
        ConfigException year = assertThrows(ConfigException.class, () -> GridFactorSettings.read(
                Settings.empty("t").override("carbon.grid_factors_kgco2e_per_kwh.latest", "0.2"), "carbon", DEFAULTS));
        assertTrue(year.getMessage().contains("carbon.grid_factors_kgco2e_per_kwh.latest"), year.getMessage());
        ConfigException factor = assertThrows(ConfigException.class, () -> GridFactorSettings.read(
                Settings.empty("t").override("carbon.grid_factors_kgco2e_per_kwh.2024", "207"), "carbon", DEFAULTS));
        assertTrue(factor.getMessage().contains("carbon.grid_factors_kgco2e_per_kwh.2024"), factor.getMessage());
    }

    @Test
    void otherFactorSetsReadTheSameWay() {
        Settings s = Settings.empty("t").override("carbon.td_losses_kgco2e_per_kwh.2024", "0.018");
        AnnualGridFactors td = GridFactorSettings.readSet(s, "carbon.td_losses", AnnualGridFactors.ukDesnzTdLosses());
        assertEquals(18.0, td.gramsPerKwh(2024), 1e-9);
        assertEquals("configured factors (carbon.td_losses_kgco2e_per_kwh) 2024", td.source(2024));
        assertSame(DEFAULTS, GridFactorSettings.readSet(Settings.empty("t"), "carbon.td_losses", DEFAULTS));
    }
}
