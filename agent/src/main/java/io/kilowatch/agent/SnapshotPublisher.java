package io.kilowatch.agent;

/**
 * Serves each new report's snapshot to someone other than the collector (the SNMP sub-agent). The
 * agent knows only this interface, so with no publisher configured nothing of theirs is ever loaded.
 */
public interface SnapshotPublisher extends AutoCloseable {
    /** Called on the agent's sampling thread after each report; must not block. */
    void publish(AgentSnapshot snapshot);

    @Override
    void close();
}
