package io.kilowatch.collector.agents;

import io.kilowatch.core.agentsettings.CentralSettings;
import java.util.List;

/**
 * A device's effective settings and where each came from. Written by {@link AgentSettingsApi}.
 *
 * @param settings one per managed key
 * @param localKeysKnown whether its agent has said which keys its own config sets (the Kilowatch-Local-Settings header)
 */
public record SettingsExplanation(String deviceId, List<CentralSettings.Provenance> settings, boolean localKeysKnown) {
}
