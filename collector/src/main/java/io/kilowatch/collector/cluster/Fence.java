package io.kilowatch.collector.cluster;

/**
 * What a write that must not happen twice carries: the lease it is done under and the token its writer holds that lease
 * with. The store refuses the write ({@link FencedOff}) once another collector has taken the lease, whose token is then
 * higher, so a collector that paused past its lease (a long GC, a network cut) cannot act on stale state.
 */
public record Fence(String lease, long token) {
}
