package io.kilowatch.core.alerting;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Mutes notifications of the alerts that all its matchers match, from {@code startsAt} until
 * {@code endsAt}. Muted alerts still fire, show on the dashboard and enter history; only nobody is told.
 * Expiring a silence early sets its end to the moment it was expired.
 */
public record Silence(String id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment,
                      Instant createdAt) {
    public Silence {
        Objects.requireNonNull(id, "id");
        matchers = List.copyOf(matchers);
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("a silence needs at least one matcher (it would mute every alert)");
        }
        if (endsAt.isBefore(startsAt)) {
            throw new IllegalArgumentException("a silence must not end before it starts");
        }
        if (createdBy == null || createdBy.isBlank()) {
            throw new IllegalArgumentException("a silence must say who created it");
        }
        if (comment == null || comment.isBlank()) {
            throw new IllegalArgumentException("a silence needs a comment saying why");
        }
    }

    public boolean isActive(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    public boolean hasExpired(Instant now) {
        return !now.isBefore(endsAt);
    }

    public boolean mutes(Alert alert, Instant now) {
        return isActive(now) && matchers.stream().allMatch(m -> m.matches(alert));
    }

    /** The same silence ended at {@code now}. */
    public Silence expiredAt(Instant now) {
        return new Silence(id, matchers, startsAt.isAfter(now) ? now : startsAt, now, createdBy, comment, createdAt);
    }

    /** The ids of the silences that mute an alert now. */
    public static List<String> muting(List<Silence> silences, Alert alert, Instant now) {
        return silences.stream().filter(s -> s.mutes(alert, now)).map(Silence::id).toList();
    }
}
