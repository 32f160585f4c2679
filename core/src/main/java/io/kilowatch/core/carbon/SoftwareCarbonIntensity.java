package io.kilowatch.core.carbon;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Software Carbon Intensity of a service (ISO/IEC 21031:2024, the Green Software Foundation's SCI):
 * SCI = (E x I + M) per R, where E x I is the operational carbon of the energy its components used
 * (location-based, as every operational figure here), M their embodied carbon amortised over the period,
 * and R the functional unit (a month, a probe transaction, a logged-in user session or session-hour). A device several services are made of is
 * shared equally between them: SCI's "resources reserved / total resources" with each service reserving
 * the same share.
 */
public final class SoftwareCarbonIntensity {
    public static final String MONTH = "month";
    public static final String PROBE_TRANSACTION = "probe_transaction";
    /** A logged-in user session begun on one of the service's devices (from the agents' session counts). */
    public static final String USER_SESSION = "user_session";
    /** One user logged in for an hour on one of the service's devices. */
    public static final String SESSION_HOUR = "session_hour";

    private SoftwareCarbonIntensity() {
    }

    /**
     * One component device over the period.
     *
     * @param operationalGrams E x I: its energy at the grid's intensity (scope 2, PUE overhead included)
     * @param embodiedGrams M for the whole device over the period
     * @param sharedBy how many services it is part of (at least 1)
     */
    public record Component(String device, double energyKwh, double operationalGrams, double embodiedGrams, int sharedBy) {
        public Component {
            if (sharedBy < 1) {
                throw new IllegalArgumentException("device " + device + " must be part of at least one service");
            }
        }

        double share() {
            return 1.0 / sharedBy;
        }
    }

    /**
     * @param units R for each functional unit over the period
     */
    public record Result(double energyKwh, double operationalGrams, double embodiedGrams, Map<String, Double> units) {
        public double totalGrams() {
            return operationalGrams + embodiedGrams;
        }

        /** gCO2e per one of the unit; empty where none happened in the period. */
        public OptionalDouble perUnit(String unit) {
            Double r = units.get(unit);
            return r == null || !(r > 0) ? OptionalDouble.empty() : OptionalDouble.of(totalGrams() / r);
        }
    }

    public static Result of(List<Component> components, Map<String, Double> units) {
        double kwh = 0;
        double operational = 0;
        double embodied = 0;
        for (Component c : components) {
            kwh += c.energyKwh() * c.share();
            operational += c.operationalGrams() * c.share();
            embodied += c.embodiedGrams() * c.share();
        }
        // In the caller's order: the SLA report's JSON and CSV list units in it (Map.copyOf's order changes from run to run).
        return new Result(kwh, operational, embodied, Collections.unmodifiableMap(new LinkedHashMap<>(units)));
    }

    /**
     * How many calendar months [from, to) spans in a zone: each month it touches counts the part of it
     * covered (a whole quarter is 3; the first 15 days of a 30-day month 0.5).
     */
    public static double months(Instant from, Instant to, ZoneId zone) {
        double months = 0;
        for (YearMonth m = YearMonth.from(from.atZone(zone)); ; m = m.plusMonths(1)) {
            Instant start = m.atDay(1).atStartOfDay(zone).toInstant();
            if (!start.isBefore(to)) {
                return months;
            }
            Instant end = m.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
            long covered = Math.min(end.toEpochMilli(), to.toEpochMilli()) - Math.max(start.toEpochMilli(), from.toEpochMilli());
            months += Math.max(0, covered) / (double) (end.toEpochMilli() - start.toEpochMilli());
        }
    }
}
