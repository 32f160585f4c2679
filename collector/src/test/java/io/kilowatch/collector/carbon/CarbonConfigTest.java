package io.kilowatch.collector.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kilowatch.core.carbon.CarbonPolicy;
import io.kilowatch.core.config.Settings;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CarbonConfigTest {
    private static CarbonPolicy policy(String yaml) {
        return CarbonConfig.policy(Settings.parse(yaml, "test", Map.of(), ""), ZoneId.of("Europe/London"));
    }

    /** Issue 15: this stopped the collector with a NullPointerException (NesoRegions.key(null)). */
    @Test
    void estateRegionNoneReachesSitesWithoutARegionOfTheirOwn() {
        CarbonPolicy policy = policy("""
                carbon:
                  region: none
                sites:
                  town-hall:
                    pue: 1.2
                  depot:
                    region: London
                """);
        assertNull(policy.forSite("town-hall").region(), "annual factors only, as the estate says");
        assertEquals("13", policy.forSite("depot").region(), "a site's own region still wins");
        assertNull(policy.forSite("unlisted").region());
    }
}
