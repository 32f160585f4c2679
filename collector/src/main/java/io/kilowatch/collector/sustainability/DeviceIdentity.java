package io.kilowatch.collector.sustainability;

/** How carbon answers name a device: its id and host name, and its organisation, site and class ({@link DeviceProfile#NONE} when unset). */
public record DeviceIdentity(String deviceId, String hostname, String org, String site, String deviceClass) {

    static DeviceIdentity of(DeviceProfile p) {
        return new DeviceIdentity(p.row().deviceId(), p.row().host().hostname(), p.org(), p.site(), p.deviceClass());
    }
}
