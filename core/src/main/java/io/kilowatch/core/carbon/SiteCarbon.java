package io.kilowatch.core.carbon;

/**
 * How a site's energy turns into carbon and cost.
 *
 * @param factors annual grid generation factors (scope 2), used where no half-hourly intensity covers the energy
 * @param tdLosses annual transmission and distribution loss factors (scope 3), or null where none are known
 * @param region the half-hourly intensity region (a NESO region id, {@code national}, or a name of imported
 *     data), or null to use the annual factors only
 * @param pue Power Usage Effectiveness: facility energy / IT energy, 1.0 for an office
 * @param tariff the electricity tariff, or null where none is configured (cost stays 0)
 */
public record SiteCarbon(AnnualGridFactors factors, AnnualGridFactors tdLosses, String region, double pue, Tariff tariff) {
    public SiteCarbon {
        if (!(pue >= 1.0) || pue > 10) {
            throw new IllegalArgumentException("PUE must be between 1.0 and 10: " + pue);
        }
    }
}
