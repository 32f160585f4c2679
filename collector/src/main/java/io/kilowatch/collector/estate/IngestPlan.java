package io.kilowatch.collector.estate;

import io.kilowatch.core.availability.UptimeSpan;
import java.util.List;

/**
 * Everything one report changes, computed before anything is written so the store applies it in one
 * transaction or not at all; or why the report is refused given the device's history.
 *
 * @param device the device row after this report
 * @param newest whether this is the device's newest report (an older one only adds its sample and uptime)
 * @param rejection why the report contradicts what is stored (then nothing else is set), or null
 * @param sleeps the periods the report says the machine slept (schema 2), empty for none
 * @param stopping whether the report is the agent's last before a clean stop
 * @param sessions logged-in user sessions of this report, or null when the agent counts none
 * @param offPeriods when the device was known off or asleep, learnt from this report: its sleeps, and the time since
 *     its last clean stop, which ends at this boot (or at this report, if only the agent was stopped)
 */
public record IngestPlan(DeviceRow device, SampleRow sample, List<RollupIncrement> rollups, boolean newest, String rejection,
                         List<io.kilowatch.core.report.Report.Sleep> sleeps, boolean stopping, List<UptimeSpan> offPeriods,
                         SessionIncrement sessions) {

    public IngestPlan(DeviceRow device, SampleRow sample, List<RollupIncrement> rollups, boolean newest) {
        this(device, sample, rollups, newest, null, List.of(), false, List.of(), null);
    }

    static IngestPlan rejected(DeviceRow previous, String rejection) {
        return new IngestPlan(previous, null, List.of(), false, rejection, List.of(), false, List.of(), null);
    }
}
