package io.kilowatch.core.service;

/**
 * One component of a service.
 *
 * @param kind what {@code ref} names
 * @param ref a device id, a label selector, a probe name or a service name
 * @param rule for a selector: how the matched devices combine
 */
public record ComponentRef(String name, Kind kind, String ref, CombineRule rule) {
    public enum Kind { DEVICE, DEVICES, PROBE, SERVICE }
}
