package io.kilowatch.core.service;

/**
 * A period's error budget in milliseconds: Zabbix's S x (1 - SLO) - D.
 *
 * @param totalMs downtime the target allows over the whole period
 * @param spentMs downtime charged so far
 */
public record ErrorBudget(long totalMs, long spentMs) {
    /** May be negative: the budget is overspent. */
    public long leftMs() {
        return totalMs - spentMs;
    }

    /** Left over total; 1 untouched, 0 used up, below 0 overspent. NaN when the period has no service time. */
    public double remainingRatio() {
        return totalMs == 0 ? Double.NaN : (double) leftMs() / totalMs;
    }
}
