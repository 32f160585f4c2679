package io.kilowatch.agent;

import io.kilowatch.core.agentsettings.CentralSettings;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The interval, labels and power model the agent runs with: its own config's, with the collector's central
 * settings over them wherever its config leaves a key unset. The collector sends them with each answer;
 * an answer without settings (an older collector) changes nothing, and empty settings bring back the
 * agent's own values. Read from any thread.
 */
public final class RunningSettings {
    private final CentralSettings.Effective local;
    private final Set<String> localKeys;
    private final AtomicReference<CentralSettings.Effective> current;

    public RunningSettings(CentralSettings.Effective local, Set<String> localKeys) {
        this.local = local;
        this.localKeys = Set.copyOf(localKeys);
        this.current = new AtomicReference<>(local);
    }

    public CentralSettings.Effective current() {
        return current.get();
    }

    /** The keys the agent's own config sets, which the collector is told so it can show where each value came from. */
    public Set<String> localKeys() {
        return localKeys;
    }

    /** Takes in the collector's settings; returns what was in force before. */
    public CentralSettings.Effective apply(CentralSettings central) {
        return current.getAndSet(central.merge(local, localKeys));
    }
}
