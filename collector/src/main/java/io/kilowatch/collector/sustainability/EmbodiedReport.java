package io.kilowatch.collector.sustainability;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** Each device's embodied carbon this year, with where its figures came from. Written by {@link SustainabilityApi}. */
public record EmbodiedReport(int year, List<Device> devices, List<String> classesWithoutEmbodiedFigure) {

    /**
     * @param embodiedKg empty when neither its model nor its class has a figure
     * @param thisYearKg this year's share of it, rounded as reported
     * @param oneMoreYearSavesKgPerYear what keeping it a year beyond its expected life cuts from the annual charge, rounded
     */
    public record Device(DeviceIdentity device, String model, int displays, Optional<Double> embodiedKg, String source,
                         int expectedLifeYears, LocalDate inService, String inServiceSource, double thisYearKg, boolean fullyAmortised,
                         Optional<Double> oneMoreYearSavesKgPerYear) {
    }
}
