package io.kilowatch.core.snmp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What one poll's values mean under a profile: every metric's samples in base units, and the figures
 * Kilowatch itself uses (power, the device's energy meter, CPU load, interface status). Pure.
 *
 * @param powerWatts total measured power, or null when no power metric had a value
 * @param addedWatts power passed on (PoE) to add to the device's model, or null
 * @param energyKwhTotal the device's own energy meter, or null
 * @param cpuRatio mean processor load 0..1, or null when the device reports none (snmpd's first minute)
 * @param interfaceUp interface name (or index) to whether it is operationally up
 * @param outletsWatts the outlets' power summed, or null when the profile reads none: what a PDU metered only by
 *     outlet draws (less its own electronics), used when no profile measures the device's draw ({@link ComposedReading})
 * @param energyMetersKwh each meter whose sum is {@code energyKwhTotal}, by metric and row ("metric index"): the units of
 *     a daisy chain or cascade, each counted on its own from poll to poll ({@link PolledPower})
 */
public record ProfileReading(Double powerWatts, Double addedWatts, Double energyKwhTotal, Double cpuRatio, Map<String, Boolean> interfaceUp,
                             List<Sample> samples, Double outletsWatts, Map<String, Double> energyMetersKwh) {

    public ProfileReading {
        energyMetersKwh = Map.copyOf(energyMetersKwh);
    }

    /** A reading whose energy, if any, is one meter. */
    public ProfileReading(Double powerWatts, Double addedWatts, Double energyKwhTotal, Double cpuRatio, Map<String, Boolean> interfaceUp,
                          List<Sample> samples, Double outletsWatts) {
        this(powerWatts, addedWatts, energyKwhTotal, cpuRatio, interfaceUp, samples, outletsWatts,
                energyKwhTotal == null ? Map.of() : Map.of("", energyKwhTotal));
    }

    /** A reading with no outlets. */
    public ProfileReading(Double powerWatts, Double addedWatts, Double energyKwhTotal, Double cpuRatio, Map<String, Boolean> interfaceUp,
                          List<Sample> samples) {
        this(powerWatts, addedWatts, energyKwhTotal, cpuRatio, interfaceUp, samples, null);
    }

    /** One value of a metric; {@code index} is the table row's instance, empty for a scalar. */
    public record Sample(String metric, String index, double value) {
    }

    /**
     * @param values polled values by OID: numbers as {@link Number}, octet strings as {@link Octets}, OIDs as dotted
     *     {@link String}s; missing OIDs absent
     */
    public static ProfileReading evaluate(List<ProfileMetric> metrics, Map<String, Object> values) {
        List<Sample> samples = new ArrayList<>();
        Double power = null;
        Double added = null;
        Double energy = null;
        Double outlets = null;
        double cpuSum = 0;
        int cpuCount = 0;
        Map<String, Boolean> statusByIndex = new TreeMap<>(ProfileReading::compareIndex);
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Double> meters = new LinkedHashMap<>();
        for (ProfileMetric m : metrics) {
            Map<String, Object> rows = m.kind() == ProfileMetric.Kind.ENTITY_SENSOR_WATTS ? entitySensorWatts(m.oid(), values) : rows(m, values);
            if (m.role() == ProfileMetric.Role.INTERFACE_NAME) {
                rows.forEach((index, v) -> names.put(index, v.toString()));
                continue;
            }
            for (Map.Entry<String, Double> row : preferred(m, read(m, rows, values), values).entrySet()) {
                double value = row.getValue();
                samples.add(new Sample(m.name(), row.getKey(), value));
                switch (m.role()) {
                    case POWER_WATTS -> power = (power == null ? 0 : power) + value;
                    case POWER_WATTS_ADDED -> added = (added == null ? 0 : added) + value;
                    case ENERGY_KWH_TOTAL -> {
                        energy = (energy == null ? 0 : energy) + value;
                        meters.put(m.name() + " " + row.getKey(), value);
                    }
                    case OUTLET_POWER_WATTS -> outlets = (outlets == null ? 0 : outlets) + value;
                    case CPU_LOAD_PERCENT -> {
                        cpuSum += value;
                        cpuCount++;
                    }
                    case INTERFACE_OPER_STATUS -> statusByIndex.put(row.getKey(), (long) value == 1);
                    default -> {
                    }
                }
            }
        }
        Map<String, Boolean> interfaces = new LinkedHashMap<>();
        statusByIndex.forEach((index, up) -> interfaces.put(names.getOrDefault(index, index), up));
        Double cpu = cpuCount == 0 ? null : Math.max(0, Math.min(1, cpuSum / cpuCount / 100.0));
        return new ProfileReading(power, added, energy, cpu, interfaces, samples, outlets, meters);
    }

    /** The rows that can be read, as figures in the metric's unit, in index order. */
    private static Map<String, Double> read(ProfileMetric m, Map<String, Object> rows, Map<String, Object> values) {
        Map<String, Double> out = new LinkedHashMap<>();
        rows.forEach((index, raw) -> {
            Double value = value(m, index, raw, values);
            if (value != null) {
                out.put(index, value);
            }
        });
        return out;
    }

    /** The rows left once each filter's preferred rows, where a group (the table, or rows of one prefer_within value) has some, stand for it. */
    private static Map<String, Double> preferred(ProfileMetric m, Map<String, Double> rows, Map<String, Object> values) {
        Map<String, Double> out = rows;
        for (ProfileMetric.Filter f : m.filters()) {
            if (f.preferMatching() == null) {
                continue;
            }
            // rows with no value in prefer_within (or without the option) share the group ""
            Function<String, String> group = index -> f.preferWithin() == null ? "" : Objects.toString(values.get(f.preferWithin() + "." + index), "");
            Predicate<String> matches = index -> {
                Object tested = values.get(f.column() + "." + index);
                return tested != null && f.preferMatching().matcher(tested.toString()).find();
            };
            Set<String> groupsWithMatch = out.keySet().stream().filter(matches).map(group).collect(Collectors.toSet());
            Map<String, Double> kept = new LinkedHashMap<>();
            out.forEach((index, value) -> {
                if (!groupsWithMatch.contains(group.apply(index)) || matches.test(index)) {
                    kept.put(index, value);
                }
            });
            out = kept;
        }
        return out;
    }

    /**
     * One row's figure in the metric's unit, or null when the row is not to be read: it fails a filter, is
     * not a number, is a documented "not available" value, or is negative where only a physical quantity
     * can be. A row that cannot be read never fails the others.
     */
    private static Double value(ProfileMetric m, String index, Object sent, Map<String, Object> values) {
        Object raw = m.kind() != ProfileMetric.Kind.BITS ? sent : sent instanceof Octets o ? o.flags() : null;
        if (!(raw instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            return null;
        }
        if (m.kind() == ProfileMetric.Kind.VALUE && m.absent().contains(n.longValue()) && n.doubleValue() == n.longValue()) {
            return null;
        }
        double unitScale = 1;
        for (ProfileMetric.Filter f : m.filters()) {
            Object tested = f.column() == null ? lastArc(index) : values.get(f.column() + "." + index);
            if (tested == null && f.column() != null) {
                continue;
            }
            if (!f.in().isEmpty() && !(tested instanceof Number t && f.in().contains(t.longValue()))) {
                return null;
            }
            if (!f.notIn().isEmpty() && tested instanceof Number t && f.notIn().contains(t.longValue())) {
                return null;
            }
            if (f.matching() != null && (tested == null || !f.matching().matcher(tested.toString()).find())) {
                return null;
            }
            if (f.notMatching() != null && tested != null && f.notMatching().matcher(tested.toString()).find()) {
                return null;
            }
            if (f.atLeastRowValue() && tested instanceof Number t && t.doubleValue() < n.doubleValue()) {
                // above its limit: thousandths of the unit where the profile allows and they fit, else garbage
                if (!f.thousandthsAbove() || t.doubleValue() < n.doubleValue() / 1000) {
                    return null;
                }
                unitScale = 0.001;
            }
        }
        double value = n.doubleValue() * m.scale() * unitScale;
        if (m.decimalDigits() != null) {
            if (!(values.get(m.decimalDigits() + "." + index) instanceof Number digits) || digits.longValue() < 0 || digits.longValue() > 9) {
                return null;
            }
            value /= Math.pow(10, digits.longValue());
        }
        return m.role().physical() && value < 0 ? null : value;
    }

    private static Long lastArc(String index) {
        try {
            return Long.parseLong(index.substring(index.lastIndexOf('.') + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The OIDs a poll must GET (scalars) for these metrics. */
    public static List<String> scalarOids(List<ProfileMetric> metrics) {
        return metrics.stream().filter(m -> !m.table()).map(ProfileMetric::oid).distinct().toList();
    }

    /** The subtrees a poll must walk (tables). */
    public static List<String> walkedOids(List<ProfileMetric> metrics) {
        return metrics.stream().filter(ProfileMetric::table).flatMap(m -> java.util.stream.Stream.concat(java.util.stream.Stream.of(m.oid()),
                m.helperColumns().stream())).distinct().toList();
    }

    private static Map<String, Object> rows(ProfileMetric m, Map<String, Object> values) {
        Map<String, Object> rows = new TreeMap<>(ProfileReading::compareIndex);
        if (!m.table()) {
            Object v = values.get(m.oid());
            if (v != null) {
                rows.put("", v);
            }
            return rows;
        }
        values.forEach((oid, v) -> {
            if (oid.startsWith(m.oid() + ".")) {
                rows.put(Oids.index(oid, m.oid()), v);
            }
        });
        return rows;
    }

    /** Watt sensors of an entPhySensorEntry walk, by entity index, already in watts (scale of 1 applies after). */
    private static Map<String, Object> entitySensorWatts(String entry, Map<String, Object> values) {
        Map<String, Object> out = new TreeMap<>(ProfileReading::compareIndex);
        String typeColumn = entry + ".1";
        values.forEach((oid, type) -> {
            if (!oid.startsWith(typeColumn + ".") || !(type instanceof Number t) || t.intValue() != EntitySensor.TYPE_WATTS) {
                return;
            }
            String index = Oids.index(oid, typeColumn);
            Object scale = values.get(entry + ".2." + index);
            Object precision = values.get(entry + ".3." + index);
            Object value = values.get(entry + ".4." + index);
            if (scale instanceof Number s && precision instanceof Number p && value instanceof Number v
                    && EntitySensor.valid(s.intValue(), p.intValue())) {
                out.put(index, EntitySensor.watts(s.intValue(), p.intValue(), v.longValue()));
            }
        });
        return out;
    }

    /** Orders table indexes arc by arc, numerically, so interface 10 follows interface 9. */
    static int compareIndex(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].length() != y[i].length() ? Integer.compare(x[i].length(), y[i].length()) : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
