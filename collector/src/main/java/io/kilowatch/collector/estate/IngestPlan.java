package io.kilowatch.collector.estate;

import java.util.List;

/**
 * Everything one report changes, computed before anything is written so the store applies it in one
 * transaction or not at all.
 *
 * @param device the device row after this report
 * @param newest whether this is the device's newest report (an older one only adds its sample and uptime)
 */
public record IngestPlan(DeviceRow device, SampleRow sample, List<RollupIncrement> rollups, boolean newest) {
}
