package io.kilowatch.core.service;

import java.util.Collection;

/**
 * How a service's components make it up: all of them, any of them, or at least {@code k} of them
 * (a redundant pair is 1 of 2, a cluster 2 of 3).
 */
public record CombineRule(Kind kind, int k) {
    public enum Kind { ALL_OF, ANY_OF, K_OF_N }

    public static final CombineRule ALL_OF = new CombineRule(Kind.ALL_OF, 0);
    public static final CombineRule ANY_OF = new CombineRule(Kind.ANY_OF, 0);

    public CombineRule {
        if (kind == Kind.K_OF_N && k < 1) {
            throw new IllegalArgumentException("k of n needs k >= 1, got " + k);
        }
    }

    public static CombineRule kOfN(int k) {
        return new CombineRule(Kind.K_OF_N, k);
    }

    public String label() {
        return switch (kind) {
            case ALL_OF -> "all_of";
            case ANY_OF -> "any_of";
            case K_OF_N -> k + "_of_n";
        };
    }

    /**
     * The service's state from its components'. Parts in maintenance are first taken as up, then as down:
     * if that changes the answer from up, the service is in maintenance (its downtime is not charged);
     * otherwise the answer stands. No data counts as neither: the service has no data when the parts with
     * data cannot decide.
     */
    public ServiceState combine(Collection<ServiceState> parts) {
        ServiceState optimistic = decide(parts, ServiceState.UP);
        ServiceState pessimistic = decide(parts, ServiceState.DOWN);
        if (optimistic == pessimistic) {
            return optimistic;
        }
        return optimistic == ServiceState.UP ? ServiceState.MAINTENANCE : optimistic;
    }

    private ServiceState decide(Collection<ServiceState> parts, ServiceState maintenanceAs) {
        int up = 0;
        int noData = 0;
        for (ServiceState s : parts) {
            ServiceState v = s == ServiceState.MAINTENANCE ? maintenanceAs : s;
            if (v == ServiceState.UP) {
                up++;
            } else if (v == ServiceState.NO_DATA) {
                noData++;
            }
        }
        int n = parts.size();
        int needed = switch (kind) {
            case ALL_OF -> n;
            case ANY_OF -> Math.min(1, n);
            case K_OF_N -> k;
        };
        if (n == 0) {
            return ServiceState.NO_DATA;
        }
        if (up >= needed) {
            return ServiceState.UP;
        }
        return up + noData >= needed ? ServiceState.NO_DATA : ServiceState.DOWN;
    }
}
