package io.kilowatch.core.alerting;

import java.time.Instant;
import java.util.List;

/** Something the alerting engine asks, at each evaluation, for the conditions that hold now. */
@FunctionalInterface
public interface ConditionSource {
    List<Condition> conditionsAt(Instant now);
}
