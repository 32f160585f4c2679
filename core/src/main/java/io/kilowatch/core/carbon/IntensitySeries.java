package io.kilowatch.core.carbon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Half-hourly grid carbon intensity of one region, in gCO2e per kWh, as the NESO Carbon Intensity API
 * publishes it: each value covers the half-hour [start, start + 30 min) on UTC half-hour boundaries.
 * Immutable and compact (sorted arrays), so years of data for several regions stay small and it can be
 * read from any thread while a newer copy is built.
 */
public final class IntensitySeries {
    public static final Duration HALF_HOUR = Duration.ofMinutes(30);
    private static final long HALF_HOUR_MS = HALF_HOUR.toMillis();

    /**
     * One half-hour's intensity.
     *
     * @param kind {@code actual} (measured) or {@code forecast}
     * @param source the data set it came from, e.g. "NESO Carbon Intensity API regional, region 13 London"
     */
    public record Point(Instant start, double gramsPerKwh, String kind, String source) {
        public Point {
            if (start.toEpochMilli() % HALF_HOUR_MS != 0) {
                throw new IllegalArgumentException("a half-hour must start on :00 or :30 UTC, got " + start);
            }
            if (!(gramsPerKwh >= 0) || gramsPerKwh > 5_000) {
                throw new IllegalArgumentException("intensity must be between 0 and 5000 gCO2e/kWh, got " + gramsPerKwh);
            }
            if (!kind.equals(ACTUAL) && !kind.equals(FORECAST)) {
                throw new IllegalArgumentException("kind must be actual or forecast, got " + kind);
            }
        }
    }

    public static final String ACTUAL = "actual";
    public static final String FORECAST = "forecast";

    private final long[] startsMs;
    private final double[] gramsPerKwh;
    private final boolean[] actual;
    private final short[] sourceIndex;
    private final String[] sources;

    private IntensitySeries(long[] startsMs, double[] gramsPerKwh, boolean[] actual, short[] sourceIndex, String[] sources) {
        this.startsMs = startsMs;
        this.gramsPerKwh = gramsPerKwh;
        this.actual = actual;
        this.sourceIndex = sourceIndex;
        this.sources = sources;
    }

    public static IntensitySeries empty() {
        return of(List.of());
    }

    /** A series of these points; where two share a half-hour, the later one in the list wins. */
    public static IntensitySeries of(Collection<Point> points) {
        TreeMap<Long, Point> byStart = new TreeMap<>();
        points.forEach(p -> byStart.put(p.start().toEpochMilli(), p));
        List<String> names = new ArrayList<>();
        int n = byStart.size();
        long[] starts = new long[n];
        double[] grams = new double[n];
        boolean[] actual = new boolean[n];
        short[] source = new short[n];
        int i = 0;
        for (Point p : byStart.values()) {
            starts[i] = p.start().toEpochMilli();
            grams[i] = p.gramsPerKwh();
            actual[i] = p.kind().equals(ACTUAL);
            int index = names.indexOf(p.source());
            if (index < 0) {
                names.add(p.source());
                index = names.size() - 1;
            }
            source[i] = (short) index;
            i++;
        }
        return new IntensitySeries(starts, grams, actual, source, names.toArray(String[]::new));
    }

    /** The half-hour that contains an instant. */
    public static Instant halfHourOf(Instant t) {
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), HALF_HOUR_MS) * HALF_HOUR_MS);
    }

    /** The point covering the half-hour that contains {@code t}, if the series has one. */
    public Optional<Point> at(Instant t) {
        int i = Arrays.binarySearch(startsMs, halfHourOf(t).toEpochMilli());
        return i < 0 ? Optional.empty() : Optional.of(point(i));
    }

    /** Points whose half-hour starts in [from, to). */
    public List<Point> between(Instant from, Instant to) {
        int lo = insertionPoint(from.toEpochMilli());
        int hi = insertionPoint(to.toEpochMilli());
        List<Point> result = new ArrayList<>(Math.max(0, hi - lo));
        for (int i = lo; i < hi; i++) {
            result.add(point(i));
        }
        return result;
    }

    /** Start of the first half-hour known, if any. */
    public Optional<Instant> first() {
        return startsMs.length == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(startsMs[0]));
    }

    /** End of the last half-hour known, if any. */
    public Optional<Instant> last() {
        return startsMs.length == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(startsMs[startsMs.length - 1]).plus(HALF_HOUR));
    }

    public int size() {
        return startsMs.length;
    }

    private int insertionPoint(long ms) {
        int i = Arrays.binarySearch(startsMs, ms);
        return i >= 0 ? i : -i - 1;
    }

    private Point point(int i) {
        return new Point(Instant.ofEpochMilli(startsMs[i]), gramsPerKwh[i], actual[i] ? ACTUAL : FORECAST, sources[sourceIndex[i]]);
    }
}
