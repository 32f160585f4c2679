package io.kilowatch.agent.sensor;

import java.util.OptionalDouble;

/**
 * @param watts estimated wall power of the device
 * @param measuredJoules wall energy over the step since the previous reading when a meter measured it;
 *     empty when only power is known, and the integrator takes the trapezoid instead
 */
public record PowerReading(String source, double watts, OptionalDouble measuredJoules) {
    public static PowerReading ofWatts(String source, double watts) {
        return new PowerReading(source, watts, OptionalDouble.empty());
    }
}
