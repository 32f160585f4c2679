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

    public MeteredEnergy plus(MeteredEnergy other) {
        return new MeteredEnergy(joules + other.joules, coveredMillis + other.coveredMillis);
    }
}
