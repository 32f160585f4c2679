package io.kilowatch.core.snmp;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One thing a profile reads: an OID (a scalar instance, or a table column walked with GETBULK) and how
 * its value becomes a number in base units.
 *
 * @param name metric name, snake_case with its unit: {@code ups_output_power_watts}
 * @param oid a scalar instance ({@code ...1.0}) when {@code table} is false, else a column to walk
 * @param scale what the raw value is multiplied by to reach the unit ({@code 10} for hundredths of kW to W)
 * @param role what the value means to Kilowatch beyond its own metric, if anything
 * @param kind how raw values become numbers
 * @param decimalDigits a column, same row index, whose value n divides each value by 10^n (Raritan PDU2-MIB), or null
 * @param filters conditions every row must meet to be read at all
 * @param absent raw values the device documents as "not supported" or "not available": the row is left out
 */
public record ProfileMetric(String name, String oid, boolean table, double scale, String unit, Role role, Kind kind, String help,
                            String decimalDigits, List<Filter> filters, Set<Long> absent) {

    public ProfileMetric {
        filters = List.copyOf(filters);
        absent = Set.copyOf(absent);
    }

    public enum Role {
        /** Only a metric of its own. */
        NONE,
        /**
         * Watts the device draws, measured where they enter it (PSU input, PDU inlet) or, for a UPS, the load
         * it feeds; the rows are added up (phases, PSUs). Devices it feeds are reconciled with {@code feeds}.
         */
        POWER_WATTS,
        /**
         * Watts the device delivers to others (PoE to powered devices), added to its own class model when no
         * profile measures what the device draws: a switch's wall draw is its base load plus what it feeds.
         */
        POWER_WATTS_ADDED,
        /** The device's own energy meter in kWh, monotonic until the device resets it; rows are added up. */
        ENERGY_KWH_TOTAL,
        /**
         * Watts one outlet of a PDU delivers, a row per outlet: not the PDU's own power (its inlet is), but a
         * measurement of the device a target's {@code outlets.<n>.device} plugs into outlet n, for calibration.
         */
        OUTLET_POWER_WATTS,
        /** Processor load in percent; rows are averaged into the device's CPU utilisation. */
        CPU_LOAD_PERCENT,
        /** IF-MIB ifOperStatus: 1 up, anything else not up. */
        INTERFACE_OPER_STATUS,
        /** Interface names (ifName or ifDescr) that label the interface status metric. */
        INTERFACE_NAME;

        /** Roles whose figures are physical quantities, never negative: a negative value means "not available". */
        boolean physical() {
            return this == POWER_WATTS || this == POWER_WATTS_ADDED || this == ENERGY_KWH_TOTAL || this == OUTLET_POWER_WATTS;
        }
    }

    public enum Kind {
        /** The value itself, times scale. */
        VALUE,
        /**
         * ENTITY-SENSOR-MIB (RFC 3433) or a vendor copy of its table: {@code oid} is the entry; rows whose type
         * (.1) is watts (6) give value (.4) x 10^(3 x (scale (.2) - 9)) / 10^precision (.3).
         */
        ENTITY_SENSOR_WATTS,
        /**
         * A flag set sent as an OCTET STRING (RFC 2578 BITS, hrPrinterDetectedErrorState): the sum of 2^n over its set
         * bits n, bit 0 being the first octet's most significant (see {@link Octets#flags()}), times scale.
         */
        BITS
    }

    /**
     * A row condition. With {@code column} the row's value in that column (same index) is tested, without
     * it the index's last arc (a PDU2-MIB sensor type, say). A row the device gives no value for in the column
     * passes every test: a filter drops a row only on what the device says of it (LibreNMS's Cisco recordings,
     * and agents that skip a column, have no entSensorStatus at all).
     *
     * @param in the values the row must have, or empty for any
     * @param notIn values the row must not have (a meter that reads 0 on an unequipped bay)
     * @param matching a pattern the (text) value must contain, or null
     * @param notMatching a pattern the (text) value must not contain, or null
     * @param preferMatching a pattern that, when the (text) value of some rows contains it, leaves only those rows:
     * a power supply metered at its input and its output is read at its input alone, and one metered only at its
     * output still counts; null for none
     * @param preferWithin with {@code preferMatching}, a column whose value groups the rows the preference is settled
     * within (entPhysicalContainedIn: each supply's sensors), so a stack's supply metered only at its output still counts
     * beside another member's metered at both ends; rows without a value form one group; null: the whole table is one group
     * @param atLeastRowValue the column's value must be at least the row's own raw value: what a PoE group delivers
     * cannot exceed its budget, so a larger figure is in other units or garbage
     * @param thousandthsAbove with {@code atLeastRowValue}: a row above the column's value is read in thousandths of
     * its unit when that fits under it (an agent that sends milliwatts where the MIB says watts), dropped otherwise
     */
    public record Filter(String column, Set<Long> in, Set<Long> notIn, Pattern matching, Pattern notMatching, Pattern preferMatching,
                         String preferWithin, boolean atLeastRowValue, boolean thousandthsAbove) {
        public Filter {
            in = Set.copyOf(in);
            notIn = Set.copyOf(notIn);
        }
    }

    /**
     * The outlet a row of an {@link Role#OUTLET_POWER_WATTS} metric measures: the row index's last arc, or the one
     * before it when a filter tests the last arc (a PDU2-MIB index ends with the sensor type); null when not a number.
     */
    public Long outletNumber(String index) {
        String[] arcs = index.split("\\.");
        int at = arcs.length - (filters.stream().anyMatch(f -> f.column() == null) ? 2 : 1);
        try {
            return at < 0 ? null : Long.parseLong(arcs[at]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The columns a poll must walk besides the metric's own (and those under it), to filter and scale its rows. */
    public List<String> helperColumns() {
        List<String> out = new java.util.ArrayList<>();
        if (decimalDigits != null) {
            out.add(decimalDigits);
        }
        filters.stream().flatMap(f -> java.util.stream.Stream.of(f.column(), f.preferWithin())).filter(c -> c != null).forEach(out::add);
        return out.stream().filter(c -> !Oids.startsWith(c, oid)).toList();
    }
}
