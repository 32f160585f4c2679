package io.kilowatch.core.carbon;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a shared service's total between partners by fixed shares so the parts add up to the total
 * exactly at the figure's precision: the largest-remainder (Hamilton) method. Each partner gets the floor
 * of its exact share in the smallest unit; the units left over go one each to the largest remainders
 * (ties to the partner listed first), so no penny or gram appears or disappears in rounding.
 */
public final class Apportionment {
    private Apportionment() {
    }

    /**
     * @param total the figure to split; its scale is the precision kept (e.g. 2 for pounds and pence)
     * @param weights partner to weight (any positive numbers: 60/40, 0.5/0.5, 1/1/1), in order
     */
    public static Map<String, BigDecimal> split(BigDecimal total, Map<String, Double> weights) {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("no partners to split between");
        }
        double weightSum = 0;
        for (Map.Entry<String, Double> w : weights.entrySet()) {
            if (!(w.getValue() > 0) || w.getValue().isInfinite()) {
                throw new IllegalArgumentException("share of " + w.getKey() + " must be a positive number: " + w.getValue());
            }
            weightSum += w.getValue();
        }
        BigInteger units = total.unscaledValue();
        int sign = units.signum();
        BigInteger magnitude = units.abs();
        BigDecimal exactSum = BigDecimal.valueOf(weightSum);
        List<String> names = new ArrayList<>(weights.keySet());
        Map<String, BigInteger> floors = new LinkedHashMap<>();
        Map<String, BigDecimal> remainders = new LinkedHashMap<>();
        BigInteger given = BigInteger.ZERO;
        for (String name : names) {
            BigDecimal exact = new BigDecimal(magnitude).multiply(BigDecimal.valueOf(weights.get(name))).divide(exactSum, 12, RoundingMode.HALF_EVEN);
            BigInteger floor = exact.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
            floors.put(name, floor);
            remainders.put(name, exact.subtract(new BigDecimal(floor)));
            given = given.add(floor);
        }
        List<String> byRemainder = new ArrayList<>(names);
        byRemainder.sort(Comparator.comparing((String n) -> remainders.get(n)).reversed().thenComparing(names::indexOf));
        int left = magnitude.subtract(given).intValueExact();
        for (int i = 0; i < left; i++) {
            String name = byRemainder.get(i % byRemainder.size());
            floors.put(name, floors.get(name).add(BigInteger.ONE));
        }
        Map<String, BigDecimal> parts = new LinkedHashMap<>();
        for (String name : names) {
            BigInteger part = sign < 0 ? floors.get(name).negate() : floors.get(name);
            parts.put(name, new BigDecimal(part, total.scale()));
        }
        return parts;
    }
}
