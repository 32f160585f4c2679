package io.kilowatch.collector.cluster;

/** A write refused because its {@link Fence} is stale: another collector took the lease since. */
public final class FencedOff extends RuntimeException {
    public FencedOff(Fence fence, long current) {
        super("lease " + fence.lease() + " was taken over (token " + current + ", this collector holds " + fence.token() + "); write refused");
    }
}
