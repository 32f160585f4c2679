package io.kilowatch.collector.sustainability;

import io.kilowatch.core.carbon.report.DeviceGroup;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * This year so far: the totals, the organisations a trajectory can be asked for, and where the estate stands against
 * its target (empty when there is none). Written by {@link SustainabilityApi}.
 *
 * @param orgs organisations with devices, and the partners of shared services, sorted
 */
public record CarbonSummary(int year, ZoneId zone, Instant from, Instant to, DeviceGroup totals, List<String> orgs, Optional<Target> target) {

    /**
     * This year's target and actual, kgCO2e rounded as reported.
     *
     * @param status as {@link TrajectoryReport.Tracked#status()}
     */
    public record Target(int baselineYear, double targetKg, double actualKg, OptionalDouble projectedYearEndKg, String status) {
    }
}
