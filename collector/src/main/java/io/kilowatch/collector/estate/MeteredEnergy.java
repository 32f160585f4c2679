package io.kilowatch.collector.estate;

/**
 * What upstream meters (a PDU outlet, a UPS or PDU inlet feeding known devices) measured of a device since its previous
 * report: the device's next report counts this energy as measured in place of its model's for the time it covers
 * (docs/carbon-reporting.md#data-quality-measured-modelled-imported).
 *
 * @param joules the energy the meters measured
 * @param coveredMillis the time their readings covered
 */
public record MeteredEnergy(double joules, long coveredMillis) {
    /** Nothing measured upstream. */
    public static final MeteredEnergy NONE = new MeteredEnergy(0, 0);

    /** What is left after a report used some of it. */
    public MeteredEnergy minus(MeteredEnergy used) {
        return new MeteredEnergy(joules - used.joules, coveredMillis - used.coveredMillis);
    }
}
