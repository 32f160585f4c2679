package io.kilowatch.collector.service;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.core.service.ComponentRef;
import io.kilowatch.core.service.LabelSelector;
import io.kilowatch.core.service.ServiceDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The devices a service is made of: its device components and every device its label selectors match (not nested services'). */
public final class ServiceDevices {
    private ServiceDevices() {
    }

    /**
     * @param device the latest row of a device by id, null if it never reported
     * @param all every known device, for the selectors
     */
    public static List<DeviceRow> of(ServiceDefinition service, Function<String, DeviceRow> device, List<DeviceRow> all) {
        Map<String, DeviceRow> found = new LinkedHashMap<>();
        for (ComponentRef c : service.components()) {
            if (c.kind() == ComponentRef.Kind.DEVICE) {
                DeviceRow row = device.apply(c.ref());
                if (row != null) {
                    found.putIfAbsent(row.deviceId(), row);
                }
            } else if (c.kind() == ComponentRef.Kind.DEVICES) {
                LabelSelector selector = LabelSelector.parse(c.ref());
                all.stream().filter(r -> selector.matches(ServiceEvaluator.labels(r))).forEach(r -> found.putIfAbsent(r.deviceId(), r));
            }
        }
        return new ArrayList<>(found.values());
    }
}
