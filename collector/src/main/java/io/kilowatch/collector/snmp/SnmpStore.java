package io.kilowatch.collector.snmp;

import io.vertx.core.Future;
import java.util.List;

/** What SNMP keeps in the store: discovered devices. Each method works on the store's writer and answers on the caller's context. */
public interface SnmpStore {
    Future<List<Discovery.Found>> discovered();

    /** Adds or updates a discovered device, by address. */
    Future<Void> saveDiscovered(Discovery.Found found);
}
