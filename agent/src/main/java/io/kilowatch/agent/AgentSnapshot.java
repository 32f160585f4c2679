package io.kilowatch.agent;

import io.kilowatch.core.report.Report;

/**
 * What the agent knew when it made a report: the report itself and the carbon counter that goes with
 * its energy counter. Immutable, so readers (the SNMP sub-agent) see exactly what the collector was sent.
 *
 * @param carbonGramsTotal location-based operational carbon of {@code report.power().energyJoulesTotal()},
 *     from the agent's grid factors and PUE (the collector computes its own from its site settings)
 */
public record AgentSnapshot(Report report, double carbonGramsTotal) {
}
