package io.kilowatch.core.snmp;

/**
 * One thing a profile reads: an OID (a scalar instance, or a table column walked with GETBULK) and how
 * its value becomes a number in base units.
 *
 * @param name metric name, snake_case with its unit: {@code ups_output_power_watts}
 * @param oid a scalar instance ({@code ...1.0}) when {@code table} is false, else a column to walk
 * @param scale what the raw value is multiplied by to reach the unit ({@code 10} for hundredths of kW to W)
 * @param role what the value means to Kilowatch beyond its own metric, if anything
 * @param kind how raw values become numbers
 */
public record ProfileMetric(String name, String oid, boolean table, double scale, String unit, Role role, Kind kind, String help) {

    public enum Role {
        /** Only a metric of its own. */
        NONE,
        /** Watts drawn by the device (or the load it measures); a table's rows are added up. */
        POWER_WATTS,
        /**
         * Watts the device passes on (PoE delivered to powered devices), added to its own class model:
         * a switch's wall draw is its base load plus what it feeds.
         */
        POWER_WATTS_ADDED,
        /** The device's own energy meter in kWh, monotonic until the device resets it; rows are added up. */
        ENERGY_KWH_TOTAL,
        /** Processor load in percent; rows are averaged into the device's CPU utilisation. */
        CPU_LOAD_PERCENT,
        /** IF-MIB ifOperStatus: 1 up, anything else not up. */
        INTERFACE_OPER_STATUS,
        /** Interface names (ifName or ifDescr) that label the interface status metric. */
        INTERFACE_NAME
    }

    public enum Kind {
        /** The value itself, times scale. */
        VALUE,
        /**
         * ENTITY-SENSOR-MIB (RFC 3433): {@code oid} is entPhySensorEntry; rows whose type (.1) is watts (6)
         * give value (.4) x 10^(3 x (scale (.2) - 9)) / 10^precision (.3).
         */
        ENTITY_SENSOR_WATTS
    }
}
